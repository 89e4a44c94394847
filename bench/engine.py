"""Benchmark of the backorder engine (a script, not a test). Prints two figures per database:

1. Availability: requests per second and p50/p99 latency for GET …/availability with a batch of
   50 variant ids, over a catalog of 10,000 variants, served by gunicorn (`backorder-desk serve`,
   2 workers) on 127.0.0.1.
2. Receipt: seconds and SQL statements for receiving 10,000 units against 10,000 waiting lines
   (statements counted with a `before_cursor_execute` hook: an executemany counts once, each
   multi-row INSERT batch counts once).

    .venv/bin/python bench/engine.py                       # PostgreSQL (the local `test` database, emptied) and SQLite
    .venv/bin/python bench/engine.py --databases sqlite --requests 500

The PostgreSQL database is emptied and refilled: point --postgres-url (or BENCH_POSTGRES_URL) at
a scratch database. Load is bounded by --requests and --seconds, and only goes to loopback."""
import argparse
import multiprocessing
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

import requests
from sqlalchemy import event, insert, select, text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from api.db import make_engine  # noqa: E402
from api.domain.backorders import receive  # noqa: E402
from api.domain.stores import create_store  # noqa: E402
from api.models import Base, InboundShipment, Line, Order, Store, Variant  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

CATEGORIES = [f"category-{i}" for i in range(20)]
TODAY = date.today()


# --- preparing a database -------------------------------------------------------------------


def fresh_schema(url: str):
    engine = make_engine(url)
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:  # other modules' tables too, whatever their order
            connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    Base.metadata.create_all(engine)
    return engine


def seed_catalog(engine, variants: int) -> tuple[str, list[int]]:
    """A store with `variants` variants, two per product: a third in stock, a third on backorder
    with two inbound shipments, a third sold out."""
    with Session(engine) as session, session.begin():
        store, _ = create_store(session, "bench-store", ["https://shop.example"])
        store_id = store.id
    rows = []
    for i in range(variants):
        kind = i % 3
        rows.append({
            "store_id": store_id, "variant_id": 100_000 + i, "product_id": 10_000 + i // 2,
            "sku": f"SKU-{i}", "name": f"Product {i // 2} — {'AB'[i % 2]}", "price": 1000 + (i * 37) % 9000,
            "currency": "USD", "url": f"https://shop.example/p/{i // 2}", "image_url": "",
            "category": CATEGORIES[i % len(CATEGORIES)], "on_hand": 5 if kind == 0 else 0,
            "backorders_enabled": kind == 1, "backorder_limit": None, "lead_time_days": 20 if i % 6 == 1 else None,
            "message": "", "reason": "", "alternatives": [], "updated_at": datetime.utcnow(),
        })
    with engine.begin() as connection:
        connection.execute(insert(Variant), rows)
        pks = dict(connection.execute(select(Variant.variant_id, Variant.id)).all())
        inbound = [
            {"store_id": store_id, "variant_pk": pks[100_000 + i], "quantity": q,
             "expected_on": TODAY + timedelta(days=d), "created_at": datetime.utcnow()}
            for i in range(1, variants, 3) for q, d in ((5, 10), (20, 30))
        ]
        connection.execute(insert(InboundShipment), inbound)
    return "bench-store", list(pks)


def seed_queue(engine, lines: int) -> int:
    """One variant with `lines` waiting lines of one unit each, in `lines` orders."""
    with Session(engine) as session, session.begin():
        store = session.scalar(select(Store).where(Store.hash == "bench-store"))
        variant = Variant(store_id=store.id, variant_id=1, product_id=1, name="Queued", sku="Q",
                          backorders_enabled=True, on_hand=0, alternatives=[])
        session.add(variant)
        session.flush()
        store_id, variant_pk = store.id, variant.id
    start = datetime.utcnow() - timedelta(days=10)
    with engine.begin() as connection:
        connection.execute(insert(Order), [
            {"store_id": store_id, "order_id": n + 1, "email": f"c{n}@example.com", "first_name": "C",
             "locale": "en", "currency": "USD", "placed_at": start + timedelta(seconds=n),
             "created_at": start}
            for n in range(lines)
        ])
        orders = connection.execute(select(Order.order_id, Order.id).where(Order.store_id == store_id)).all()
        connection.execute(insert(Line), [
            {"store_id": store_id, "order_pk": order_pk, "variant_pk": variant_pk, "product_id": 1,
             "variant_id": 1, "name": "Queued", "sku": "Q", "quantity": 1, "quantity_backordered": 1,
             "quantity_allocated": 0, "quantity_shipped": 0, "quantity_cancelled": 0, "state": "waiting",
             "payment_mode": "pay_now", "unit_price": 1000, "currency": "USD",
             "queued_at": start + timedelta(seconds=order_id), "eta_date": None, "eta_source": "unknown",
             "created_at": start}
            for order_id, order_pk in orders
        ])
    return 1


# --- 1. availability under load --------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(url: str, workers: int, instance: str) -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = {**os.environ, "DATABASE_URL": url, "INSTANCE_PATH": instance, "NO_PROXY": "127.0.0.1"}
    env.pop("ACCESS_LOG", None)
    server = subprocess.Popen(
        [str(Path(sys.executable).with_name("backorder-desk")), "serve", "--host", "127.0.0.1",
         "--port", str(port), "--workers", str(workers)],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"the server exited with {server.returncode}")
        try:
            if requests.get(f"{base}/healthz", timeout=2).ok:
                return server, base
        except requests.ConnectionError:
            pass
        time.sleep(0.2)
    server.terminate()
    raise SystemExit("the server did not become healthy within 60 s")


def _client(args) -> list[float]:
    base, store_hash, variant_ids, batch, count, until, seed = args
    rng = random.Random(seed)
    latencies = []
    with requests.Session() as http:
        while len(latencies) < count and time.monotonic() < until:
            ids = ",".join(str(i) for i in rng.sample(variant_ids, batch))
            started = time.perf_counter()
            response = http.get(f"{base}/api/v1/stores/{store_hash}/availability", params={"variant_ids": ids}, timeout=30)
            latencies.append(time.perf_counter() - started)
            if response.status_code != 200 or len(response.json()["items"]) != batch:
                raise RuntimeError(f"unexpected answer {response.status_code}: {response.text[:200]}")
    return latencies


def bench_availability(base, store_hash, variant_ids, *, batch, requests_total, seconds, concurrency):
    _client((base, store_hash, variant_ids, batch, 20, time.monotonic() + 30, -1))  # warm up
    per_client = -(-requests_total // concurrency)
    started = time.monotonic()
    until = started + seconds
    jobs = [(base, store_hash, variant_ids, batch, per_client, until, n) for n in range(concurrency)]
    with multiprocessing.Pool(concurrency) as pool:
        latencies = [latency for result in pool.map(_client, jobs) for latency in result]
    elapsed = time.monotonic() - started
    latencies.sort()
    return {
        "requests": len(latencies),
        "rps": len(latencies) / elapsed,
        "p50_ms": statistics.median(latencies) * 1000,
        "p99_ms": latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000,
    }


# --- 2. one big receipt ----------------------------------------------------------------------


def bench_receipt(url: str, lines: int) -> dict:
    engine = make_engine(url).execution_options(sqlite_immediate=True)
    statements = {"count": 0}

    @event.listens_for(engine, "before_cursor_execute")
    def count(*_args):
        statements["count"] += 1

    with Session(engine) as session:
        with session.begin():
            store = session.scalar(select(Store).where(Store.hash == "bench-store"))
            statements["count"] = 0
            started = time.perf_counter()
            allocations, on_hand = receive(session, store, 1, lines)
        elapsed = time.perf_counter() - started  # the commit included
    assert len(allocations) == lines and on_hand == 0, (len(allocations), on_hand)
    engine.dispose()
    return {"seconds": elapsed, "statements": statements["count"], "lines": len(allocations)}


# --- main ------------------------------------------------------------------------------------


def run(name: str, url: str, options) -> None:
    print(f"\n== {name}: {url}", flush=True)
    engine = fresh_schema(url)
    store_hash, _ = seed_catalog(engine, options.variants)
    variant_ids = [100_000 + i for i in range(options.variants)]
    seed_queue(engine, options.lines)
    engine.dispose()

    with tempfile.TemporaryDirectory() as instance:
        server, base = start_server(url, options.workers, instance)
        try:
            figures = bench_availability(base, store_hash, variant_ids, batch=options.batch,
                                         requests_total=options.requests, seconds=options.seconds,
                                         concurrency=options.concurrency)
        finally:
            server.terminate()
            server.wait(timeout=60)
    print(f"availability ({options.batch} ids, {options.variants} variants, gunicorn {options.workers} workers, "
          f"{options.concurrency} clients): {figures['requests']} requests, {figures['rps']:.0f} req/s, "
          f"p50 {figures['p50_ms']:.1f} ms, p99 {figures['p99_ms']:.1f} ms", flush=True)

    receipt = bench_receipt(url, options.lines)
    print(f"receipt of {options.lines} units against {options.lines} waiting lines: "
          f"{receipt['seconds']:.2f} s, {receipt['statements']} SQL statements, "
          f"{receipt['lines']} lines allocated", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--postgres-url", default=os.environ.get(
        "BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"))
    parser.add_argument("--sqlite-path", default=None, help="default: a temporary file")
    parser.add_argument("--databases", default="postgresql,sqlite")
    parser.add_argument("--variants", type=int, default=10_000)
    parser.add_argument("--batch", type=int, default=50)
    parser.add_argument("--lines", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=2_000, help="availability requests in all (upper bound)")
    parser.add_argument("--seconds", type=float, default=30, help="availability load time limit")
    parser.add_argument("--concurrency", type=int, default=4, help="client processes")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    options = parser.parse_args()
    if not (1 <= options.batch <= 50 and options.batch <= options.variants):
        parser.error("--batch is 1 to 50 and at most --variants")

    with tempfile.TemporaryDirectory() as scratch:
        for name in options.databases.split(","):
            if name == "postgresql":
                run("PostgreSQL", options.postgres_url, options)
            elif name == "sqlite":
                run("SQLite", "sqlite:///" + (options.sqlite_path or os.path.join(scratch, "bench.sqlite3")), options)
            else:
                parser.error(f"unknown database {name}")


if __name__ == "__main__":
    main()
