"""Cancel: waiting units (and set-aside ones where the store allows), inside the cancel window,
refunded at once through the commerce port; a refund the platform does not confirm stays pending
and is retried by a due job, never lost and never paid twice."""
from datetime import timedelta

from shopper_support import NOW, bc_app, run_jobs_command, shop, transaction  # noqa: F401
from sqlalchemy import func, select

from api.commerce import RefundResult
from api.commerce.local import LocalAdapter
from api.domain import clock
from api.models import LocalLedgerEntry, OutboxMessage, Refund, Store


def ledger(app):
    with transaction(app) as session:
        return [(e.kind, e.amount) for e in session.scalars(select(LocalLedgerEntry).order_by(LocalLedgerEntry.id))]


def outbox(app, event):
    with transaction(app) as session:
        return [m.payload for m in session.scalars(select(OutboxMessage).where(OutboxMessage.event == event)
                                                    .order_by(OutboxMessage.id))]


def test_cancel_whole_line_refunds_it_and_moves_the_queue_up(shop, client, app):
    shop.variant(1)
    client.post("/api/v1/admin/variants/1/inbound", json={"quantity": 2, "expected_on": "2026-12-10"},
                headers=shop.admin)
    client.post("/api/v1/admin/variants/1/inbound", json={"quantity": 2, "expected_on": "2026-12-20"},
                headers=shop.admin)
    first = shop.order(100, 1, 2, unit_price=1500)
    behind = shop.order(101, 1, 2, customer_id=8)
    other = shop.session(8)
    assert shop.line(other, 101, behind)["eta"]["date"] == "2026-12-22"  # Sun 20 Dec: Mon + 1

    response = shop.act(shop.session(7), 100, first, "cancel", {})
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["quantity"] == 2
    assert body["refund"] == {"amount": 3000, "currency": "USD", "status": "pending"}
    line = next(line for line in body["order"]["lines"] if line["id"] == first)
    assert (line["state"], line["quantity_cancelled"], line["eta"]) == ("cancelled", 2, None)
    assert line["actions"]["cancel"]["reason"] == "already_cancelled"
    assert [e["kind"] for e in line["timeline"]] == ["placed", "cancelled"]
    assert ledger(app) == []  # the request only owes it: the due job pays it
    [cancelled] = outbox(app, "cancelled")
    assert (cancelled["refund_amount"], cancelled["order_id"], cancelled["email"]) == (3000, 100, "ada@example.com")
    assert run_jobs_command(app)["send_refunds"] == 1
    assert ledger(app) == [("refund", 3000)]
    [made] = outbox(app, "refund_made")
    assert (made["amount"], made["currency"], made["order_id"]) == (3000, "USD", 100)

    moved_up = shop.line(other, 101, behind)
    assert moved_up["queue"] == {"position": 1, "units_ahead": 0, "quantity_waiting": 2}
    assert moved_up["eta"]["date"] == "2026-12-11"
    assert [e["kind"] for e in moved_up["timeline"]] == ["placed", "eta_changed"]
    assert outbox(app, "eta_changed")[0]["order_id"] == 101


def test_partial_cancel_keeps_the_rest_waiting(shop, client):
    shop.variant(1)
    line_id = shop.order(100, 1, 5)
    me = shop.session(7)
    body = shop.act(me, 100, line_id, "cancel", {"quantity": 2}).get_json()
    assert body["refund"]["amount"] == 2000
    line = shop.line(me, 100, line_id)
    assert (line["state"], line["quantity_cancelled"], line["actions"]["cancel"]["max_quantity"]) == ("waiting", 2, 3)
    too_many = shop.act(me, 100, line_id, "cancel", {"quantity": 4})
    assert too_many.status_code == 409
    assert too_many.get_json()["errors"]["json"]["quantity"] == ["At most 3."]
    assert shop.act(me, 100, line_id, "cancel", {"quantity": 0}).status_code == 422


def test_allocated_units_go_back_to_stock_and_to_the_next_in_queue(shop, client, app):
    shop.settings(cancel_allocated=True)
    shop.variant(1, on_hand=2)
    mine = shop.order(100, 1, 3)  # 2 allocated, 1 waiting
    theirs = shop.order(101, 1, 1, customer_id=8)
    body = shop.act(shop.session(7), 100, mine, "cancel", {}).get_json()
    assert body["quantity"] == 3 and body["refund"]["amount"] == 3000
    line = shop.line(shop.session(8), 101, theirs)
    assert (line["state"], line["quantity_allocated"]) == ("allocated", 1)
    variants = client.get("/api/v1/admin/variants", headers=shop.admin).get_json()["items"]
    assert variants[0]["on_hand"] == 1
    assert [p["order_id"] for p in outbox(app, "allocated")] == [101]


def test_refused_cancels_answer_409_with_a_reason(shop, client):
    shop.settings(cancel_window_days=3)
    shop.variant(1, on_hand=1)
    allocated = shop.order(100, 1, 1)
    waiting = shop.order(101, 1, 1)
    me = shop.session(7)
    refused = shop.act(me, 100, allocated, "cancel", {})
    assert refused.status_code == 409
    assert refused.get_json()["errors"]["reason"] == "allocated_not_cancellable"
    clock.freeze(NOW + timedelta(days=3, seconds=1))
    late = shop.act(shop.session(7), 101, waiting, "cancel", {})
    assert (late.status_code, late.get_json()["errors"]["reason"]) == (409, "outside_cancel_window")
    assert late.get_json()["message"] == "The cancel window for this order has closed."


def test_no_window_means_always(shop, client):
    shop.settings(cancel_window_days=None)
    shop.variant(1)
    line_id = shop.order(100, 1, 1)
    clock.freeze(NOW + timedelta(days=400))
    assert shop.act(shop.session(7), 100, line_id, "cancel", {}).status_code == 200


def test_actions_need_an_idempotency_key_and_replay_the_first_answer(shop, client, app):
    shop.variant(1)
    line_id = shop.order(100, 1, 4)
    me = shop.session(7)
    url = f"/api/v1/me/orders/100/lines/{line_id}/cancel"
    missing = client.post(url, json={"quantity": 1}, headers=me)
    assert missing.status_code == 400
    assert "Idempotency-Key" in missing.get_json()["message"]
    first = client.post(url, json={"quantity": 1}, headers={**me, "Idempotency-Key": "k1"})
    replay = client.post(url, json={"quantity": 1}, headers={**me, "Idempotency-Key": "k1"})
    assert replay.get_json() == first.get_json()
    assert replay.headers["Idempotent-Replayed"] == "true"
    different = client.post(url, json={"quantity": 2}, headers={**me, "Idempotency-Key": "k1"})
    assert different.status_code == 422
    run_jobs_command(app)
    assert ledger(app) == [("refund", 1000)]
    # keys are scoped to the shopper: another customer's same key is a different key
    assert shop.line(me, 100, line_id)["quantity_cancelled"] == 1


def test_unconfirmed_refund_stays_pending_and_the_due_job_pays_it_once(shop, client, app, monkeypatch):
    shop.variant(1)
    line_id = shop.order(100, 1, 2)
    calls = []

    def platform_down(self, session, store, refund):
        calls.append(refund.key)
        return lambda: RefundResult(confirmed=False, error="gateway timeout")

    real_refund_call = LocalAdapter.refund_call
    monkeypatch.setattr(LocalAdapter, "refund_call", platform_down)
    body = shop.act(shop.session(7), 100, line_id, "cancel", {}).get_json()
    assert body["refund"] == {"amount": 2000, "currency": "USD", "status": "pending"}
    line = shop.line(shop.session(7), 100, line_id)
    assert line["state"] == "cancelled"  # the cancellation itself is never lost
    assert [e["kind"] for e in line["timeline"]] == ["placed", "cancelled"]
    assert calls == []  # nothing asked of the platform inside the request

    # asked at once by the job, then not due again before 2 minutes, and still failing when due
    assert run_jobs_command(app)["send_refunds"] == 0
    assert run_jobs_command(app)["send_refunds"] == 0
    clock.freeze(NOW + timedelta(minutes=3))
    assert run_jobs_command(app)["send_refunds"] == 0
    assert len(calls) == 2 and len(set(calls)) == 1  # the same refund key every time
    assert ledger(app) == []
    assert outbox(app, "refund_made") == []

    monkeypatch.setattr(LocalAdapter, "refund_call", real_refund_call)
    clock.freeze(NOW + timedelta(minutes=10))
    assert run_jobs_command(app)["send_refunds"] == 1
    assert run_jobs_command(app)["send_refunds"] == 0
    assert ledger(app) == [("refund", 2000)]
    with transaction(app) as session:
        refund = session.scalar(select(Refund))
        assert (refund.status, refund.attempts) == ("confirmed", 3)
        assert session.scalar(select(func.count()).select_from(Refund)) == 1


def test_a_platform_error_while_refunding_leaves_the_refund_pending(shop, client, app, monkeypatch):
    shop.variant(1)
    line_id = shop.order(100, 1, 1)

    def explode(self, *args, **kwargs):
        raise ConnectionError("platform unreachable")

    monkeypatch.setattr(LocalAdapter, "refund_call", explode)
    response = shop.act(shop.session(7), 100, line_id, "cancel", {})
    assert response.status_code == 200
    assert response.get_json()["refund"]["status"] == "pending"
    assert run_jobs_command(app)["send_refunds"] == 0
    with transaction(app) as session:
        refund = session.scalar(select(Refund))
        assert (refund.status, refund.attempts) == ("pending", 1)
        assert "platform unreachable" in refund.last_error


def test_the_local_ledger_never_books_one_refund_key_twice(shop, client, app):
    shop.variant(1)
    line_id = shop.order(100, 1, 1)
    shop.act(shop.session(7), 100, line_id, "cancel", {})
    run_jobs_command(app)
    with transaction(app) as session:
        refund = session.scalar(select(Refund))
        again = LocalAdapter().refund_call(session, session.get(Store, refund.store_id), refund)()
        assert again.confirmed
    assert ledger(app) == [("refund", 1000)]
