"""A claimed Idempotency-Key whose request died (a crash between claim and commit) blocks its
replays with 409 while the request could still be running, and is taken over once it surely is
not: the work then happens exactly once. On SQLite "surely not" is fifteen minutes; on
PostgreSQL the claim lives exactly as long as the transaction doing its work (a row lock), so a
retry after a crash proceeds at once."""
import subprocess
import sys
import time
from datetime import timedelta

import pytest

from api.domain import clock
from api.http import idempotency
from api.models import IdempotencyRecord
PATH = "/api/v1/admin/variants/11/receipts"
RECEIPT = {"quantity": 5}


def put_variant_waiting(client, admin) -> None:
    client.put("/api/v1/admin/variants/11", json={"product_id": 1, "backorders_enabled": True}, headers=admin)
    placed = client.post("/api/v1/admin/orders", headers=admin, json={
        "order_id": 1, "currency": "USD", "customer": {"id": 7, "email": "ada@example.com"},
        "lines": [{"variant_id": 11, "quantity": 2, "unit_price": 1000}],
    })
    assert placed.status_code == 201, placed.get_json()


def abandoned_claim(app, store_id: int, age: timedelta) -> None:
    with app.test_request_context(PATH, method="POST", json=RECEIPT):
        fingerprint = idempotency._fingerprint()
    with app.extensions["database"].transaction() as session:
        session.add(IdempotencyRecord(store_id=store_id, scope="admin", key="k-1", request_hash=fingerprint,
                                      created_at=clock.utcnow() - age))


@pytest.mark.parametrize("age, status", [(timedelta(minutes=5), 409), (timedelta(minutes=16), 201)])
def test_a_dead_claim_blocks_replays_until_it_is_surely_abandoned(app, client, admin, store_and_key, age, status):
    if app.extensions["database"].engine.dialect.name == "postgresql":
        status = 201  # no transaction holds the claim: its holder is gone, whatever its age
    put_variant_waiting(client, admin)
    abandoned_claim(app, store_and_key[0], age)
    response = client.post(PATH, json=RECEIPT, headers={**admin, "Idempotency-Key": "k-1"})
    assert response.status_code == status, response.get_json()
    on_hand = client.get("/api/v1/admin/variants?per_page=1", headers=admin).get_json()["items"][0]["on_hand"]
    assert on_hand == (0 if status == 409 else 3)  # 2 of the 5 received went to the waiting line
    if status == 201:
        replay = client.post(PATH, json=RECEIPT, headers={**admin, "Idempotency-Key": "k-1"})
        assert replay.get_json() == response.get_json()
        assert client.get("/api/v1/admin/variants?per_page=1", headers=admin).get_json()["items"][0]["on_hand"] == 3


HOLDER = """
import sys, time
from flask import g
from api import create_app
from api.http import idempotency

app = create_app({"DATABASE_URL": sys.argv[1], "SECRET_KEYS": ["k"], "TESTING": True})
with app.test_request_context(sys.argv[2], method="POST", json={"quantity": 5}):
    record, answer = idempotency._claim(int(sys.argv[3]), "admin", "k-1", idempotency._fingerprint())
    assert answer is None and record is not None
    print("holding", flush=True)
    time.sleep(600)  # killed by the test long before
"""


@pytest.mark.postgres
def test_on_postgresql_a_claim_is_freed_when_its_holder_dies(postgres_app, tmp_path):
    from api.domain.stores import create_store

    with postgres_app.extensions["database"].transaction() as session:
        store, api_key = create_store(session, "store-a", ["https://shop-a.example"])
        store_id = store.id
    admin, client = {"Authorization": f"Bearer {api_key}"}, postgres_app.test_client()
    put_variant_waiting(client, admin)
    script = tmp_path / "holder.py"
    script.write_text(HOLDER)
    holder = subprocess.Popen([sys.executable, str(script), postgres_app.config["DATABASE_URL"], PATH, str(store_id)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "holding", holder.stderr.read()
        retry = client.post(PATH, json=RECEIPT, headers={**admin, "Idempotency-Key": "k-1"})
        assert retry.status_code == 409  # its holder is alive: it may still be working
    finally:
        holder.kill()  # SIGKILL: no cleanup of any kind
        holder.wait(timeout=30)
    deadline = time.monotonic() + 10
    while (retry := client.post(PATH, json=RECEIPT, headers={**admin, "Idempotency-Key": "k-1"})).status_code == 409:
        assert time.monotonic() < deadline, "the claim was not freed within 10 s of its holder's death"
        time.sleep(0.05)  # the server notices the closed connection: poll, bounded by the deadline
    assert retry.status_code == 201, retry.get_json()
    assert retry.get_json()["on_hand"] == 3
    assert client.post(PATH, json=RECEIPT, headers={**admin, "Idempotency-Key": "k-1"}).get_json() == retry.get_json()
