"""Configuration from environment variables (every one is documented in README)."""
import os
import secrets
from pathlib import Path


def _secret_keys(instance_path: str) -> list[str]:
    """SECRET_KEYS is comma-separated, newest first. Without it, a key is generated once and kept
    in the instance folder so that sessions and signed links survive a restart of the demo."""
    raw = os.environ.get("SECRET_KEYS", "")
    keys = [k.strip() for k in raw.split(",") if k.strip()]
    if keys:
        return keys
    path = Path(instance_path) / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return [path.read_text().strip()]


def from_environment(instance_path: str) -> dict:
    default_db = "sqlite:///" + str(Path(instance_path) / "backorder-desk.sqlite3")
    return {
        "DATABASE_URL": os.environ.get("DATABASE_URL", default_db),
        "SECRET_KEYS": _secret_keys(instance_path),
        "APP_URL": os.environ.get("APP_URL", "http://127.0.0.1:5000").rstrip("/"),
        "BIGCOMMERCE_CLIENT_ID": os.environ.get("BIGCOMMERCE_CLIENT_ID", ""),
        "BIGCOMMERCE_CLIENT_SECRET": os.environ.get("BIGCOMMERCE_CLIENT_SECRET", ""),
        "DEMO_MODE": os.environ.get("DEMO_MODE", "") in ("1", "true", "yes"),
        "MAX_CONTENT_LENGTH": 64 * 1024,
        "JSON_SORT_KEYS": False,
        # flask-smorest
        "API_TITLE": "Backorder Desk",
        "API_VERSION": "v1",
        "OPENAPI_VERSION": "3.0.3",
        "OPENAPI_URL_PREFIX": "/api",
        "OPENAPI_JSON_PATH": "openapi.json",
    }
