"""A claimed Idempotency-Key whose request died (a crash between claim and commit) blocks its
replays with 409 while the request could still be running, and is taken over once it surely is
not: the work then happens exactly once."""
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
