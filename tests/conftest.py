"""Shared fixtures. Every test gets empty tables; the schema is created once per run.

DATABASE_URL chooses the database for the whole suite (SQLite in a temporary file by default).
Tests marked `postgres` need a PostgreSQL server at TEST_POSTGRES_URL (default: the local `test`
database); without one they are skipped with the reason, except in CI, where that fails."""
import os
from datetime import datetime

import pytest
from app_support import empty_tables, make_app
from sqlalchemy import create_engine, text

from api.domain import clock
from api.domain.stores import create_store
from api.extensions import limiter

POSTGRES_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
NOW = datetime(2026, 11, 26, 12, 0, 0)


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    return os.environ.get("DATABASE_URL") or "sqlite:///" + str(tmp_path_factory.mktemp("db") / "test.sqlite3")


@pytest.fixture(scope="session")
def _app(database_url):
    app = make_app(database_url)
    yield app
    app.extensions["database"].engine.dispose()


@pytest.fixture
def app(_app):
    empty_tables(_app)
    limiter.reset()  # rate-limit counts (memory) start afresh for every test
    clock.freeze(NOW)
    yield _app
    clock.freeze(None)


@pytest.fixture
def reset_database():
    """Empties every table of an app: for tests that need a fresh database more than once."""
    return empty_tables


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
    app.extensions["database"].engine.dispose()


@pytest.fixture
def postgres_app(_postgres_app):
    """An app on PostgreSQL whatever DATABASE_URL says, for tests of row locking."""
    empty_tables(_postgres_app)
    limiter.reset()
    clock.freeze(NOW)
    yield _postgres_app
    clock.freeze(None)
