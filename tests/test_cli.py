"""The `backorder-desk` command: schema, stores, and the demo (served for real, on loopback)."""
import json
import os
import re
import socket
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

import pytest
import requests
from sqlalchemy import func, select

from api import create_app
from api.demo.seed import seed
from api.domain.availability import availability
from api.domain.stores import get_store
from api.models import InboundShipment, Line, Order, Variant

COMMAND = str(Path(sys.executable).with_name("backorder-desk"))


@pytest.fixture(autouse=True)
def _no_proxy(monkeypatch):
    # Loopback requests must never go through a proxy configured in the environment.
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")


def cli_env(tmp_path, **extra) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "APP_URL", "SECRET_KEYS")}
    return {**env, "INSTANCE_PATH": str(tmp_path / "instance"), **extra}


def run(args, env) -> subprocess.CompletedProcess:
    return subprocess.run([COMMAND, *args], env=env, capture_output=True, text=True, timeout=120)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_db_upgrade_creates_the_schema_on_a_fresh_sqlite_file_and_store_create_prints_a_working_key(tmp_path):
    url = "sqlite:///" + str(tmp_path / "fresh.sqlite3")
    env = cli_env(tmp_path, DATABASE_URL=url)
    upgraded = run(["db", "upgrade"], env)
    assert upgraded.returncode == 0, upgraded.stderr
    assert run(["db", "upgrade"], env).returncode == 0  # idempotent

    created = run(["store", "create", "--hash", "abc123", "--origin", "https://shop.example",
                   "--origin", "https://www.shop.example"], env)
    assert created.returncode == 0, created.stderr
    printed = json.loads(created.stdout)
    assert printed["store_hash"] == "abc123"
    assert printed["admin_api_key"].startswith("bd_")

    app = create_app({"DATABASE_URL": url, "SECRET_KEYS": ["k"], "TESTING": True})
    settings = app.test_client().get("/api/v1/admin/settings",
                                     headers={"Authorization": f"Bearer {printed['admin_api_key']}"})
    assert settings.status_code == 200
    assert settings.get_json()["storefront_origins"] == ["https://shop.example", "https://www.shop.example"]
    assert settings.get_json()["platform"] == "local"
    app.extensions["database"].engine.dispose()

    again = run(["store", "create", "--hash", "abc123", "--origin", "https://shop.example"], env)
    assert again.returncode != 0
    assert "already exists" in again.stderr


def test_demo_seeds_serves_and_prints_its_urls(tmp_path):
    port = free_port()
    process = subprocess.Popen(
        [COMMAND, "demo", "--port", str(port)], env=cli_env(tmp_path),
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None, process.communicate()
            try:
                if requests.get(f"{base}/healthz", timeout=2).status_code == 200:
                    break
            except requests.ConnectionError:
                pass
            assert time.monotonic() < deadline, "the demo did not answer /healthz within 60 s"
            time.sleep(0.2)

        answer = requests.get(f"{base}/api/v1/stores/demo-store/availability", params={"product_ids": "101,104,105"},
                              timeout=10)
        assert answer.status_code == 200
        states = {item["variant_id"]: item["state"] for item in answer.json()["items"]}
        assert states[10101] == "in_stock" and states[10102] == "backorder"
        assert requests.get(f"{base}/demo/", timeout=10).status_code == 200
    finally:
        process.terminate()
        output, errors = process.communicate(timeout=30)
    assert f"{base}/demo/" in output, errors
    assert f"{base}/api/openapi.json" in output
    assert f"{base}/healthz" in output
    assert re.search(r"Admin API key:\s+bd_\S+", output)
    assert re.search(r"Merchant console: http://\S+/demo/console ", output)
    assert (tmp_path / "instance" / "demo.sqlite3").exists()


def test_the_demo_store_shows_every_situation(app, session):
    """Issue 2 §5: 12+ products with pictures and variants; in stock, backorder with several
    inbound shipments, one at its limit, one with no date known; two customers with waiting and
    allocated lines."""
    store = get_store(session, seed(session, "http://demo.test")["store_hash"])
    session.commit()
    variants = session.scalars(select(Variant).where(Variant.store_id == store.id)).all()
    products = defaultdict(list)
    for variant in variants:
        products[variant.product_id].append(variant)
    assert len(products) >= 12
    assert all(v.image_url for v in variants)
    assert any(len(vs) > 1 for vs in products.values())

    items = availability(session, store, variant_ids=[v.variant_id for v in variants])
    states = [item["state"] for item in items]
    assert {"in_stock", "backorder", "sold_out"} <= set(states)
    assert any(item["eta"] == {"date": None, "source": "unknown"} for item in items)
    by_id = {v.variant_id: v for v in variants}
    assert any(by_id[item["variant_id"]].backorders_enabled and item["available_for_backorder"] == 0
               for item in items)

    lines = session.scalars(select(Line).join(Order).where(Order.store_id == store.id)).all()
    pending = session.execute(
        select(InboundShipment.variant_pk, func.count())
        .where(InboundShipment.store_id == store.id, InboundShipment.received_on.is_(None))
        .group_by(InboundShipment.variant_pk)
    ).all()
    several_inbound = {pk for pk, count in pending if count >= 2}
    assert any(line.state == "waiting" and line.variant_pk in several_inbound for line in lines)
    by_customer = defaultdict(set)
    for line in lines:
        by_customer[line.order.customer_id].add(line.state)
    both = [c for c, s in by_customer.items() if {"waiting", "allocated"} <= s]
    assert len(both) >= 2
