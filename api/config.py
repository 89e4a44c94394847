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
        "BIGCOMMERCE_API_URL": os.environ.get("BIGCOMMERCE_API_URL", "https://api.bigcommerce.com").rstrip("/"),
        "BIGCOMMERCE_LOGIN_URL": os.environ.get("BIGCOMMERCE_LOGIN_URL", "https://login.bigcommerce.com").rstrip("/"),
        "DEMO_MODE": os.environ.get("DEMO_MODE", "") in ("1", "true", "yes"),
        # notifications (README: Notifications)
        "SMTP_URL": os.environ.get("SMTP_URL", ""),
        "MAIL_FROM": os.environ.get("MAIL_FROM", "Backorder Desk <no-reply@localhost>"),
        "SMS_URL": os.environ.get("SMS_URL", ""),
        "SMS_ACCOUNT_SID": os.environ.get("SMS_ACCOUNT_SID", ""),
        "SMS_AUTH_TOKEN": os.environ.get("SMS_AUTH_TOKEN", ""),
        "SMS_FROM": os.environ.get("SMS_FROM", ""),
        "OUTBOX_MAX_ATTEMPTS": int(os.environ.get("OUTBOX_MAX_ATTEMPTS", "8")),
        "OUTBOX_LEASE_SECONDS": int(os.environ.get("OUTBOX_LEASE_SECONDS", "300")),
        # shopper API (README: Shopper self-service)
        "SESSION_MAX_AGE": int(os.environ.get("SESSION_MAX_AGE", "3600")),
        # merchant console (README: Merchant console)
        "CONSOLE_SESSION_MAX_AGE": int(os.environ.get("CONSOLE_SESSION_MAX_AGE", "3600")),
        "AVAILABILITY_CACHE_SIZE": int(os.environ.get("AVAILABILITY_CACHE_SIZE", "200000")),
        "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI", "memory://"),
        "SESSION_RATE_LIMIT": os.environ.get("SESSION_RATE_LIMIT", "30 per minute"),
        "ACTION_RATE_LIMIT": os.environ.get("ACTION_RATE_LIMIT", "60 per minute"),
        "SUBSCRIPTION_RATE_LIMIT": os.environ.get("SUBSCRIPTION_RATE_LIMIT", "10 per minute"),
        "MAX_CONTENT_LENGTH": 64 * 1024,
        "JSON_SORT_KEYS": False,
        # flask-smorest
        "API_TITLE": "Backorder Desk",
        "API_VERSION": "v1",
        "OPENAPI_VERSION": "3.0.3",
        "OPENAPI_URL_PREFIX": "/api",
        "OPENAPI_JSON_PATH": "openapi.json",
    }
