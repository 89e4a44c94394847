"""Concurrent receipts and orders for the same variants, from several threads, on PostgreSQL
(where requests really run in parallel and only the variant row lock keeps them apart)."""
import random
import threading

import pytest
from sqlalchemy import select

from api.domain.stores import create_store
from api.domain.availability import refresh_availability
from api.models import Line, Variant

pytestmark = pytest.mark.postgres

THREADS = 8
STEPS = 12
INITIAL = {1: 3, 2: 0}


def run_in_threads(work):
    barrier = threading.Barrier(THREADS)
    failures = []

    def run(index):
        try:
            barrier.wait(timeout=30)
            work(index)
        except BaseException as error:  # noqa: BLE001 - reported below
            failures.append(error)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a thread is stuck (deadlock?)"
    assert not failures, failures


def test_concurrent_receipts_and_orders_never_over_allocate_and_conserve_units(postgres_app):
    database = postgres_app.extensions["database"]
    with database.transaction() as session:
        _, api_key = create_store(session, "store-pg", ["https://shop.example"])
    admin = {"Authorization": f"Bearer {api_key}"}
    setup = postgres_app.test_client()
    for variant_id, on_hand in INITIAL.items():
        response = setup.put(f"/api/v1/admin/variants/{variant_id}", headers=admin, json={
            "product_id": 1, "on_hand": on_hand, "backorders_enabled": True})
        assert response.status_code == 200

    received = {1: 0, 2: 0}
    lock = threading.Lock()

    def work(index):
        client = postgres_app.test_client()
        rng = random.Random(index)
        for step in range(STEPS):
            if rng.random() < 0.4:
                variant_id, quantity = rng.choice([1, 2]), rng.randint(1, 4)
                response = client.post(f"/api/v1/admin/variants/{variant_id}/receipts", json={"quantity": quantity},
                                       headers={**admin, "Idempotency-Key": f"t{index}-{step}"})
                assert response.status_code == 201, response.get_json()
                with lock:
                    received[variant_id] += quantity
            else:
                # Lines name both variants in either order: locks are taken in a fixed order.
                lines = [{"variant_id": v, "quantity": rng.randint(1, 3), "unit_price": 100}
                         for v in rng.sample([1, 2], rng.randint(1, 2))]
                response = client.post("/api/v1/admin/orders", headers=admin, json={
                    "order_id": (index + 1) * 1000 + step, "currency": "USD",
                    "customer": {"email": f"c{index}@example.com"}, "lines": lines})
                assert response.status_code == 201, response.get_json()

    run_in_threads(work)

    with database.transaction() as session:
        for variant in session.scalars(select(Variant)):
            lines = session.scalars(
                select(Line).where(Line.variant_pk == variant.id).order_by(Line.queued_at, Line.id)
            ).all()
            assert len(lines) > 0
            for line in lines:
                assert 0 <= line.quantity_allocated <= line.quantity
                assert line.quantity_waiting >= 0
            allocated = sum(line.quantity_allocated for line in lines)
            assert INITIAL[variant.variant_id] + received[variant.variant_id] == variant.on_hand + allocated
            waiting = [line for line in lines if line.quantity_waiting > 0]
            if waiting:
                assert variant.on_hand == 0
                # Nobody behind the head of the queue was served from a receipt.
                for line in lines[lines.index(waiting[0]) + 1:]:
                    assert line.quantity_allocated <= line.quantity - line.quantity_backordered


def test_a_refresh_moving_alternatives_holds_its_store_without_stopping_other_changes(postgres_app):
    """A refresh that moves alternatives locks its store's row until it commits (so alternatives
    are recomputed one transaction at a time), but only FOR NO KEY UPDATE: meanwhile another
    variant's stock change (its ledger row, its new availability version) commits at once."""
    database = postgres_app.extensions["database"]
    with database.transaction() as db_session:
        _, api_key = create_store(db_session, "store-pg", ["https://pg.example"])
    client, admin = postgres_app.test_client(), {"Authorization": f"Bearer {api_key}"}
    for variant_id, on_hand, category in ((1, 0, "boots"), (2, 3, "hats")):
        body = {"product_id": variant_id, "name": "Boot", "price": 1000, "currency": "USD", "category": category,
                "on_hand": on_hand, "backorders_enabled": True}
        assert client.put(f"/api/v1/admin/variants/{variant_id}", json=body, headers=admin).status_code == 200
    done = []

    def restock():  # on hand 3 → 4: no alternative moves, no row the refresh wrote
        done.append(client.patch("/api/v1/admin/variants/2", json={"on_hand": 4}, headers=admin).status_code)

    with database.transaction() as db_session:
        variant = db_session.scalar(select(Variant).where(Variant.variant_id == 1))
        variant.on_hand = 5  # now on hand: an alternative in its category (not variant 2's)
        refresh_availability(db_session, [variant.id])
        change = threading.Thread(target=restock)
        change.start()
        change.join(timeout=20)
        assert done == [200], "the change waited for the refresh's lock on the store"
    items = client.get("/api/v1/stores/store-pg/availability?variant_ids=1,2").get_json()["items"]
    assert [item["available_on_hand"] for item in items] == [5, 4]
