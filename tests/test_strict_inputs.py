"""Issue 12: what a request must be before any view reads it. Bodies are JSON or refused (415),
readable (422), shallow; no text holds a NUL; ids past their column are 404; integers are JSON
integers; rules across fields are in the OpenAPI document as well as enforced."""
import pytest
from shopper_support import bc_app, shop  # noqa: F401

from api.http.inputs import _reads_json

DEEP = "[" * 1000 + "]" * 1000


def json_routes(app) -> list[tuple[str, str]]:
    """Every (method, url) whose view reads a JSON body, with its path ids filled in."""
    routes = []
    for rule in app.url_map.iter_rules():
        view = app.view_functions[rule.endpoint]
        if not _reads_json(view):
            continue
        url = rule.rule
        for name in rule.arguments:
            url = url.replace(f"<int:{name}>", "1").replace(f"<{name}>", "store-a")
        for method in sorted(rule.methods - {"HEAD", "OPTIONS", "GET"}):
            routes.append((method, url))
    return routes


def send(client, method, url, headers, **kwargs):
    return client.open(url, method=method, headers={**headers, "Idempotency-Key": "k-1"}, **kwargs)


def test_every_json_route_is_found(app):
    routes = json_routes(app)
    assert ("POST", "/api/v1/me/orders/1/lines/1/cancel") in routes
    assert ("POST", "/api/v1/stores/store-a/sessions") in routes
    assert ("POST", "/bigcommerce/webhooks") in routes
    assert ("PATCH", "/api/v1/admin/settings") in routes
    assert len(routes) >= 13


def test_a_text_plain_cancel_is_415_and_cancels_nothing(shop, client):
    shop.variant(1)
    line_id = shop.order(100, 1, 5)
    me = shop.session(7)
    url = f"/api/v1/me/orders/100/lines/{line_id}/cancel"
    plain = client.post(url, data='{"quantity": 1}',
                        headers={**me, "Content-Type": "text/plain", "Idempotency-Key": "k-1"})
    assert plain.status_code == 415, plain.get_json()
    assert plain.get_json()["code"] == 415
    unreadable = client.post(url, data='{"quantity": 1', headers={**me, "Content-Type": "application/json",
                                                                  "Idempotency-Key": "k-2"})
    assert unreadable.status_code == 422
    assert "_body" in unreadable.get_json()["errors"]["json"]
    assert shop.line(me, 100, line_id)["quantity_waiting"] == 5
    everything = shop.act(me, 100, line_id, "cancel", {})  # valid JSON without quantity: all units
    assert everything.status_code == 200 and everything.get_json()["quantity"] == 5


def test_every_json_route_refuses_other_content_types_with_415(shop, client, app):
    me = shop.session(7)
    for method, url in json_routes(app):
        headers = shop.admin if url.startswith("/api/v1/admin") else me
        for body, content_type in (('{"a": 1}', "text/plain"), ("a=1", "application/x-www-form-urlencoded"), ("", None)):
            response = send(client, method, url, headers, data=body, content_type=content_type)
            assert response.status_code == 415, (method, url, content_type, response.status_code)


@pytest.mark.parametrize("body", [DEEP, '{"a":' * 1000 + "1" + "}" * 1000, "\xff\xfe", "{", ""])
def test_every_json_route_answers_unreadable_or_deep_json_with_422(shop, client, app, body):
    me = shop.session(7)
    for method, url in json_routes(app):
        headers = shop.admin if url.startswith("/api/v1/admin") else me
        data = body.encode("latin-1") if body == "\xff\xfe" else body
        response = send(client, method, url, headers, data=data, content_type="application/json")
        assert response.status_code == 422, (method, url, response.status_code)
        assert response.get_json()["code"] == 422


def test_nul_characters_are_refused_everywhere_never_stored(shop, client):
    shop.variant(1)
    nul_json = [
        ("/api/v1/stores/store-a/sessions", {"customer_jwt": "a\x00b"}, "customer_jwt"),
        ("/api/v1/stores/store-a/restock-subscriptions", {"variant_id": 1, "email": "a\x00@example.com"}, "email"),
        ("/bigcommerce/webhooks", {"scope": "store/order/created", "producer": "stores/a\x00b", "hash": "h",
                                   "data": {}}, "producer"),
    ]
    for url, body, field in nul_json:
        response = client.post(url, json=body)
        assert response.status_code == 422, (url, response.status_code)
        assert field in response.get_json()["errors"]["json"]
    named = client.patch("/api/v1/admin/settings", json={"name": "Shop\x00"}, headers=shop.admin)
    assert named.status_code == 422 and "name" in named.get_json()["errors"]["json"]
    assert client.get("/api/v1/admin/settings", headers=shop.admin).get_json()["name"] != "Shop\x00"
    key = client.put("/api/v1/admin/variants/2", json={"product_id": 1, "sku\x00": "x"}, headers=shop.admin)
    assert key.status_code == 422
    for url in ("/api/v1/stores/a%00b/availability?variant_ids=1", "/demo/pay/a%00b",
                "/api/v1/unsubscribe/a%00b"):
        assert client.get(url).status_code == 404, url
    assert client.post("/demo/pay/a%00b").status_code == 404
    query = client.get("/api/v1/admin/outbox?event=a%00b", headers=shop.admin)
    assert query.status_code == 422 and "event" in query.get_json()["errors"]["query"]
    form = client.post("/demo/pay/some-token", data={"confirm": "x\x00"})
    assert form.status_code == 422


def test_ids_past_their_column_are_404_on_every_route(shop, client):
    me = shop.session(7)
    assert client.post("/api/v1/admin/outbox/2147483648/retry", headers=shop.admin).status_code == 404
    assert client.post("/api/v1/admin/outbox/2147483647/retry", headers=shop.admin).status_code == 404
    assert client.get(f"/api/v1/me/orders/{2**53}", headers=me).status_code == 404
    cancel = client.post("/api/v1/me/orders/1/lines/2147483648/cancel", json={},
                         headers={**me, "Idempotency-Key": "k"})
    assert cancel.status_code == 404


@pytest.mark.parametrize("value", ["1", 1.5, True, 1.0, None])
def test_integers_in_bodies_are_strict(shop, client, value):
    shop.variant(1)
    line_id = shop.order(100, 1, 5)
    receipt = client.post("/api/v1/admin/variants/1/receipts", json={"quantity": value},
                          headers={**shop.admin, "Idempotency-Key": f"r-{value!r}"})
    assert receipt.status_code == 422, receipt.get_json()
    assert "quantity" in receipt.get_json()["errors"]["json"]
    cancel = shop.act(shop.session(7), 100, line_id, "cancel", {"quantity": value})
    assert cancel.status_code == 422
    assert shop.line(shop.session(7), 100, line_id)["quantity_waiting"] == 5


@pytest.mark.parametrize("value", [0, 1, "true", "yes", None])
def test_booleans_in_bodies_are_strict(shop, client, value):
    response = client.patch("/api/v1/admin/settings", json={"pay_later_enabled": value}, headers=shop.admin)
    assert response.status_code == 422 and "pay_later_enabled" in response.get_json()["errors"]["json"]


def test_brand_logo_url_is_https_only(shop, client):
    for bad in ("javascript:alert(1)", "http://cdn.example/logo.png", "data:image/png;base64,AAAA"):
        response = client.patch("/api/v1/admin/settings", json={"brand_logo_url": bad}, headers=shop.admin)
        assert response.status_code == 422, bad
    for good in ("https://cdn.example/logo.png", ""):
        response = client.patch("/api/v1/admin/settings", json={"brand_logo_url": good}, headers=shop.admin)
        assert response.status_code == 200 and response.get_json()["brand_logo_url"] == good


def test_patch_bodies_may_not_be_empty(shop, client):
    shop.variant(1)
    inbound = client.post("/api/v1/admin/variants/1/inbound", json={"quantity": 2, "expected_on": "2026-12-10"},
                          headers=shop.admin).get_json()
    for url in ("/api/v1/admin/settings", "/api/v1/admin/variants/1", f"/api/v1/admin/variants/1/inbound/{inbound['id']}"):
        assert client.patch(url, json={}, headers=shop.admin).status_code == 422, url


def test_empty_or_malformed_id_lists_are_422(shop, client):
    shop.variant(1)
    for query in ("product_ids=", "variant_ids=", "variant_ids=1,,2", "variant_ids=1_0", "variant_ids=%201"):
        assert client.get(f"/api/v1/stores/store-a/availability?{query}").status_code == 422, query
    assert client.get("/api/v1/stores/store-a/availability?variant_ids=1").status_code == 200


def test_the_document_states_security_exactly_one_of_and_not_empty(client):
    document = client.get("/api/openapi.json").get_json()
    schemes = document["components"]["securitySchemes"]
    assert schemes["admin"]["scheme"] == schemes["shopper"]["scheme"] == "bearer"
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            if method == "parameters":
                continue
            if path.startswith("/api/v1/admin"):
                assert operation.get("security") == [{"admin": []}], (method, path)
                assert "401" in operation["responses"], (method, path)
            elif path.startswith("/api/v1/me"):
                assert operation.get("security") == [{"shopper": []}], (method, path)
            else:
                assert "security" not in operation, (method, path)
    components = document["components"]["schemas"]
    assert components["SessionIn"]["oneOf"] == [{"required": ["customer_jwt"]}, {"required": ["order_link"]}]
    assert components["SubscriptionIn"]["oneOf"] == [{"required": ["email"]}, {"required": ["phone"]}]
    for name in ("Settings", "VariantPatch", "InboundPatch"):
        assert components[name]["minProperties"] == 1, name
    availability = document["paths"]["/api/v1/stores/{store_hash}/availability"]["get"]["parameters"]
    ids = {p["name"]: p for p in availability if p["name"] in ("product_ids", "variant_ids")}
    for parameter in ids.values():
        assert parameter["schema"]["minLength"] == 1 and parameter["schema"]["pattern"]
        assert "exactly one of" in parameter["description"]
    retry = document["paths"]["/api/v1/admin/outbox/{message_id}/retry"]
    message_id = next(p for p in retry.get("parameters", []) + retry["post"].get("parameters", [])
                      if p["name"] == "message_id")
    assert message_id["schema"]["maximum"] == 2**31 - 1
