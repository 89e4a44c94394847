"""The database extension: one engine per app, one session per request or job."""
from contextlib import contextmanager

from flask import current_app
from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from api.domain.availability import keep_fresh

# Every session, whoever opens it (app, worker, CLI, scripts), keeps the storefront's
# precomputed availability current in the transaction that changes stock.
keep_fresh()


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})
        _serialize_sqlite_writes(engine)
        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)


def _serialize_sqlite_writes(engine: Engine) -> None:
    """SQLite has no SELECT … FOR UPDATE. Writing transactions start with BEGIN IMMEDIATE so two
    of them can never read the same stock and both act on it; reads stay concurrent (WAL)."""

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None  # let the "begin" hook below emit BEGIN
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection):
        immediate = connection.get_execution_options().get("sqlite_immediate", False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


class AppDatabase:
    """One app's engine and session factories (app.extensions["database"])."""

    def __init__(self, url: str) -> None:
        self.engine = make_engine(url)
        self._reader = sessionmaker(self.engine, expire_on_commit=False)
        self._writer = sessionmaker(self.engine.execution_options(sqlite_immediate=True),
                                    expire_on_commit=False)

    def session(self, write: bool = True) -> Session:
        return (self._writer if write else self._reader)()

    @contextmanager
    def transaction(self, write: bool = True):
        """A session that commits on success and rolls back on any error."""
        with self.session(write) as session, session.begin():
            yield session


class Database:
    """Created once in extensions.py and bound with init_app; every call goes to the current
    app's own engine, so several apps in one process (tests, the demo) never share one."""

    def init_app(self, app) -> None:
        app.extensions["database"] = AppDatabase(app.config["DATABASE_URL"])

    @staticmethod
    def _current() -> AppDatabase:
        return current_app.extensions["database"]

    @property
    def engine(self) -> Engine:
        return self._current().engine

    def session(self, write: bool = True) -> Session:
        return self._current().session(write)

    def transaction(self, write: bool = True):
        return self._current().transaction(write)
