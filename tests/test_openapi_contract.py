"""The OpenAPI document is the contract, proven against the live app: `backorder-desk serve` on a
loopback port, on the suite's database. Schemathesis walks every operation with generated valid
and invalid requests (as the merchant on admin routes, as a shopper on shopper routes) and runs
every check it has (the Python API's equivalent of `--checks all`): no 5xx, every status, content
type, header and body as documented, invalid data refused, valid data accepted, auth enforced.
Every protected operation is also called without credentials and with a forged one (401).

The run is bounded by MAX_EXAMPLES per operation; the number of requests the server answered is
printed at the end (from its access log)."""
import os
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import jwt
import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import CHECKS
from schemathesis.config import SchemathesisConfig
from test_shared_rate_limits import free_port, wait_until_healthy

from api.domain.stores import create_store

MAX_EXAMPLES = 40
COMMAND = str(Path(sys.executable).with_name("backorder-desk"))
CLIENT_ID, CLIENT_SECRET = "fuzz-client-id", "fuzz-client-secret-0123456789abcdef"
UNLIMITED = "100000 per minute"
# Statuses a schema-valid request may still get, each for a reason the schema cannot state:
# unknown ids (404), state conflicts (409), rules beyond JSON Schema such as a deliverable email,
# an E.164 phone or a date at most ten years ahead (422), a signature that does not verify (401).
ACCEPTED = ["2XX", "401", "404", "409", "422"]


def _all_checks() -> list:
    return [check for check in CHECKS.get_all() if check.__name__ != "max_response_time"]


class LiveApp:
    def __init__(self, base: str, admin: dict):
        self.base, self.admin = base, admin
        self.shopper: dict = {}

    def call(self, method: str, path: str, **kwargs):
        response = requests.request(method, self.base + path, timeout=10, **kwargs)
        assert response.status_code < 300, (method, path, response.status_code, response.text)
        return response

    def seed(self) -> None:
        """A little of everything for the generated requests to find."""
        for variant_id, fields in ((1, {}), (2, {"on_hand": 5}), (3, {"backorder_limit": 50})):
            self.call("PUT", f"/api/v1/admin/variants/{variant_id}", headers=self.admin, json={
                "product_id": variant_id, "name": f"Mug {variant_id}", "price": 1000, "currency": "USD",
                "category": "mugs", "backorders_enabled": True, **fields})
        self.call("POST", "/api/v1/admin/variants/1/inbound", headers=self.admin,
                  json={"quantity": 3, "expected_on": (datetime.now(UTC).date() + timedelta(days=9)).isoformat()})
        self.call("POST", "/api/v1/admin/orders", headers=self.admin, json={
            "order_id": 1, "currency": "USD", "customer": {"id": 7, "email": "ada@example.com"},
            "lines": [{"variant_id": 1, "quantity": 2, "unit_price": 1000}]})
        now = datetime.now(UTC)
        token = jwt.encode({"customer": {"id": 7, "email": "ada@example.com"}, "aud": CLIENT_ID,
                            "store_hash": "store-a", "operation": "current_customer",
                            "iat": int(now.timestamp()), "exp": int((now + timedelta(hours=1)).timestamp())},
                           CLIENT_SECRET, algorithm="HS256")
        session = self.call("POST", "/api/v1/stores/store-a/sessions", json={"customer_jwt": token}).json()
        self.shopper = {"Authorization": f"Bearer {session['token']}"}


def report(config, line: str) -> None:
    """A line on the terminal, past pytest's output capture, whatever the verbosity."""
    capture, reporter = config.pluginmanager.get_plugin("capturemanager"), config.pluginmanager.get_plugin("terminalreporter")
    if capture and reporter:
        with capture.global_and_fixture_disabled():
            reporter.write_line(line)


@pytest.fixture(scope="module")
def live(_app, database_url, reset_database, tmp_path_factory, request):
    reset_database(_app)
    with _app.extensions["database"].transaction() as db_session:
        _, api_key = create_store(db_session, "store-a", ["https://shop-a.example"])
    folder = tmp_path_factory.mktemp("live")
    access_log = folder / "access.log"
    port = free_port()
    env = {
        **os.environ, "DATABASE_URL": database_url, "INSTANCE_PATH": str(folder), "SECRET_KEYS": "fuzz-secret",
        "APP_URL": f"http://127.0.0.1:{port}", "ACCESS_LOG": str(access_log), "NO_PROXY": "127.0.0.1",
        "BIGCOMMERCE_CLIENT_ID": CLIENT_ID, "BIGCOMMERCE_CLIENT_SECRET": CLIENT_SECRET,
        "SESSION_RATE_LIMIT": UNLIMITED, "ACTION_RATE_LIMIT": UNLIMITED, "SUBSCRIPTION_RATE_LIMIT": UNLIMITED,
        "RATELIMIT_STORAGE_URI": "memory://",
    }
    server = subprocess.Popen([COMMAND, "serve", "--port", str(port), "--workers", "1"], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_healthy(base, server)
        app = LiveApp(base, {"Authorization": f"Bearer {api_key}"})
        app.seed()
        yield app
    finally:
        server.terminate()
        _, errors = server.communicate(timeout=30)
        answered = sum(1 for _ in access_log.open()) if access_log.exists() else 0
        report(request.config, f"schemathesis against the live app: {answered} requests answered")
        reset_database(_app)
    assert "Traceback" not in errors, errors


@pytest.fixture(scope="module")
def live_schema(live):
    config = SchemathesisConfig.from_dict({
        "auth": {"openapi": {"admin": {"bearer": live.admin["Authorization"].split()[1]},
                             "shopper": {"bearer": live.shopper["Authorization"].split()[1]}}},
        "checks": {"positive_data_acceptance": {"expected-statuses": ACCEPTED}},
    })
    return schemathesis.openapi.from_url(live.base + "/api/openapi.json", config=config)


@pytest.fixture(autouse=True)
def _schemathesis_node_id(request):
    # schemathesis 4.x's lazy schema renames the test through `node._nodeid`, which pytest 9
    # no longer has; give it the attribute it expects.
    if not hasattr(request.node, "_nodeid"):
        request.node._nodeid = request.node.nodeid


schema = schemathesis.pytest.from_fixture("live_schema")


@schema.parametrize()
@settings(max_examples=MAX_EXAMPLES, deadline=None, derandomize=True,
          suppress_health_check=list(HealthCheck))
def test_every_operation_honours_its_documented_contract(case):
    case.call_and_validate(checks=_all_checks())


def test_every_protected_operation_refuses_missing_or_forged_credentials(live):
    document = requests.get(live.base + "/api/openapi.json", timeout=10).json()
    protected = 0
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            if method == "parameters" or "security" not in operation:
                continue
            url = live.base + path.replace("{store_hash}", "store-a").replace("{token}", "x")
            url = url.replace("{", "").replace("}", "")
            for name in ("purchase_order_id", "variant_id", "order_id", "line_id", "inbound_id", "message_id",
                         "supplier_id"):
                url = url.replace(name, "1")
            for headers in ({}, {"Authorization": "Bearer forged"}, {"Authorization": "Basic eDp5"}):
                response = requests.request(method, url, headers={**headers, "Idempotency-Key": "k"},
                                            json={}, timeout=10)
                assert response.status_code == 401, (method, path, headers, response.status_code)
                assert response.json()["code"] == 401
            protected += 1
    assert protected >= 15


SHOPPER_ROUTES = {
    ("post", "/api/v1/stores/{store_hash}/sessions"): {"200", "401", "404", "422", "429"},
    ("get", "/api/v1/me/orders"): {"200", "401", "422"},
    ("get", "/api/v1/me/orders/{order_id}"): {"200", "401", "404"},
    ("post", "/api/v1/me/orders/{order_id}/lines/{line_id}/cancel"): {"200", "400", "401", "404", "409", "422", "429"},
    ("post", "/api/v1/me/orders/{order_id}/lines/{line_id}/switch"): {"200", "400", "401", "404", "409", "422", "429"},
    ("post", "/api/v1/me/orders/{order_id}/lines/{line_id}/payment-mode"): {"200", "400", "401", "404", "409", "422", "429"},
    ("post", "/api/v1/stores/{store_hash}/restock-subscriptions"): {"200", "201", "404", "422", "429"},
    ("get", "/api/v1/unsubscribe/{token}"): {"200", "404"},
    ("get", "/demo/pay/{token}"): {"200", "404"},
    ("post", "/demo/pay/{token}"): {"303", "404", "409"},
}


def test_the_document_describes_every_shopper_route_with_its_error_responses(client):
    paths = client.get("/api/openapi.json").get_json()["paths"]
    for (method, path), codes in SHOPPER_ROUTES.items():
        responses = paths[path][method]["responses"]
        assert codes <= set(responses), (method, path, codes - set(responses))
        for code in codes - {"303"}:
            assert responses[code].get("content"), (method, path, code)
    idempotency = [p for p in paths["/api/v1/me/orders/{order_id}/lines/{line_id}/cancel"]["post"]["parameters"]
                   if p["name"] == "Idempotency-Key"]
    assert idempotency and idempotency[0]["required"] is True
