"""The database extension: one engine per app, one session per request or job."""
import sqlite3
import threading
from contextlib import contextmanager

from flask import current_app
from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from api.domain.availability import keep_fresh
from api.domain.local_days import keep_local_days

# Every session, whoever opens it (app, worker, CLI, scripts), keeps the storefront's
# precomputed availability current in the transaction that changes stock, and gives the lines
# and orders it writes their local days.
keep_fresh()
keep_local_days()


# Webhook intake (JSON operators), the local days and the insight (unixepoch) need it: refused
# at once rather than failing on the first delivery.
SQLITE_AT_LEAST = (3, 38)


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        if sqlite3.sqlite_version_info < SQLITE_AT_LEAST:
            raise RuntimeError(f"SQLite {sqlite3.sqlite_version} is too old: Backorder Desk needs 3.38 or later "
                               "(or use PostgreSQL).")
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})
        _serialize_sqlite_writes(engine)
        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)


def _autocommit_engine(url: str, engine: Engine) -> Engine:
    """The pool of `AppDatabase.read_once` and `write_once`. SQLite's connections are autocommit
    already (BEGIN is emitted by the hook below), so they share the app's pool; PostgreSQL's get
    their own, in autocommit and without a pre-ping (the statement finds a dropped connection
    itself)."""
    if engine.dialect.name != "postgresql":
        return engine
    # Nothing to reset on return either: each statement committed on its own.
    return create_engine(url, isolation_level="AUTOCOMMIT", pool_size=5, max_overflow=10, pool_reset_on_return=None)


def _serialize_sqlite_writes(engine: Engine) -> None:
    """SQLite has no SELECT … FOR UPDATE. Writing transactions start with BEGIN IMMEDIATE so two
    of them can never read the same stock and both act on it; reads stay concurrent (WAL)."""

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None  # let the "begin" hook below emit BEGIN
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        # Not NORMAL, which in WAL mode survives a crash of the process but may lose the last
        # commits to a power cut: a webhook answered 2xx is never sent again, so it must be on
        # disk. FULL is SQLite's usual default; some builds default WAL databases to NORMAL.
        cursor.execute("PRAGMA synchronous=FULL")
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
        self.url = url
        self.engine = make_engine(url)
        self._autocommit: Engine | None = None  # made on first use (many apps never serve a storefront)
        self._lock = threading.Lock()
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

    def dispose(self) -> None:
        """Close every pooled connection (before a fork, or when the app is done)."""
        self.engine.dispose()
        if self._autocommit is not None and self._autocommit is not self.engine:
            self._autocommit.dispose()

    def read_once(self, read):
        """`read(dbapi_connection, dialect_name)` on a pooled DBAPI connection in autocommit: for
        a read that is one statement (one snapshot) on the storefront's hot path, where a
        session's pre-ping, BEGIN and ROLLBACK would be three more round trips than the query.
        Without the pre-ping a connection the server has dropped is found by the read itself:
        it is discarded and the read tried once more on a fresh one (a read is safe to repeat)."""
        return self._once(read)

    def write_once(self, write):
        """`write(dbapi_connection, dialect_name)` on a pooled DBAPI connection in autocommit: a
        write that is one statement, committed when it returns, in one round trip where a
        session's pre-ping, BEGIN and COMMIT would be three more. Tried once more on a fresh
        connection when the server dropped the first, as `read_once` does: `write` must be safe
        to repeat (an INSERT … ON CONFLICT DO NOTHING is)."""
        return self._once(write)

    def _once(self, work):
        if self._autocommit is None:
            with self._lock:  # one pool, whichever thread asks first
                if self._autocommit is None:
                    self._autocommit = _autocommit_engine(self.url, self.engine)
        engine = self._autocommit
        for attempt in (1, 2):
            connection = engine.raw_connection()
            try:
                return work(connection.driver_connection, engine.dialect.name)
            except engine.dialect.loaded_dbapi.Error as error:
                if attempt == 2 or not engine.dialect.is_disconnect(error, connection.dbapi_connection, None):
                    raise
                connection.invalidate(error)
                # A server that dropped one connection (a restart, a failover) has dropped the
                # idle ones too: the pool is replaced, so the retry gets a fresh connection.
                engine.dispose()
            finally:
                connection.close()


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

    def read_once(self, read):
        return self._current().read_once(read)
