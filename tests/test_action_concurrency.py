"""Concurrent shopper actions on SQLite and PostgreSQL: the same Idempotency-Key from 20 threads
refunds once; 20 different keys cancelling units of one line never refund more than the line;
several workers sending the refunds owed at once pay each exactly once."""
import threading

import pytest
from shopper_support import CLIENT_ID, CLIENT_SECRET, Shop
from sqlalchemy import func, select

from api.domain.refunds import send_due_refunds
from api.domain.stores import create_store
from api.models import Line, LocalLedgerEntry, Refund

THREADS = 20


@pytest.fixture(params=["app", "postgres_app"])
def shop_on(request, monkeypatch):
    app = request.getfixturevalue(request.param)
    monkeypatch.setitem(app.config, "BIGCOMMERCE_CLIENT_ID", CLIENT_ID)
    monkeypatch.setitem(app.config, "BIGCOMMERCE_CLIENT_SECRET", CLIENT_SECRET)
    with app.extensions["database"].transaction() as session:
        _, api_key = create_store(session, "store-a", ["https://shop-a.example"])
    return app, Shop(app.test_client(), {"Authorization": f"Bearer {api_key}"})


def in_parallel(app, send):
    """Run send(client, index) in THREADS threads released together; the responses in order."""
    barrier = threading.Barrier(THREADS)
    results = [None] * THREADS

    def run(index):
        client = app.test_client()
        barrier.wait()
        response = send(client, index)
        results[index] = (response.status_code, response.get_json())

    threads = [threading.Thread(target=run, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert all(result is not None for result in results), "a request did not finish"
    return results


def send_refunds_from_four_workers(app):
    database = app.extensions["database"]
    barrier = threading.Barrier(4)

    def work():
        barrier.wait()
        send_due_refunds(database)

    workers = [threading.Thread(target=work) for _ in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
    # Refunds of one order go one at a time: those skipped meanwhile go on the next run.
    send_due_refunds(database)


def totals(app):
    with app.extensions["database"].transaction() as session:
        refunds = session.scalar(select(func.coalesce(func.sum(Refund.amount), 0)))
        booked = session.scalar(select(func.coalesce(func.sum(LocalLedgerEntry.amount), 0)))
        count = session.scalar(select(func.count()).select_from(Refund))
        line = session.scalar(select(Line))
        return refunds, booked, count, line.quantity_cancelled


def test_twenty_threads_with_one_idempotency_key_refund_once(shop_on):
    app, shop = shop_on
    shop.variant(1)
    line_id = shop.order(100, 1, 5)
    me = shop.session(7)
    url = f"/api/v1/me/orders/100/lines/{line_id}/cancel"
    results = in_parallel(app, lambda client, i: client.post(
        url, json={}, headers={**me, "Idempotency-Key": "same-key"}))
    codes = sorted(code for code, _ in results)
    assert set(codes) <= {200, 409}, codes
    successes = [body for code, body in results if code == 200]
    assert successes and all(body == successes[0] for body in successes)
    send_refunds_from_four_workers(app)
    assert totals(app) == (5000, 5000, 1, 5)


def test_twenty_threads_with_different_keys_never_refund_more_than_the_line(shop_on):
    app, shop = shop_on
    shop.variant(1)
    line_id = shop.order(100, 1, 5)
    me = shop.session(7)
    url = f"/api/v1/me/orders/100/lines/{line_id}/cancel"
    results = in_parallel(app, lambda client, i: client.post(
        url, json={"quantity": 1}, headers={**me, "Idempotency-Key": f"key-{i}"}))
    codes = [code for code, _ in results]
    assert codes.count(200) == 5, codes
    assert set(codes) == {200, 409}
    send_refunds_from_four_workers(app)
    assert totals(app) == (5000, 5000, 5, 5)
