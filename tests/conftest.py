"""Shared fixtures. Every test gets empty tables; the schema is created once per run.

DATABASE_URL chooses the database for the whole suite (SQLite in a temporary file by default).
Tests marked `postgres` need a PostgreSQL server at TEST_POSTGRES_URL (default: the local `test`
database); without one they are skipped with the reason, except in CI, where that fails."""
import os
from datetime import datetime

import pytest
from sqlalchemy import create_engine, text

from api import create_app
from api.domain import clock
from api.domain.availability import AvailabilityCache
from api.domain.stores import create_store
from api.extensions import rate_limits
from api.models import Base

POSTGRES_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
NOW = datetime(2026, 11, 26, 12, 0, 0)


def make_app(url: str, **overrides):
    app = create_app({"DATABASE_URL": url, "SECRET_KEYS": ["test-secret-new", "test-secret-old"],
                      "TESTING": True, "APP_URL": "http://app.test", **overrides})
    engine = app.extensions["database"].engine
    # A schema left by an older run (or another branch's) may lack newer columns or hold tables
    # this code does not know, whose foreign keys would block drop_all: start from nothing.
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
    else:
        Base.metadata.drop_all(engine)
    Base.metadata.create_all(engine)
    return app


def empty_tables(app) -> None:
    engine = app.extensions["database"].engine
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            names = ", ".join(t.name for t in Base.metadata.sorted_tables)
            connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in reversed(Base.metadata.sorted_tables):
                connection.execute(table.delete())


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    return os.environ.get("DATABASE_URL") or "sqlite:///" + str(tmp_path_factory.mktemp("db") / "test.sqlite3")


@pytest.fixture(scope="session")
def _app(database_url):
    app = make_app(database_url)
    yield app
    app.extensions["database"].dispose()


@pytest.fixture
def app(_app):
    empty_tables(_app)
    rate_limits.reset(_app)  # rate-limit counts (memory) start afresh for every test
    _app.extensions["availability_cache"] = AvailabilityCache(_app.config["AVAILABILITY_CACHE_SIZE"])
    clock.freeze(NOW)
    yield _app
    clock.freeze(None)


@pytest.fixture(autouse=True)
def console_build(tmp_path, monkeypatch):
    """A console build's manifest, so pages render without `npm run build` (the browser tests
    use the real bundle)."""
    from api.blueprints import console

    manifest = tmp_path / "console-manifest.json"
    manifest.write_text('{"js": ["console/index.test.js"], "css": ["console/index.test.css"]}')
    monkeypatch.setattr(console, "MANIFEST_PATH", manifest)
    return manifest


@pytest.fixture(scope="session")
def reset_database():
    """Empties every table of an app: for tests that need a fresh database more than once."""
    return empty_tables


@pytest.fixture(scope="session")
def app_factory():
    """make_app, for a test that needs an app of its own (say, with a route of its own)."""
    return make_app


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def session(app):
    """A database session for arranging and inspecting state directly."""
    with app.app_context():
        with app.extensions["database"].session() as db_session:
            yield db_session


@pytest.fixture
def store_and_key(app):
    database = app.extensions["database"]
    with database.transaction() as db_session:
        store, api_key = create_store(db_session, "store-a", ["https://shop-a.example"])
        store_id = store.id
    return store_id, api_key


@pytest.fixture
def admin(store_and_key):
    """Headers that authenticate as store-a's merchant."""
    return {"Authorization": f"Bearer {store_and_key[1]}"}


@pytest.fixture
def other_admin(app):
    """Headers for a second store, store-b, whose data store-a must never see (and vice versa)."""
    with app.extensions["database"].transaction() as db_session:
        _, api_key = create_store(db_session, "store-b", ["https://shop-b.example"])
    return {"Authorization": f"Bearer {api_key}"}


def _postgres_available() -> str | None:
    try:
        engine = create_engine(POSTGRES_URL)
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        engine.dispose()
        return None
    except Exception as error:  # noqa: BLE001 - any failure means "not reachable"
        return f"PostgreSQL not reachable at {POSTGRES_URL}: {type(error).__name__}"


@pytest.fixture(scope="session")
def postgres_url() -> str:
    reason = _postgres_available()
    if reason:
        if os.environ.get("CI") == "true":
            pytest.fail(reason + " (CI=true: PostgreSQL tests may not be skipped)")
        pytest.skip(reason)
    return POSTGRES_URL


@pytest.fixture(scope="session")
def _postgres_app(postgres_url):
    app = make_app(postgres_url)
    yield app
    app.extensions["database"].dispose()


@pytest.fixture
def postgres_app(_postgres_app):
    """An app on PostgreSQL whatever DATABASE_URL says, for tests of row locking."""
    empty_tables(_postgres_app)
    rate_limits.reset(_postgres_app)
    _postgres_app.extensions["availability_cache"] = AvailabilityCache(_postgres_app.config["AVAILABILITY_CACHE_SIZE"])
    clock.freeze(NOW)
    yield _postgres_app
    clock.freeze(None)
