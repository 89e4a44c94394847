"""The test app and empty tables, shared by conftest.py and the tests that build their own app.
Tests import them from here, never from conftest: e2e/ has a conftest.py too, and a plain
`from conftest import …` may find that one when the whole suite runs."""
from sqlalchemy import text

from api import create_app
from api.models import Base


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
