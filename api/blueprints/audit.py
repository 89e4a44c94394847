"""The activity log: every change made through the admin API, and so through the console, with
who made it (the control-panel user, or "API key ending …"), what and when.

One mechanism for every route: after a successful POST, PUT, PATCH or DELETE under
/api/v1/admin, a row records the method, the route, the ids it names and a short summary of the
body. Views that change nothing (previews, signing in) are marked `not_a_change`; a request
that turns out to change nothing (a dry run) sets `g.not_a_change`."""
from flask import current_app, g, request
from marshmallow import Schema, fields
from sqlalchemy import func, select

from api.http import schemas
from api.http.admin_routes import PREFIX, admin_blueprint, documented
from api.http.context import admin_store, session
from api.models import AuditEntry

blp = admin_blueprint("audit", __name__, "Activity: the audit log of changes")

MUTATING = ("POST", "PUT", "PATCH", "DELETE")
MAX_TEXT = 200
MAX_FIELDS = 30


def not_a_change(view):
    """Keep a mutating-method view out of the audit log (it changes nothing)."""
    view.not_a_change = True
    return view


def _short(value, depth: int = 0):
    """The gist of a body value: scalars as they are (text cut short), small collections inside."""
    if isinstance(value, str):
        return value if len(value) <= MAX_TEXT else value[:MAX_TEXT] + "…"
    if isinstance(value, list):
        if depth < 2 and len(value) <= 20:
            return [_short(item, depth + 1) for item in value]
        return f"{len(value)} items"
    if isinstance(value, dict):
        if depth < 2:
            return {str(k)[:MAX_TEXT]: _short(v, depth + 1) for k, v in list(value.items())[:MAX_FIELDS]}
        return f"{len(value)} fields"
    return value


def _summary() -> dict:
    body = request.get_json(silent=True)
    if isinstance(body, dict):
        return _short(body)
    if body is not None:
        return {"body": _short(body)}
    if request.content_length:  # a CSV file, as a body or an upload
        return {"upload": request.mimetype, "bytes": request.content_length}
    return {}


def record_change(response):
    if (request.method not in MUTATING or not request.path.startswith(PREFIX + "/")
            or "store" not in g or response.status_code >= 400
            or response.headers.get("Idempotent-Replayed")):
        return response
    view = current_app.view_functions.get(request.endpoint)
    if getattr(view, "not_a_change", False) or g.get("not_a_change"):
        return response
    target = dict(request.view_args or {})
    created = response.get_json(silent=True) if response.status_code == 201 else None
    if isinstance(created, dict) and isinstance(created.get("id"), int):
        target["id"] = created["id"]
    entry = AuditEntry(
        store_id=g.store.id, actor=g.actor, method=request.method, route=request.url_rule.rule[:200],
        path=request.full_path.rstrip("?")[:500], target=target, status_code=response.status_code,
        summary=_summary(),
    )
    # After the view committed its change; the request's own session, so that no second
    # connection waits for the write lock the request may still hold (SQLite).
    db_session = session()
    db_session.add(entry)
    db_session.commit()
    return response


class AuditItem(Schema):
    id = fields.Integer()
    actor = fields.String(metadata={"description": "The control-panel user's email, or \"API key ending …\"."})
    method = fields.String()
    route = fields.String(metadata={"description": "The route's pattern, e.g. /api/v1/admin/variants/<int:variant_id>."})
    path = fields.String()
    target = fields.Dict(metadata={"description": "The ids the route names, and the id of what it created."})
    summary = fields.Dict(metadata={"description": "The request body, shortened."})
    status_code = fields.Integer()
    created_at = schemas.UtcDateTime()


class AuditPage(Schema):
    items = fields.List(fields.Nested(AuditItem))
    page = fields.Integer()
    per_page = fields.Integer()
    total = fields.Integer()


@blp.route("/audit", methods=["GET"])
@blp.arguments(schemas.Pagination, location="query")
@blp.response(200, AuditPage)
@documented(blp, 401, 422)
def list_audit(query):
    """Changes made through the admin API and the console, newest first."""
    where = AuditEntry.store_id == admin_store().id
    total = session().scalar(select(func.count()).select_from(AuditEntry).where(where))
    items = session().scalars(
        select(AuditEntry).where(where).order_by(AuditEntry.id.desc())
        .offset((query["page"] - 1) * query["per_page"]).limit(query["per_page"])
    ).all()
    return schemas.page_of(items, total, query)


def register(app) -> None:
    app.after_request(record_change)
