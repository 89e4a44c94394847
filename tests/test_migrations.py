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


def test_existing_inbound_shipments_become_purchase_order_lines(tmp_path):
    url = "sqlite:///" + str(tmp_path / "upgraded.sqlite3")
    upgrade(url, "0003")  # the schema before purchase orders
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text(
            "INSERT INTO stores (id, hash, name, platform, active, storefront_origins, cancel_window_days, "
            "cancel_allocated, pay_later_enabled, payment_hold_days, handling_days, dearer_switch, "
            "delay_incentive, notification_channels, brand_logo_url, brand_colour, merchant_email, created_at) "
            "VALUES (1, 's', '', 'local', 1, '[]', 30, 0, 1, 3, 1, 'pay_difference', '{}', '[\"email\"]', '', "
            "'#1f4e79', '', '2026-11-01 00:00:00')"))
        connection.execute(text(
            "INSERT INTO variants (id, store_id, variant_id, product_id, sku, name, price, currency, url, "
            "image_url, category, on_hand, backorders_enabled, lead_time_days, message, reason, "
            "alternatives, updated_at) VALUES (1, 1, 10, 1, '', '', 0, 'USD', '', '', '', 0, 1, NULL, '', "
            "'Held at the port', '[]', '2026-11-01 00:00:00')"))
        connection.execute(text(
            "INSERT INTO inbound_shipments (id, store_id, variant_pk, quantity, expected_on, received_on, "
            "quantity_received, created_at) VALUES "
            "(3, 1, 1, 5, '2026-12-01', NULL, NULL, '2026-11-01 00:00:00'), "
            "(8, 1, 1, 4, '2026-11-20', '2026-11-21', 4, '2026-11-01 00:00:00')"))
    engine.dispose()

    upgrade(url)

    engine = create_engine(url)
    with engine.connect() as connection:
        lines = connection.execute(text(
            "SELECT i.id, i.quantity, p.status, p.expected_on, p.supplier FROM inbound_shipments i "
            "JOIN purchase_orders p ON p.id = i.purchase_order_id ORDER BY i.id")).all()
        reason = connection.execute(text("SELECT reason, reason_code FROM variants")).one()
    engine.dispose()
    assert [tuple(line) for line in lines] == [(3, 5, "open", "2026-12-01", ""), (8, 4, "received", "2026-11-20", "")]
    assert tuple(reason) == ("Held at the port", "")


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


def test_the_merchant_insight_migration_makes_a_supplier_of_every_name_purchase_orders_give(tmp_path):
    url = "sqlite:///" + str(tmp_path / "upgraded.sqlite3")
    upgrade(url, "0006")  # the schema before suppliers
    engine = create_engine(url)
    with engine.begin() as connection:
        for store_id in (1, 2):
            connection.execute(text(
                "INSERT INTO stores (id, hash, name, platform, active, storefront_origins, cancel_window_days, "
                "cancel_allocated, pay_later_enabled, payment_hold_days, handling_days, dearer_switch, "
                "delay_incentive, notification_channels, brand_logo_url, brand_colour, merchant_email, created_at) "
                f"VALUES ({store_id}, 's{store_id}', '', 'local', 1, '[]', 30, 0, 1, 3, 1, 'pay_difference', '{{}}', "
                "'[\"email\"]', '', '#1f4e79', '', '2026-11-01 00:00:00')"))
        connection.execute(text(
            "INSERT INTO purchase_orders (id, store_id, supplier, reference, status, created_at, updated_at) VALUES "
            "(1, 1, 'Acme Ceramics', 'PO-1', 'open', '2026-11-02 00:00:00', '2026-11-02 00:00:00'), "
            "(2, 1, 'Acme Ceramics', 'PO-2', 'received', '2026-11-01 00:00:00', '2026-11-01 00:00:00'), "
            "(3, 1, 'Borealis Wool', 'PO-3', 'open', '2026-11-03 00:00:00', '2026-11-03 00:00:00'), "
            "(4, 1, '', '', 'open', '2026-11-03 00:00:00', '2026-11-03 00:00:00'), "
            "(5, 2, 'Acme Ceramics', 'X-1', 'open', '2026-11-04 00:00:00', '2026-11-04 00:00:00')"))
    engine.dispose()

    upgrade(url)

    engine = create_engine(url)
    with engine.connect() as connection:
        suppliers = connection.execute(text(
            "SELECT id, store_id, name, lead_time_days, auto_reorder, created_at FROM suppliers ORDER BY store_id, name")).all()
        links = dict(connection.execute(text("SELECT id, supplier_id FROM purchase_orders")).all())
    engine.dispose()
    by_key = {(row.store_id, row.name): row for row in suppliers}
    assert sorted(by_key) == [(1, "Acme Ceramics"), (1, "Borealis Wool"), (2, "Acme Ceramics")]
    acme = by_key[(1, "Acme Ceramics")]
    assert (acme.lead_time_days, acme.auto_reorder, str(acme.created_at)[:10]) == (14, 0, "2026-11-01")
    assert links == {1: acme.id, 2: acme.id, 3: by_key[(1, "Borealis Wool")].id, 4: None,
                     5: by_key[(2, "Acme Ceramics")].id}
