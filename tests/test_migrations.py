"""The one Alembic migration builds exactly the schema the models describe."""
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, text

from api.migrate import upgrade
from api.models import Base


def assert_schema_matches_models(url: str) -> None:
    upgrade(url)
    engine = create_engine(url)
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    engine.dispose()
    assert differences == []


def test_migration_on_sqlite_matches_the_models(tmp_path):
    assert_schema_matches_models("sqlite:///" + str(tmp_path / "migrated.sqlite3"))


@pytest.mark.postgres
def test_migration_on_postgresql_matches_the_models(postgres_url):
    admin = create_engine(postgres_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text("DROP DATABASE IF EXISTS backorder_desk_migration"))
        connection.execute(text("CREATE DATABASE backorder_desk_migration"))
    try:
        base, _, _ = postgres_url.rpartition("/")
        assert_schema_matches_models(base + "/backorder_desk_migration")
    finally:
        with admin.connect() as connection:
            connection.execute(text("DROP DATABASE IF EXISTS backorder_desk_migration WITH (FORCE)"))
        admin.dispose()
