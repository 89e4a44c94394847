"""Merchant view of the outbox: what was sent, what waits, and what failed for good (with the
last error), and a way to try a failed message again."""
from flask_smorest import Blueprint
from flask_smorest.error_handler import ErrorSchema
from marshmallow import Schema, fields, validate
from sqlalchemy import func, select

from api.domain import clock
from api.domain.errors import NotFound
from api.http.context import admin_store, session
from api.http.schemas import Pagination, StrictInteger, UtcDateTime
from api.models import OutboxMessage
from api.notifications.worker import recipients

blp = Blueprint("outbox", __name__, url_prefix="/api/v1/admin", description="Notifications outbox")

STATUSES = ["pending", "sending", "sent", "failed", "skipped"]


class OutboxQuery(Pagination):
    status = fields.String(validate=validate.OneOf(STATUSES))
    event = fields.String(validate=validate.Length(max=40))


class OutboxItem(Schema):
    id = StrictInteger()
    event = fields.String()
    dedupe_key = fields.String(metadata={"description": "Also on the message (Message-ID, X-Backorder-Desk-Dedupe-Key)."})
    status = fields.String(validate=validate.OneOf(STATUSES))
    attempts = StrictInteger()
    next_attempt_at = UtcDateTime()
    last_error = fields.String()
    created_at = UtcDateTime()
    sent_at = UtcDateTime(allow_none=True)
    order_id = StrictInteger(allow_none=True, attribute="payload.order_id")
    recipient = fields.Method("_recipient")
    channels = fields.Method("_channels", metadata={
        "type": "array", "items": {"type": "string", "enum": ["email", "sms"]},
        "description": "Where it goes: the store's chosen channels the recipient has an address for."})

    def _channels(self, message):
        return [channel for channel, _ in recipients(admin_store(), message)]

    def _recipient(self, message):
        payload = message.payload or {}
        return payload.get("email") or payload.get("phone") or ""


class OutboxPage(Schema):
    items = fields.List(fields.Nested(OutboxItem))
    page = StrictInteger()
    per_page = StrictInteger()
    total = StrictInteger()


@blp.before_request
def authenticate():
    admin_store()


@blp.route("/outbox", methods=["GET"])
@blp.arguments(OutboxQuery, location="query")
@blp.response(200, OutboxPage)
@blp.alt_response(401, schema=ErrorSchema)
@blp.alt_response(422, schema=ErrorSchema)
def list_outbox(query):
    """Notifications, newest first; `status=failed` lists those that gave up after every retry."""
    where = [OutboxMessage.store_id == admin_store().id]
    if "status" in query:
        where.append(OutboxMessage.status == query["status"])
    if "event" in query:
        where.append(OutboxMessage.event == query["event"])
    total = session().scalar(select(func.count()).select_from(OutboxMessage).where(*where))
    items = session().scalars(
        select(OutboxMessage).where(*where).order_by(OutboxMessage.id.desc())
        .offset((query["page"] - 1) * query["per_page"]).limit(query["per_page"])
    ).all()
    return {"items": items, "page": query["page"], "per_page": query["per_page"], "total": total}


@blp.route("/outbox/<int:message_id>/retry", methods=["POST"])
@blp.response(200, OutboxItem)
@blp.alt_response(401, schema=ErrorSchema)
@blp.alt_response(404, schema=ErrorSchema)
def retry_message(message_id):
    """Send a failed (or skipped) message again, with a fresh set of attempts."""
    message = session().get(OutboxMessage, message_id)
    if message is None or message.store_id != admin_store().id or message.status not in ("failed", "skipped"):
        raise NotFound(f"No failed message {message_id}.")
    message.status, message.attempts, message.next_attempt_at = "pending", 0, clock.utcnow()
    session().commit()
    return message
