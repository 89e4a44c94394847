"""The REST client's manners (rate limit, retries), `backorder-desk sync`, the periodic
reconciliation, and the adapter's order edits and coupons."""
import pytest
from click.testing import CliRunner

from fake_bigcommerce import bigcommerce, deliver, fake_bigcommerce, install, run_jobs, session  # noqa: F401
from sqlalchemy import func, select

from api.bigcommerce import client as client_module
from api.bigcommerce.client import BigCommerceClient, BigCommerceError
from api.cli import main
from api.commerce import commerce_for
from api.models import Line, Order, Store, Variant
from test_bigcommerce_orders import installed_store_with_backorder, shopper_headers


@pytest.fixture
def api_client(bigcommerce):
    bigcommerce.tokens["abc123"] = "tok"
    return BigCommerceClient(bigcommerce.url, "abc123", "tok")


def test_client_waits_out_a_429_for_the_time_the_headers_give(api_client, bigcommerce):
    bigcommerce.add_product(77, "Trail Hoodie", 5000, [(501, "HOOD-M", 1)])
    bigcommerce.fail("GET", r"/v3/catalog/products$", 429, times=2)
    answer = api_client.get("/v3/catalog/products")
    assert [p["id"] for p in answer["data"]] == [77]
    assert len(bigcommerce.calls_to("GET", r"/v3/catalog/products$")) == 3
    assert len(bigcommerce.waits) == 2 and all(1.4 < wait <= 1.5 for wait in bigcommerce.waits)


def test_client_pauses_when_the_window_has_no_requests_left(api_client, bigcommerce):
    bigcommerce.rate_limit_headers = {"X-Rate-Limit-Requests-Left": "0", "X-Rate-Limit-Time-Reset-Ms": "800"}
    api_client.get("/v3/hooks")
    assert bigcommerce.waits == []
    api_client.get("/v3/hooks")
    assert len(bigcommerce.waits) == 1 and 0.5 < bigcommerce.waits[0] <= 0.8


def test_client_gives_up_on_a_429_that_never_ends(api_client, bigcommerce):
    bigcommerce.fail("GET", r"/v3/hooks$", 429, times=50)
    with pytest.raises(BigCommerceError) as error:
        api_client.get("/v3/hooks")
    assert error.value.status == 429
    assert len(bigcommerce.calls) == client_module.MAX_RATE_LIMIT_WAITS + 1


def test_client_retries_server_errors_a_bounded_number_of_times(api_client, bigcommerce):
    bigcommerce.fail("GET", r"/v3/hooks$", 502, times=2)
    assert api_client.get("/v3/hooks")["data"] == []
    assert bigcommerce.waits == [0.5, 1.0]

    bigcommerce.calls.clear()
    bigcommerce.fail("GET", r"/v3/hooks$", 500, times=50)
    with pytest.raises(BigCommerceError) as error:
        api_client.get("/v3/hooks")
    assert error.value.status == 500
    assert len(bigcommerce.calls) == client_module.MAX_SERVER_RETRIES + 1


def test_client_does_not_retry_a_refusal(api_client, bigcommerce):
    with pytest.raises(BigCommerceError) as error:
        api_client.put("/v3/hooks/999", {"is_active": True})
    assert error.value.status == 404
    assert len(bigcommerce.calls) == 1


def test_sync_command_imports_catalog_and_recent_orders_page_by_page(client, session, bigcommerce, monkeypatch):
    response = install(client, bigcommerce)
    assert response.status_code == 200, response.get_data(as_text=True)
    bigcommerce.add_product(77, "Trail Hoodie", 5000, [(501, "HOOD-M", 0), (502, "HOOD-L", 4)])
    bigcommerce.add_product(78, "Rain Shell", 9000, [(601, "SHELL-S", 2), (602, "SHELL-M", 0)])
    bigcommerce.add_product(79, "Wool Socks", 1500, [(701, "SOCK-1", 7)])
    bigcommerce.add_order(250, [{"variant_id": 501, "quantity": 2, "price": 5000}])
    bigcommerce.add_order(251, [{"variant_id": 601, "quantity": 3, "price": 9000, "quantity_backordered": 1}])
    bigcommerce.add_order(252, [{"variant_id": 701, "quantity": 1, "price": 1500}], status_id=0)  # never placed
    monkeypatch.setattr(client_module, "V3_PAGE_SIZE", 2)
    monkeypatch.setattr(client_module, "V2_PAGE_SIZE", 2)
    bigcommerce.fail("GET", r"/v3/catalog/variants$", 429, times=1)
    # The database the app is using right now (an in-process CLI run elsewhere may have rebound it).
    url = client.application.extensions["database"].engine.url.render_as_string(hide_password=False)
    for name, value in {"DATABASE_URL": url, "SECRET_KEYS": "test-secret-new,test-secret-old",
                        "BIGCOMMERCE_API_URL": bigcommerce.url, "APP_URL": "http://app.test"}.items():
        monkeypatch.setenv(name, value)

    result = CliRunner().invoke(main, ["sync", "--store", "abc123", "--days", "7"])

    assert result.exit_code == 0, result.output
    assert "Catalog: 5 variants." in result.output
    assert "Orders: 3 (ingested: 2, not paid: 1)." in result.output
    on_hand = dict(session.execute(select(Variant.variant_id, Variant.on_hand)).all())
    assert on_hand == {501: 0, 502: 4, 601: 0, 602: 0, 701: 7}
    lines = {line.variant_id: (line.quantity_allocated, line.quantity_backordered) for line in session.scalars(select(Line))}
    assert lines == {501: (0, 2), 601: (2, 1)}
    pages = [c["query"]["page"] for c in bigcommerce.calls_to("GET", r"/v3/catalog/variants$")]
    assert pages == ["1", "1", "2", "3"]  # the first answered 429, then three pages of two
    # Orders created in the last 7 days; then, before stock is reconciled, orders modified since
    # the install (none: one empty page).
    assert [c["query"]["page"] for c in bigcommerce.calls_to("GET", r"/v2/orders$")] == ["1", "2", "1"]
    assert len(bigcommerce.waits) == 1


def test_sync_of_an_unknown_store_is_a_clear_error(app, bigcommerce, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", app.extensions["database"].engine.url.render_as_string(hide_password=False))
    result = CliRunner().invoke(main, ["sync", "--store", "nope"])
    assert result.exit_code == 1 and "No installed BigCommerce store nope" in result.output


def test_reconciliation_catches_an_order_whose_webhook_was_missed(client, session, bigcommerce):
    install(client, bigcommerce)
    bigcommerce.add_product(77, "Trail Hoodie", 5000, [(501, "HOOD-M", 0)])
    bigcommerce.add_order(250, [{"variant_id": 501, "quantity": 1, "price": 5000}])
    counts = run_jobs(client.application)
    assert counts["bigcommerce_reconciliation"] == 1
    assert session.scalar(select(func.count()).select_from(Order)) == 1
    session.rollback()
    calls = len(bigcommerce.calls)
    assert run_jobs(client.application)["bigcommerce_reconciliation"] == 0  # not due again yet
    assert len(bigcommerce.calls) == calls


def test_switch_edits_the_bigcommerce_order_and_refunds_the_difference(client, session, bigcommerce):
    installed_store_with_backorder(client, bigcommerce, available=0, quantity=2)
    bigcommerce.variants[502].update(price=40.0, calculated_price=40.0)
    deliver(client, bigcommerce, "store/product/updated", {"type": "product", "id": 77})
    run_jobs(client.application)
    line_id, old_external = session.execute(select(Line.id, Line.external_id)).one()
    session.rollback()

    response = client.post(f"/api/v1/me/orders/250/lines/{line_id}/switch", json={"variant_id": 502},
                           headers={**shopper_headers(client), "Idempotency-Key": "sw-1"})

    assert response.status_code == 200, response.get_json()
    assert bigcommerce.calls_to("PUT", r"/v2/orders/250$") == []  # never inside the request
    run_jobs(client.application)
    [edit] = bigcommerce.calls_to("PUT", r"/v2/orders/250$")
    assert edit["json"] == {"products": [{"id": old_external, "product_id": 77, "quantity": 0},
                                         {"product_id": 77, "variant_id": 502, "quantity": 2}]}
    [refund] = bigcommerce.calls_to("POST", r"/v3/orders/250/payment_actions/refunds$")
    assert refund["json"]["items"][0]["item_type"] == "ORDER" and refund["json"]["items"][0]["amount"] == 20.0
    new_line = session.scalar(select(Line).where(Line.variant_id == 502))
    assert new_line.external_id == bigcommerce.order_products[250][-1]["id"] != old_external


def test_delay_incentive_coupon_is_created_once_through_the_marketing_api_even_when_its_answer_is_lost(client, session, bigcommerce):
    installed_store_with_backorder(client, bigcommerce)
    store, line = session.scalar(select(Store)), session.scalar(select(Line))
    bigcommerce.lose_answer("POST", r"/v2/coupons$")  # made, but the answer is lost
    with client.application.app_context():
        make_coupon = commerce_for(store).coupon_call(session, store, line.order, line, "BD-12345", 10, False)
    make_coupon()
    make_coupon()  # a retry: looked up by its code, not made again
    [coupon] = bigcommerce.coupons
    assert coupon["code"] == "BD-12345"
    assert (coupon["type"], coupon["amount"], coupon["max_uses"]) == ("percentage_discount", "10", 1)


def test_fake_rejects_requests_that_break_the_descriptions(api_client, bigcommerce):
    with pytest.raises(BigCommerceError) as error:
        api_client.post("/v3/content/scripts", {"name": "x", "kind": "inline", "load_method": "defer"})
    assert error.value.status == 400
    with pytest.raises(BigCommerceError):
        api_client.post("/v3/hooks", {"destination": "https://app.example/hooks"})
    with pytest.raises(BigCommerceError):
        api_client.get("/v2/orders/abc")
    assert any("'inline' is not one of" in e for e in bigcommerce.errors)
    assert any("required field 'scope' is missing" in e for e in bigcommerce.errors)
    assert any("parameter 'order_id'='abc'" in e for e in bigcommerce.errors)
    bigcommerce.errors.clear()  # these mismatches were the point of the test
