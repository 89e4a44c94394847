"""The Alembic migrations build exactly the schema the models describe, and keep what is stored."""
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


def test_the_availability_migration_computes_every_existing_variants_row(tmp_path):
    url = "sqlite:///" + str(tmp_path / "migrated.sqlite3")
    upgrade(url, "0002")
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text(
            "INSERT INTO stores (id, hash, name, platform, active, storefront_origins, cancel_allocated,"
            " pay_later_enabled, payment_hold_days, handling_days, dearer_switch, delay_incentive,"
            " notification_channels, brand_logo_url, brand_colour, merchant_email, created_at)"
            " VALUES (1, 's', '', 'local', 1, '[]', 0, 1, 3, 1, 'refuse', '{}', '[]', '', '#000000', '',"
            " '2026-11-26')"))
        for pk, on_hand in ((1, 0), (2, 3)):
            connection.execute(text(
                "INSERT INTO variants (id, store_id, variant_id, product_id, sku, name, price, currency, url,"
                " image_url, category, on_hand, backorders_enabled, message, reason, alternatives, updated_at)"
                f" VALUES ({pk}, 1, {pk}, {pk}, '', 'V{pk}', 1000, 'USD', '', '', 'boots', {on_hand}, 1, '',"
                " '', '[]', '2026-11-26')"))
    upgrade(url)
    with engine.connect() as connection:
        rows = connection.execute(text(
            "SELECT variant_id, on_hand, alternatives FROM variant_availability ORDER BY variant_id")).all()
    engine.dispose()
    assert [(variant_id, on_hand) for variant_id, on_hand, _ in rows] == [(1, 0), (2, 3)]
    assert '"variant_id":2' in rows[0][2]
