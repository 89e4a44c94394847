"""The merchant console's page: the single-page app (built by `npm run build` into
api/static/console/, listed in its manifest.json) and the console session it starts with.

BigCommerce opens it at /bigcommerce/load (see bigcommerce.py) with a session for the
control-panel user already in the page; /console/ serves the same page for self-hosted stores,
where the merchant exchanges an admin API key for a session (POST /api/v1/admin/sessions). The
session lives in the page's memory only: no cookie (the page is framed by the control panel,
where third-party cookies are unreliable) and nothing in the browser's storage."""
import json
from datetime import timedelta
from pathlib import Path

from flask import Blueprint, current_app, render_template
from sqlalchemy.orm import Session

from api.domain.console_sessions import open_session
from api.http.errors import error_response
from api.models import Store

bp = Blueprint("console", __name__)

MANIFEST_PATH = Path(__file__).resolve().parent.parent / "static" / "console" / "manifest.json"
# Framed by the BigCommerce control panel (or by the app itself), never by anyone else.
CONTROL_PANEL = "https://*.bigcommerce.com"


def page_csp(store_hash: str | None) -> str:
    ancestors = "'self'"
    if store_hash:  # the store's own control panel domain: store-<hash>.mybigcommerce.com
        ancestors += f" {CONTROL_PANEL} https://store-{store_hash}.mybigcommerce.com"
    return ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
            "img-src 'self' data: https:; font-src 'self' data:; connect-src 'self'; "
            f"base-uri 'none'; form-action 'self'; object-src 'none'; frame-ancestors {ancestors}")


def _assets() -> dict | None:
    try:
        manifest = json.loads(MANIFEST_PATH.read_text())
    except (FileNotFoundError, ValueError):
        return None
    return {"js": list(manifest.get("js", [])), "css": list(manifest.get("css", []))}


def console_page(boot: dict, store_hash: str | None = None, status: int = 200):
    """The console's HTML with `boot` (the session, or none) in a JSON data island."""
    assets = _assets()
    if assets is None:
        return error_response(503, "The console has not been built on this server: run `npm ci && npm run build`.")
    html = render_template("console/index.html", assets=assets, boot=boot)
    headers = {"Content-Security-Policy": page_csp(store_hash), "Cache-Control": "no-store"}
    return html, status, headers


def session_lifetime() -> timedelta:
    return timedelta(seconds=current_app.config["CONSOLE_SESSION_MAX_AGE"])


def start_session(db_session: Session, store: Store, *, label: str, user_id: int | None = None,
                  user_email: str = "") -> dict:
    """A new console session, as the page and POST /api/v1/admin/sessions give it."""
    token, record = open_session(db_session, store, label=label, lifetime=session_lifetime(),
                                 user_id=user_id, user_email=user_email)
    return {
        "token": token,
        "expires_at": record.expires_at,
        "user": {"id": user_id, "email": user_email, "label": label},
        "store": {"hash": store.hash, "name": store.name, "platform": store.platform},
    }


@bp.get("/console/")
def local_console():
    """The console for self-hosted stores: it asks for an admin API key, once."""
    return console_page({"platform": "local", "token": None})
