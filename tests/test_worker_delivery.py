"""The worker's delivery guarantees: retries with backoff then `failed` (shown to the merchant), no
loss when killed mid-batch, graceful SIGTERM, parallel workers on PostgreSQL never sending a row
twice, and the demo mailbox."""
import os
import signal
import subprocess
import sys
import threading
from collections import Counter
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from api.domain import clock
from api.domain.events import notify
from api.domain.stores import create_store
from api.models import DeliveredMessage, OutboxMessage
from mailservers import Inbox, free_port, make_worker, smtp_inbox, wait_for  # noqa: F401

NOW = datetime(2026, 11, 26, 12, 0)  # the suite's frozen clock (tests/conftest.py)


def place(client, admin, order_id, variant_id=11, customer=None):
    body = {"order_id": order_id, "currency": "USD",
            "customer": customer or {"id": 7, "email": "ada@example.com", "first_name": "Ada"},
            "lines": [{"variant_id": variant_id, "quantity": 1, "unit_price": 1000}]}
    response = client.post("/api/v1/admin/orders", json=body, headers=admin)
    assert response.status_code == 201, response.get_json()


def backordered_variant(client, admin, variant_id=11):
    body = {"product_id": 1, "name": "Merino Tee", "sku": "T-1", "price": 1000, "currency": "USD",
            "backorders_enabled": True, "lead_time_days": 10}
    assert client.put(f"/api/v1/admin/variants/{variant_id}", json=body, headers=admin).status_code == 200


def rows(app) -> list[OutboxMessage]:
    with app.extensions["database"].session(write=False) as db_session:
        return db_session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()


def test_smtp_down_is_retried_with_backoff_then_failed_and_shown_to_the_merchant(app, client, admin, smtp_inbox):
    backordered_variant(client, admin)
    place(client, admin, 1)
    down = make_worker(app, f"smtp://127.0.0.1:{free_port()}", max_attempts=4)
    with app.app_context():
        down.run(once=True)
        [row] = rows(app)
        assert (row.status, row.attempts, row.next_attempt_at) == ("pending", 1, NOW + timedelta(seconds=30))
        assert "SMTP 127.0.0.1" in row.last_error

        clock.freeze(NOW + timedelta(seconds=29))  # not due yet
        down.run(once=True)
        assert rows(app)[0].attempts == 1
        moment = NOW
        for delay in (30, 60, 120):  # exponential backoff
            moment += timedelta(seconds=delay)
            clock.freeze(moment)
            down.run(once=True)
        [row] = rows(app)
        assert (row.status, row.attempts) == ("failed", 4)

    failed = client.get("/api/v1/admin/outbox?status=failed", headers=admin)
    assert failed.status_code == 200
    [item] = failed.get_json()["items"]
    assert (item["event"], item["recipient"], item["order_id"]) == ("backorder_placed", "ada@example.com", 1)
    assert item["channels"] == ["email"]
    assert item["dedupe_key"] == row.dedupe_key and "SMTP 127.0.0.1" in item["last_error"]
    assert client.get("/api/v1/admin/outbox?status=failed").status_code == 401
    assert client.get("/api/v1/admin/outbox?status=lost", headers=admin).status_code == 422
    assert "/api/v1/admin/outbox" in client.get("/api/openapi.json").get_json()["paths"]

    # The merchant fixes SMTP and retries the message.
    assert client.post(f"/api/v1/admin/outbox/{item['id']}/retry", headers=admin).status_code == 200
    with app.app_context():
        make_worker(app, smtp_inbox.url).run(once=True)
    assert len(smtp_inbox.to("ada@example.com")) == 1
    assert rows(app)[0].status == "sent"


def test_without_smtp_url_email_fails_visibly_outside_demo_mode(app, client, admin):
    backordered_variant(client, admin)
    place(client, admin, 1)
    with app.app_context():
        make_worker(app, None).run(once=True)
    assert "SMTP_URL is not set" in rows(app)[0].last_error


def test_a_worker_killed_mid_batch_loses_nothing_and_repeats_at_most_the_message_in_flight(
        app, client, admin, smtp_inbox, database_url, tmp_path):
    clock.freeze(None)  # the worker process runs on the real clock
    backordered_variant(client, admin)
    for order_id in range(1, 13):
        place(client, admin, order_id)
    keys = {row.dedupe_key for row in rows(app)}
    assert len(keys) == 12
    env = {**os.environ, "DATABASE_URL": database_url, "SMTP_URL": smtp_inbox.url,
           "MAIL_FROM": "Desk <desk@shop-a.example>", "SECRET_KEYS": "test-secret-new,test-secret-old",
           "APP_URL": "http://app.test", "INSTANCE_PATH": str(tmp_path), "OUTBOX_LEASE_SECONDS": "1"}
    command = [sys.executable, "-c", "from api.cli import main; main()", "worker", "--poll", "0.05"]

    smtp_inbox.hold_after = 4  # the 4th message is in flight: the server has it, the worker has no reply yet
    first = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for(lambda: len(smtp_inbox.received()) >= 4, what="four messages")
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
    finally:
        first.kill()
    smtp_inbox.release()
    assert [row.status for row in rows(app)].count("sent") == 3

    second = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        wait_for(lambda: all(row.status == "sent" for row in rows(app)), timeout=30, what="every row sent")
        second.send_signal(signal.SIGTERM)  # graceful: finishes what it holds and exits cleanly
        assert second.wait(timeout=15) == 0, second.stderr.read().decode()
    finally:
        second.kill()

    received = smtp_inbox.received()
    counts = Counter(m["X-Backorder-Desk-Dedupe-Key"] for m in received)
    assert set(counts) == keys  # nothing lost
    repeated = [key for key, count in counts.items() if count > 1]
    assert len(received) - len(keys) <= 1 and len(repeated) <= 1
    for key in repeated:  # the repeat is recognisable: the same Message-ID twice
        assert len({m["Message-ID"] for m in received if m["X-Backorder-Desk-Dedupe-Key"] == key}) == 1


def test_sigterm_while_idle_stops_the_worker_cleanly(app, database_url, tmp_path):
    env = {**os.environ, "DATABASE_URL": database_url, "INSTANCE_PATH": str(tmp_path), "SECRET_KEYS": "k"}
    worker = subprocess.Popen([sys.executable, "-c", "from api.cli import main; main()", "worker", "--poll", "30"],
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        assert b"Worker started" in worker.stderr.readline()
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(timeout=15) == 0
    finally:
        worker.kill()


@pytest.mark.postgres
def test_parallel_workers_on_postgresql_never_send_a_row_twice(postgres_app, smtp_inbox):
    database = postgres_app.extensions["database"]
    with database.transaction() as db_session:
        store, _ = create_store(db_session, "store-a", ["https://shop-a.example"])
        for number in range(80):
            notify(db_session, store.id, "allocated", {
                "order_id": number, "customer_id": 7, "email": f"shopper{number}@example.com", "first_name": "Ada",
                "locale": "en", "line_id": None, "name": "Merino Tee", "sku": "T-1", "quantity": 1,
                "unit_price": 1000, "currency": "USD", "state": "allocated"})
    workers = [make_worker(postgres_app, smtp_inbox.url, batch_size=3) for _ in range(6)]
    start = threading.Barrier(len(workers))

    def run(worker):
        start.wait()
        with postgres_app.app_context():
            worker.run(once=True)

    threads = [threading.Thread(target=run, args=(w,)) for w in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    counts = Counter(m["X-Backorder-Desk-Dedupe-Key"] for m in smtp_inbox.received())
    assert len(counts) == 80 and set(counts.values()) == {1}
    assert {row.status for row in rows(postgres_app)} == {"sent"}
    with database.session(write=False) as db_session:
        assert len(db_session.scalars(select(DeliveredMessage.id)).all()) == 80


def test_demo_mailbox_shows_every_delivered_message_sandboxed(app, client, admin, monkeypatch):
    client.patch("/api/v1/admin/settings", json={"notification_channels": ["email", "sms"]}, headers=admin)
    backordered_variant(client, admin)
    place(client, admin, 1, customer={"id": 7, "email": "ada@example.com", "first_name": "<b>Ada</b>",
                                      "phone": "+14155550123"})
    assert client.get("/demo/mailbox").status_code == 404  # demo mode only
    with app.app_context():
        make_worker(app, None, mailbox=True).run(once=True)
    monkeypatch.setitem(app.config, "DEMO_MODE", True)
    page = client.get("/demo/mailbox")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Order #1: when your backordered items will ship" in html
    assert '<iframe sandbox="" srcdoc="' in html
    assert "&amp;lt;b&amp;gt;Ada" in html  # escaped in the message, then again in the attribute
    assert "<b>Ada" not in html
    assert "+14155550123" in html and 'class="sms"' in html
    assert {row.status for row in rows(app)} == {"sent"}


def test_worker_once_delivers_everything_due_and_exits(app, client, admin, smtp_inbox, database_url, tmp_path):
    clock.freeze(None)  # the worker process runs on the real clock
    backordered_variant(client, admin)
    place(client, admin, 1)
    env = {**os.environ, "DATABASE_URL": database_url, "SMTP_URL": smtp_inbox.url, "MAIL_FROM": "desk@shop-a.example",
           "SECRET_KEYS": "test-secret-new", "INSTANCE_PATH": str(tmp_path)}
    done = subprocess.run([sys.executable, "-c", "from api.cli import main; main()", "worker", "--once"],
                          env=env, capture_output=True, timeout=60)
    assert done.returncode == 0, done.stderr.decode()
    assert [m["Subject"] for m in smtp_inbox.to("ada@example.com")] == ["Order #1: when your backordered items will ship"]
    assert rows(app)[0].status == "sent"

    bad = subprocess.run([sys.executable, "-c", "from api.cli import main; main()", "worker", "--once"],
                         env={**env, "SMTP_URL": "http://not-smtp"}, capture_output=True, timeout=60)
    assert bad.returncode == 1 and b"SMTP_URL must look like" in bad.stderr
