"""How the app is wired into the store: the storefront script (added by the app on BigCommerce,
or the snippet to paste), and on BigCommerce the webhooks' health and the last reconciliation."""
from flask import current_app
from marshmallow import Schema, fields
from sqlalchemy import func, select

from api.bigcommerce.install import WEBHOOK_SCOPES, script_tag
from api.http import schemas
from api.http.admin_routes import admin_blueprint, documented
from api.http.context import admin_store, session
from api.models import BigCommerceInstallation, BigCommerceWebhook

blp = admin_blueprint("integration", __name__, "Storefront script and webhook health")


class Script(Schema):
    installed = fields.Boolean(allow_none=True, metadata={"description": "Added through the Scripts API; null on the local platform."})
    uuid = fields.String()


class Webhooks(Schema):
    expected = fields.Integer()
    registered = fields.Integer()
    failed_jobs = fields.Integer(metadata={"description": "Deliveries that failed for good."})
    pending_jobs = fields.Integer(metadata={"description": "Deliveries waiting or being retried."})
    last_error = fields.String(metadata={"description": "The latest failed job's error, if any."})


class Integration(Schema):
    platform = fields.String()
    script = fields.Nested(Script)
    snippet = fields.String(metadata={"description": "The script tag to paste into the theme by hand."})
    webhooks = fields.Nested(Webhooks, allow_none=True, metadata={"description": "null on the local platform."})
    last_reconciled_at = schemas.UtcDateTime(allow_none=True)


@blp.route("/integration", methods=["GET"])
@blp.response(200, Integration)
@documented(blp, 401)
def get_integration():
    """The storefront script's status and snippet, webhook health and the last reconciliation."""
    store = admin_store()
    config = current_app.config
    snippet = script_tag(config["APP_URL"], store.hash, config["BIGCOMMERCE_CLIENT_ID"])
    installation = session().scalar(
        select(BigCommerceInstallation).where(BigCommerceInstallation.store_id == store.id))
    if store.platform != "bigcommerce" or installation is None:
        return {"platform": store.platform, "script": {"installed": None, "uuid": ""}, "snippet": snippet,
                "webhooks": None, "last_reconciled_at": None}
    jobs = dict(session().execute(
        select(BigCommerceWebhook.status, func.count())
        .where(BigCommerceWebhook.store_id == store.id).group_by(BigCommerceWebhook.status)
    ).all())
    last_error = session().scalar(
        select(BigCommerceWebhook.last_error)
        .where(BigCommerceWebhook.store_id == store.id, BigCommerceWebhook.status == "failed")
        .order_by(BigCommerceWebhook.id.desc()).limit(1)) or ""
    return {
        "platform": store.platform,
        "script": {"installed": bool(installation.script_uuid), "uuid": installation.script_uuid},
        "snippet": snippet,
        "webhooks": {
            "expected": len(WEBHOOK_SCOPES),
            "registered": len([hook for hook in (installation.hook_ids or {}).values() if hook]),
            "failed_jobs": jobs.get("failed", 0),
            "pending_jobs": jobs.get("pending", 0) + jobs.get("running", 0),
            "last_error": last_error,
        },
        "last_reconciled_at": installation.reconciled_at,
    }
