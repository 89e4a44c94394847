"""Service routes: health and the widget bundle (the demo pages are in demo.py)."""
import hashlib
from pathlib import Path

from flask import Blueprint, Response, request
from sqlalchemy import text

from api.extensions import db
from api.http.errors import error_response

bp = Blueprint("service", __name__)


@bp.get("/healthz")
def healthz():
    with db.engine.connect() as connection:
        connection.execute(text("SELECT 1"))
    return {"status": "ok"}


WIDGET_PATH = Path(__file__).resolve().parent.parent / "static" / "widget.js"
_bundle: dict = {}  # "current": (file stamp, body, hash), replaced whole so threads see one version


def widget_bundle() -> tuple[bytes, str] | None:
    """The built widget and its content hash, re-read only when the file changes."""
    try:
        stat = WIDGET_PATH.stat()
    except FileNotFoundError:
        return None
    stamp = (stat.st_mtime_ns, stat.st_size)
    current = _bundle.get("current")
    if current is None or current[0] != stamp:
        body = WIDGET_PATH.read_bytes()
        current = _bundle["current"] = (stamp, body, hashlib.sha256(body).hexdigest()[:16])
    return current[1], current[2]


def _widget_response(cache_control: str):
    bundle = widget_bundle()
    if bundle is None:
        return error_response(
            503, "The widget has not been built on this server: run `npm ci && npm run build`."
        )
    body, digest = bundle
    response = Response(body, mimetype="text/javascript")
    response.set_etag(digest)
    response.headers["Cache-Control"] = cache_control
    response.headers["X-Widget-Hash"] = digest
    return response.make_conditional(request)


@bp.get("/widget.js")
def widget():
    """The storefront widget. Short cache with an ETag (the content hash), so a new release
    reaches stores within minutes; `X-Widget-Hash` names the immutable URL of this version."""
    return _widget_response("public, max-age=300")


CHUNK_DIR = WIDGET_PATH.parent / "widget"


@bp.get("/widget/<any(strings, account):kind>-<any(en, de, fr, es):lang>.<digest>.js")
def widget_chunk(kind: str, lang: str, digest: str):
    """A chunk the widget loads on demand (one language's strings, the account-page code). Its
    name carries the build's hash, so it is cacheable for a year."""
    path = CHUNK_DIR / f"{kind}-{lang}.{digest}.js"
    if not digest.isalnum() or not path.is_file():
        return error_response(404, "No widget chunk with that name: load /widget.js again.")
    response = Response(path.read_bytes(), mimetype="text/javascript")
    response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
    return response


@bp.get("/widget.<digest>.js")
def widget_versioned(digest: str):
    """This exact version of the widget, cacheable for a year."""
    bundle = widget_bundle()
    if bundle is not None and bundle[1] != digest:
        return error_response(404, "No widget with that hash: use /widget.js.")
    return _widget_response("public, max-age=31536000, immutable")
