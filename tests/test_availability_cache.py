"""Each worker keeps the storefront items it wrote, for as long as the store's availability
version and settings say they still hold: these prove an unchanged store is answered with one
statement and that nothing kept outlives a change (the kinds of change themselves are in
test_availability_fresh.py, which runs against the same kept items)."""
from datetime import timedelta

from sqlalchemy import event, select

from api.domain import clock
from api.domain.availability import AvailabilityCache, refresh_availability, storefront_availability_json
from api.models import AvailabilityVersion, Variant
from tests.conftest import NOW

URL = "/api/v1/stores/store-a/availability"


def put_variant(client, admin, variant_id, **fields):
    body = {"product_id": variant_id, "name": f"Variant {variant_id}", "price": 1000, "currency": "USD", **fields}
    response = client.put(f"/api/v1/admin/variants/{variant_id}", json=body, headers=admin)
    assert response.status_code == 200, response.get_json()


class CountingConnection:
    """A DBAPI connection that counts statements and may run something before one of them."""

    def __init__(self, connection, before=None):
        self.connection, self.statements, self.before = connection, [], before or {}

    def cursor(self):
        cursor, outer = self.connection.cursor(), self

        class Cursor:
            def execute(self, sql, parameters=()):
                outer.statements.append(sql)
                if len(outer.statements) in outer.before:
                    outer.before[len(outer.statements)]()
                return cursor.execute(sql, parameters)

            def __getattr__(self, name):
                return getattr(cursor, name)

        return Cursor()


def read(app, cache, before=None, **query):
    """The storefront's answer for store-a, and the statements it took."""
    counted = {}

    def answer(connection, dialect):
        counted["connection"] = CountingConnection(connection, before)
        return storefront_availability_json(counted["connection"], dialect, "store-a", cache, **query)

    with app.app_context():
        found = app.extensions["database"].read_once(answer)
    return found[1], counted["connection"].statements


def test_an_unchanged_store_is_answered_from_kept_items_with_one_statement(app, client, admin):
    for variant_id in (1, 2, 3):
        put_variant(client, admin, variant_id, product_id=7, backorders_enabled=True, lead_time_days=4)
    cache = AvailabilityCache(100)
    first, statements = read(app, cache, product_ids=[7])
    assert len(statements) == 1  # nothing kept yet: the store and the rows, in one statement
    again, statements = read(app, cache, product_ids=[7])
    assert (again, len(statements)) == (first, 1)  # only the store row, to check its version
    by_variant, statements = read(app, cache, variant_ids=[3, 1])
    assert len(statements) == 1 and '"variant_id":1' in by_variant  # a product's read keeps its variants
    assert client.get(f"{URL}?product_ids=7").get_data(as_text=True) == first


def test_kept_items_are_the_same_as_a_fresh_read_and_a_cache_of_none_keeps_nothing(app, client, admin):
    put_variant(client, admin, 1, backorders_enabled=True, lead_time_days=4)
    put_variant(client, admin, 2, on_hand=3)
    fresh, _ = read(app, AvailabilityCache(0), variant_ids=[1, 2, 99])
    cache = AvailabilityCache(100)
    read(app, cache, variant_ids=[2])
    mixed, statements = read(app, cache, variant_ids=[1, 2, 99])  # 2 kept; 1 and 99 read
    assert (mixed, len(statements)) == (fresh, 2)
    assert len(read(app, AvailabilityCache(0), variant_ids=[1, 2, 99])[1]) == 1  # keeps nothing, reads all


def test_a_change_committed_between_the_two_statements_has_every_id_read_again(app, client, admin):
    put_variant(client, admin, 1, backorders_enabled=True)
    put_variant(client, admin, 2, backorders_enabled=True)
    cache = AvailabilityCache(100)
    read(app, cache, variant_ids=[1])

    def restock_variant_1():  # commits after the store row was read, before the rows are
        response = client.patch("/api/v1/admin/variants/1", json={"on_hand": 4}, headers=admin)
        assert response.status_code == 200

    answer, statements = read(app, cache, before={2: restock_variant_1}, variant_ids=[1, 2])
    assert len(statements) == 3  # the store, variant 2, then both again
    assert '"variant_id":1,"sku":"","state":"in_stock","available_on_hand":4' in answer
    assert read(app, cache, variant_ids=[1, 2]) == (answer, statements[:1])


def test_the_day_turning_moves_an_eta_already_given(client, admin):
    put_variant(client, admin, 1, backorders_enabled=True, lead_time_days=4)
    today = client.get(f"{URL}?variant_ids=1").get_json()["items"][0]["eta"]["date"]
    clock.freeze(NOW + timedelta(days=1))
    tomorrow = client.get(f"{URL}?variant_ids=1").get_json()["items"][0]["eta"]["date"]
    assert (today, tomorrow) == ("2026-12-01", "2026-12-02")  # Thu 26 Nov + 4 days (Mon) + 1 working day; Fri …


def test_working_days_and_the_time_zone_show_at_once(client, admin):
    put_variant(client, admin, 1, backorders_enabled=True, lead_time_days=1)
    assert client.get(f"{URL}?variant_ids=1").get_json()["items"][0]["eta"]["date"] == "2026-11-30"
    response = client.patch("/api/v1/admin/settings", json={"working_days": [0, 1, 2, 3, 4, 5]}, headers=admin)
    assert response.status_code == 200, response.get_json()
    assert client.get(f"{URL}?variant_ids=1").get_json()["items"][0]["eta"]["date"] == "2026-11-28"
    response = client.patch("/api/v1/admin/settings", json={"timezone": "Pacific/Kiritimati"}, headers=admin)
    assert response.status_code == 200, response.get_json()  # UTC+14: already Friday 27 there
    assert client.get(f"{URL}?variant_ids=1").get_json()["items"][0]["eta"]["date"] == "2026-11-30"


def test_a_products_new_variant_and_each_quantity_and_language_show_at_once(client, admin):
    put_variant(client, admin, 1, product_id=7, on_hand=1, backorders_enabled=True, reason_code="supplier_delay")
    assert [i["variant_id"] for i in client.get(f"{URL}?product_ids=7").get_json()["items"]] == [1]
    put_variant(client, admin, 2, product_id=7, backorders_enabled=True)
    assert [i["variant_id"] for i in client.get(f"{URL}?product_ids=7").get_json()["items"]] == [1, 2]
    assert client.get(f"{URL}?product_ids=7&quantity=2").get_json()["items"][0]["state"] == "backorder"
    assert client.get(f"{URL}?product_ids=7").get_json()["items"][0]["state"] == "in_stock"
    english = client.get(f"{URL}?variant_ids=1").get_json()["items"][0]["reason"]
    german = client.get(f"{URL}?variant_ids=1&locale=de").get_json()["items"][0]["reason"]
    assert english != german and english


def test_a_full_cache_lets_the_first_kept_go_and_still_answers(app, client, admin):
    for variant_id in range(1, 13):
        put_variant(client, admin, variant_id, on_hand=variant_id)
    cache = AvailabilityCache(10)
    for variant_id in range(1, 13):
        read(app, cache, variant_ids=[variant_id])
    assert cache.held() <= 10 and len(read(app, cache, variant_ids=[12])[1]) == 1  # the last read is kept
    assert len(read(app, cache, variant_ids=[5])[1]) == 1  # only the first kept went, not all
    answer, _ = read(app, cache, variant_ids=list(range(1, 13)))
    assert answer.count('"state":"in_stock"') == 12


def test_an_empty_product_kept_is_read_again_when_the_store_changed_in_between(app, client, admin):
    put_variant(client, admin, 1, product_id=7, on_hand=2)
    cache = AvailabilityCache(100)
    read(app, cache, product_ids=[8])  # product 8 has no variants: kept so

    def move_variant_1_to_product_8():  # commits between the store's read and the rows'
        put_variant(client, admin, 1, product_id=8, on_hand=2)

    answer, _ = read(app, cache, before={2: move_variant_1_to_product_8}, product_ids=[8, 7])
    assert answer == read(app, AvailabilityCache(0), product_ids=[8, 7])[0]
    assert '"variant_id":1' in answer  # in product 7 before, in 8 after: never in neither


def test_a_savepoint_neither_gives_the_version_early_nor_forgets_the_stores_written(app, client, admin):
    put_variant(client, admin, 1, backorders_enabled=True)
    cache = AvailabilityCache(100)
    read(app, cache, variant_ids=[1])
    statements = []
    engine = app.extensions["database"].engine
    listener = lambda _conn, _cursor, sql, *_args: statements.append(sql.split()[:3])  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    try:
        with app.app_context(), app.extensions["database"].transaction() as session:
            variant = session.scalar(select(Variant).where(Variant.variant_id == 1))
            variant.on_hand = 5
            refresh_availability(session, [variant.id])  # as Core writers do: the rows written now
            with session.begin_nested():  # released: the transaction goes on
                pass
            try:
                with session.begin_nested():  # rolled back, as a duplicate outbox row is
                    raise RuntimeError("duplicate")
            except RuntimeError:
                pass
            statements.append(["(last work)"])
            session.scalar(select(Variant.id))
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    versions = [n for n, sql in enumerate(statements) if sql == ["INSERT", "INTO", "availability_versions"]]
    assert len(versions) == 1 and versions[0] > statements.index(["(last work)"])
    assert read(app, cache, variant_ids=[1])[0] == read(app, AvailabilityCache(0), variant_ids=[1])[0]
    assert '"available_on_hand":5' in read(app, cache, variant_ids=[1])[0]


def test_a_variant_deleted_is_no_longer_answered(app, client, admin):
    put_variant(client, admin, 1, on_hand=3)
    cache = AvailabilityCache(100)
    read(app, cache, variant_ids=[1])
    with app.app_context(), app.extensions["database"].transaction() as session:
        session.delete(session.scalar(select(Variant).where(Variant.variant_id == 1)))
    assert read(app, cache, variant_ids=[1])[0] == '{"items":[]}'


def test_the_size_bounds_the_items_held_by_variant_and_by_product(app, client, admin):
    for variant_id in range(1, 31):
        put_variant(client, admin, variant_id, product_id=7 + variant_id // 10, on_hand=1)
    cache = AvailabilityCache(20)
    for quantity in range(1, 11):
        read(app, cache, product_ids=[7, 8, 9, 10], quantity=quantity)
        read(app, cache, variant_ids=list(range(1, 31)), quantity=quantity)
    assert cache.held() <= 20
    assert read(app, cache, product_ids=[8], quantity=10)[0].count('"state":"in_stock"') == 10


def test_locales_of_one_language_share_their_items(app, client, admin):
    put_variant(client, admin, 1, backorders_enabled=True, reason_code="supplier_delay")
    cache = AvailabilityCache(100)
    german, _ = read(app, cache, variant_ids=[1], locale="de-AT")
    assert (read(app, cache, variant_ids=[1], locale="de")[0], cache.held()) == (german, 1)


def test_a_new_store_has_its_version_so_a_first_write_locks_no_store_row(app, client, admin, store_and_key):
    with app.app_context(), app.extensions["database"].transaction() as session:
        version = session.scalar(select(AvailabilityVersion.version).where(
            AvailabilityVersion.store_id == store_and_key[0]))
    assert version is not None
    put_variant(client, admin, 1, on_hand=1)
    with app.app_context(), app.extensions["database"].transaction() as session:
        assert session.scalar(select(AvailabilityVersion.version).where(
            AvailabilityVersion.store_id == store_and_key[0])) != version


def test_items_read_again_are_counted_once(app, client, admin):
    for variant_id in range(1, 11):
        put_variant(client, admin, variant_id, product_id=100 + variant_id // 2, on_hand=1)
    cache = AvailabilityCache(100)
    for _ in range(3):
        read(app, cache, variant_ids=list(range(1, 11)))
        read(app, cache, product_ids=list(range(100, 106)))
    # Each variant once by variant id, and once in its product: nothing counted twice.
    assert cache.held() == 20
