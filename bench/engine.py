"""Issue 11's server targets, measured (a script, not a test). Prints one table per run:

1. Availability: `backorder-desk serve` (2 gunicorn workers × 4 threads) and the bare Flask
   endpoint of bench/bare.py (same gunicorn settings), both running, loaded one at a time by
   `wrk` (2 threads, 8 connections): req/s, our share of the bare endpoint's, p50/p99. Two
   loads: 50 random variant ids per request, and 50 random product ids (two variants each: 100
   items). Each load is preceded by a sweep of the whole catalog (12 times over, 50 ids at a
   time) and runs once unmeasured, for the steady state of a server that has been answering a
   store's pages (its workers' caches of written items hold what the load asks for; the
   default cache holds 200,000 items), then --rounds times (3), each run between two
   runs of the bare endpoint whose mean it is compared with: the round with the median share
   is shown, with every round's share. Then the webhook loads.
2. Receipt: 10,000 units received against 10,000 waiting lines, in one transaction, commit
   included; SQL statements counted with a `before_cursor_execute` hook.
3. Webhook intake: `POST /bigcommerce/webhooks` from 200 concurrent `wrk` connections, each
   delivery signed with the store's secret (one in ten repeats an earlier hash): req/s, p50, p99
   and how many were not answered 2xx. Twice: each connection delivering about twice a second
   (200 senders at once, ~400 deliveries/s: the target), then flat out (the capacity).
4. Widget: each built chunk in api/static/, gzip -9. Lighthouse has its own script,
   bench/lighthouse.sh (a row points to it).

    .venv/bin/python bench/engine.py --postgres-url postgresql+psycopg://postgres@127.0.0.1:5432/scratch
    .venv/bin/python bench/engine.py --databases sqlite --sizes 10000 --seconds 5

Each database is emptied and refilled for each catalog size: point --postgres-url (or
BENCH_POSTGRES_URL) at a scratch database. The catalog is seeded in bulk (a multi-row INSERT of
variants and inbound, then `refresh_availability` for all of them, the domain's own path for
bulk catalog changes); the queue for the receipt likewise; then VACUUM ANALYZE (ANALYZE on SQLite), so the
planner has the statistics a live database has and no autovacuum of the bulk load runs under the
measured receipt, and a checkpoint and sync, so no write-back of the bulk load runs under the
measured loads. Only loopback traffic."""
import argparse
import gc
import gzip
import json
import os
import re
import secrets
import socket
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from pathlib import Path

import requests
from sqlalchemy import event, insert, select, text
from sqlalchemy.orm import Session

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from api.bigcommerce.install import WEBHOOK_SECRET_HEADER, secret_digest  # noqa: E402
from api.db import make_engine  # noqa: E402
from api.domain.availability import refresh_availability  # noqa: E402
from api.domain.backorders import receive  # noqa: E402
from api.domain.bulk import insert_rows  # noqa: E402
from api.domain.stores import create_store  # noqa: E402
from api.commerce import use_adapters  # noqa: E402
from api.commerce.bigcommerce import BigCommerceAdapter  # noqa: E402
from api.commerce.local import LocalAdapter  # noqa: E402
from api.models import (  # noqa: E402
    Base, BigCommerceInstallation, InboundShipment, Line, Order, PurchaseOrder, Store, Variant,
)

STORE = "bench-store"
CATEGORIES = [f"category-{i}" for i in range(20)]
TODAY = date.today()
FIRST_VARIANT, FIRST_PRODUCT, QUEUED_VARIANT = 100_000, 10_000, 1
WEBHOOK_SECRET = secrets.token_urlsafe(24)
BIN = Path(sys.executable).parent


# --- preparing a database -------------------------------------------------------------------


def fresh_schema(url: str):
    engine = make_engine(url)
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:  # other modules' tables too, whatever their order
            connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    Base.metadata.create_all(engine)
    return engine


def seed_catalog(engine, variants: int) -> float:
    """A store with `variants` variants, two per product, in 20 categories: a third in stock, a
    third on backorder with two inbound shipments, a third sold out. Returns the seconds taken."""
    started = time.perf_counter()
    with Session(engine) as session, session.begin():
        store, _ = create_store(session, STORE, ["https://shop.example"], platform="bigcommerce")
        session.add(BigCommerceInstallation(store_id=store.id, access_token_encrypted="-",
                                            webhook_secret_hash=secret_digest(WEBHOOK_SECRET)))
        store_id = store.id
    now = datetime.utcnow()
    with Session(engine) as session, session.begin():
        insert_rows(session, Variant.__table__, [
            {"store_id": store_id, "variant_id": FIRST_VARIANT + i, "product_id": FIRST_PRODUCT + i // 2,
             "sku": f"SKU-{i}", "name": f"Product {i // 2} — {'AB'[i % 2]}", "price": 1000 + (i * 37) % 9000,
             "currency": "USD", "url": f"https://shop.example/p/{i // 2}", "image_url": "",
             "category": CATEGORIES[i % len(CATEGORIES)], "on_hand": 5 if i % 3 == 0 else 0,
             "backorders_enabled": i % 3 == 1, "backorder_limit": None,
             "lead_time_days": 20 if i % 6 == 1 else None, "message": "", "reason": "", "reason_code": "",
             "alternatives": [], "updated_at": now}
            for i in range(variants)
        ])
        pks = dict(session.execute(select(Variant.variant_id, Variant.id)).all())
        # Inbound stock is a purchase order's lines: one order per arrival date.
        orders = {days: PurchaseOrder(store_id=store_id, supplier="Bench supplier", expected_on=TODAY + timedelta(days=days))
                  for days in (10, 30)}
        session.add_all(orders.values())
        session.flush()
        insert_rows(session, InboundShipment.__table__, [
            {"store_id": store_id, "variant_pk": pks[FIRST_VARIANT + i], "quantity": quantity,
             "purchase_order_id": orders[days].id,
             "expected_on": TODAY + timedelta(days=days), "received_on": None, "quantity_received": None,
             "created_at": now}
            for i in range(1, variants, 3) for quantity, days in ((5, 10), (20, 30))
        ])
        refresh_availability(session, pks.values())  # written in SQL, so refreshed explicitly
    return time.perf_counter() - started


def seed_queue(engine, lines: int) -> None:
    """One more variant with `lines` waiting lines of one unit each, in `lines` orders."""
    with Session(engine) as session, session.begin():
        store = session.scalar(select(Store).where(Store.hash == STORE))
        variant = Variant(store_id=store.id, variant_id=QUEUED_VARIANT, product_id=1, name="Queued",
                          sku="Q", backorders_enabled=True, on_hand=0, alternatives=[])
        session.add(variant)
        session.flush()
        store_id, variant_pk = store.id, variant.id
    start = datetime.utcnow() - timedelta(days=10)
    with Session(engine) as session, session.begin():
        session.execute(insert(Order), [
            {"store_id": store_id, "order_id": n + 1, "email": f"c{n}@example.com", "first_name": "C",
             "locale": "en", "currency": "USD", "placed_at": start + timedelta(seconds=n), "created_at": start}
            for n in range(lines)
        ])
        orders = session.execute(select(Order.order_id, Order.id).where(Order.store_id == store_id)).all()
        session.execute(insert(Line), [
            {"store_id": store_id, "order_pk": order_pk, "variant_pk": variant_pk, "product_id": 1,
             "variant_id": QUEUED_VARIANT, "name": "Queued", "sku": "Q", "quantity": 1,
             "quantity_backordered": 1, "quantity_allocated": 0, "quantity_shipped": 0,
             "quantity_cancelled": 0, "state": "waiting", "payment_mode": "pay_now", "unit_price": 1000,
             "currency": "USD", "queued_at": start + timedelta(seconds=order_id), "eta_date": None,
             "eta_source": "unknown", "created_at": start}
            for order_id, order_pk in orders
        ])
        refresh_availability(session, [variant_pk])


def analyze(engine) -> None:
    """Planner statistics, as a live database has them (autovacuum gathers them within a minute
    of a bulk load): without them PostgreSQL guesses a handful of rows per store and reads a
    store's every availability row for 50 product ids. On PostgreSQL with a VACUUM, as
    autovacuum gives a table soon after a bulk insert: otherwise it starts within a minute,
    during the measured receipt."""
    with engine.connect() as connection:
        connection.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql(
            "VACUUM ANALYZE" if engine.dialect.name == "postgresql" else "ANALYZE")


def settle(engine) -> None:
    """Write the bulk load out before measuring, as a live database has long done: seeding 100k
    variants leaves about 250 MB of PostgreSQL WAL to checkpoint and over 100 MB of dirty pages
    for the kernel to write back, and while that runs a commit's flush to disk can wait behind
    it (the webhook intake commits every batch), in this run and the next database's."""
    with engine.connect() as connection:
        if engine.dialect.name == "postgresql":
            connection.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql("CHECKPOINT")
        else:
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    os.sync()


# --- servers and load --------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start(command: list[str], env: dict, port: int) -> tuple[subprocess.Popen, str]:
    server = subprocess.Popen(command, env={**os.environ, "NO_PROXY": "127.0.0.1", **env},
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"{command[0]} exited with {server.returncode}")
        try:
            requests.get(f"{base}/healthz", timeout=2)
            return server, base
        except requests.RequestException:  # not listening yet, or still starting up
            time.sleep(0.2)
    server.terminate()
    raise SystemExit(f"{command[0]} did not answer within 60 s")


def start_ours(url: str, instance: str) -> tuple[subprocess.Popen, str]:
    port = free_port()
    # Two workers, as the bare endpoint gets, whatever WEB_CONCURRENCY says (serve's default).
    return start([str(BIN / "backorder-desk"), "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", "2"],
                 {"DATABASE_URL": url, "INSTANCE_PATH": instance, "ACCESS_LOG": ""}, port)


def start_bare() -> tuple[subprocess.Popen, str]:
    port = free_port()  # the same settings `backorder-desk serve` gives gunicorn
    return start([str(BIN / "gunicorn"), "--bind", f"127.0.0.1:{port}", "--workers", "2", "--threads", "4",
                  "--worker-class", "gthread", "--pythonpath", str(ROOT / "bench"), "bare:app"], {}, port)


def stop(server: subprocess.Popen) -> None:
    server.terminate()
    server.wait(timeout=60)


RANDOM_IDS = """
math.randomseed(os.time() + math.floor(os.clock() * 1000000))
request = function()
  local seen, ids = {}, {}
  while #ids < 50 do
    local id = %(first)d + math.random(0, %(count)d - 1)
    if not seen[id] then seen[id] = true; ids[#ids + 1] = id end
  end
  return wrk.format("GET", "%(path)s" .. table.concat(ids, ","))
end
"""

WEBHOOKS = """
local counter, thread_id = 0, 0
local threads = 0
function setup(thread) thread:set("id", threads); threads = threads + 1 end
function init(args) thread_id = id; math.randomseed(os.time() + id) end
%(pace)s
request = function()
  counter = counter + 1
  local n = counter
  if n %% 10 == 0 then n = n - 5 end  -- BigCommerce repeats deliveries: one in ten is a duplicate
  local body = '{"scope":"store/product/inventory/updated","producer":"stores/%(store)s",' ..
    '"hash":"%(run)s-' .. thread_id .. '-' .. n .. '","store_id":"1","created_at":1700000000,' ..
    '"data":{"type":"product","id":' .. n .. ',"inventory":{"product_id":' .. n .. ',"method":"absolute","value":5}}}'
  return wrk.format("POST", "/bigcommerce/webhooks",
    {["Content-Type"] = "application/json", ["%(header)s"] = "%(secret)s"}, body)
end
"""


# Each of the 200 connections delivers about twice a second (a random pause of 0–1 s between
# deliveries): 200 deliveries in flight over the run, about 400 a second in all.
PACED = "function delay() return math.random(0, 1000) end"


def wrk(base: str, script: str, *, seconds: float, connections: int, threads: int = 2) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as lua:
        lua.write(script)
    try:
        output = subprocess.run(
            ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds:g}s", "--latency", "--timeout", "10s",
             "-s", lua.name, base],
            capture_output=True, text=True, check=True).stdout
    finally:
        os.unlink(lua.name)
    figures = {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
               "requests": int(re.search(r"(\d+) requests in", output).group(1))}
    for percentile in ("50", "99"):
        value, unit = re.search(rf"\s{percentile}%\s+([\d.]+)(us|ms|s)\b", output).groups()
        figures[f"p{percentile}"] = float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]
    failed = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    figures["failed"] = (int(failed.group(1)) if failed else 0) + (sum(map(int, errors.groups())) if errors else 0)
    return figures


SWEEPS = 12


def sweep(base: str, path: str, first: int, count: int) -> None:
    """Ask for the whole catalog, 50 consecutive ids at a time, SWEEPS times over (8 at once), as
    a store's pages do over a day: whichever worker a request lands on, each has read each id
    with a probability of 1 - 2^-12. (Random ids alone take long to get there: with 95% of a
    100k catalog kept, only 0.95^50 = 8% of answers find all their 50 ids kept.)"""
    batches = [",".join(map(str, range(start, min(start + 50, first + count))))
               for start in range(first, first + count, 50)] * SWEEPS
    local = threading.local()

    def ask(ids: str) -> None:
        if not hasattr(local, "session"):
            local.session = requests.Session()
        local.session.get(f"{base}{path}{ids}", timeout=30).raise_for_status()

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(ask, batches))


class Yardstick:
    """The bare endpoint, loaded just before and just after each measured run of ours: a run's
    share is its req/s over the mean of the two (each bare run stands beside the runs on either
    side of it), so that a machine whose speed drifts weighs on both alike."""

    def __init__(self, base: str, script: str, seconds: float) -> None:
        self.base, self.script, self.seconds = base, script, seconds
        wrk(base, script, seconds=seconds, connections=8)  # connections open, as in a running server
        self.last = self.measure()

    def measure(self) -> float:
        return wrk(self.base, self.script, seconds=self.seconds, connections=8)["rps"]

    def compare(self, base: str, script: str, rounds: int) -> dict:
        """A load as a running server meets it: run once unmeasured first (as long as a measured
        run), so that each worker has kept the items this load asks for, as a worker serving a
        store's pages all day has; then `rounds` measured runs, each between two bare runs. The
        figures of the round with the median share, and every round's share."""
        wrk(base, script, seconds=self.seconds, connections=8)
        runs = []
        for _ in range(rounds):
            ours, before = wrk(base, script, seconds=self.seconds, connections=8), self.last
            self.last = self.measure()
            runs.append({**ours, "bare": (before + self.last) / 2, "share": 100 * ours["rps"] * 2 / (before + self.last)})
        median = sorted(runs, key=lambda run: run["share"])[len(runs) // 2]
        return {**median, "shares": [run["share"] for run in runs], "failed": sum(run["failed"] for run in runs)}


@contextmanager
def changing(url: str, per_second: float):
    """The store changing meanwhile: one variant's stock set (5, 6, 5, …) `per_second` times a
    second, each change its own transaction, as orders and webhooks change a busy store. Each
    gives the store a new availability version, so every worker's kept items stop holding."""
    engine, stopped = make_engine(url), threading.Event()

    def change():
        n = 0
        while not stopped.wait(1 / per_second):
            n += 1
            with Session(engine) as session, session.begin():
                variant = session.scalar(select(Variant).where(Variant.variant_id == FIRST_VARIANT))
                variant.on_hand = 5 + n % 2  # stays on hand: no alternative moves

    thread = threading.Thread(target=change)
    thread.start()
    try:
        yield
    finally:
        stopped.set()
        thread.join()
        engine.dispose()


def worker_memory(server: subprocess.Popen) -> list[int]:
    """Each gunicorn worker's resident memory, MB (Linux): what the items it keeps cost."""
    children = Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split()
    return [int(re.search(r"VmRSS:\s+(\d+)", Path(f"/proc/{pid}/status").read_text()).group(1)) // 1024
            for pid in children]


def check_answer(base: str, query: str, expected: int) -> None:
    response = requests.get(f"{base}/api/v1/stores/{STORE}/availability?{query}", timeout=30)
    items = response.json().get("items", []) if response.status_code == 200 else []
    if len(items) != expected:
        raise SystemExit(f"unexpected availability answer {response.status_code}: {response.text[:300]}")


def bench_server(url: str, variants: int, seconds: float, rounds: int, parts: set[str]) -> dict:
    """Availability and webhook intake (those of `parts`) against one `backorder-desk serve`."""
    path = f"/api/v1/stores/{STORE}/availability?"
    variant_ids = RANDOM_IDS % {"first": FIRST_VARIANT, "count": variants, "path": path + "variant_ids="}
    product_ids = RANDOM_IDS % {"first": FIRST_PRODUCT, "count": variants // 2, "path": path + "product_ids="}
    bare_script = RANDOM_IDS % {"first": 1, "count": 100, "path": "/items?ids="}
    figures = {}
    with tempfile.TemporaryDirectory() as instance:
        ours, base = start_ours(url, instance)
        try:
            check_answer(base, "variant_ids=" + ",".join(str(FIRST_VARIANT + i) for i in range(50)), 50)
            wrk(base, variant_ids, seconds=2, connections=8)  # both workers started and connected
            if "availability" in parts:
                # Both servers run side by side (the idle one costs nothing) and are loaded one at
                # a time, ours between two runs of the bare endpoint.
                bare, bare_base = start_bare()
                try:
                    yardstick = Yardstick(bare_base, bare_script, seconds)
                    sweep(base, path + "variant_ids=", FIRST_VARIANT, variants)
                    figures["variants"] = yardstick.compare(base, variant_ids, rounds)
                    sweep(base, path + "product_ids=", FIRST_PRODUCT, variants // 2)
                    figures["products"] = yardstick.compare(base, product_ids, rounds)
                    with changing(url, per_second=10):
                        figures["variants_changing"] = yardstick.compare(base, variant_ids, 1)
                    figures["memory"] = worker_memory(ours)
                finally:
                    stop(bare)
            if "webhooks" in parts:
                for load, pace in (("webhooks", PACED), ("webhooks_flat_out", "")):
                    figures[load] = wrk(base, WEBHOOKS % {
                        "store": STORE, "run": secrets.token_hex(4), "header": WEBHOOK_SECRET_HEADER,
                        "secret": WEBHOOK_SECRET, "pace": pace}, seconds=seconds, connections=200)
        finally:
            stop(ours)
    return figures


def bench_receipt(url: str, lines: int) -> dict:
    engine = make_engine(url).execution_options(sqlite_immediate=True)
    statements = {"count": 0}

    @event.listens_for(engine, "before_cursor_execute")
    def count(*_args):
        statements["count"] += 1

    # As `backorder-desk serve` does before forking its workers (where a receipt runs): what is
    # loaded is frozen, so the collections 10,000 lines' worth of rows set off walk only those.
    gc.collect()
    gc.freeze()
    with Session(engine) as session:
        with session.begin():
            store = session.scalar(select(Store).where(Store.hash == STORE))
            statements["count"] = 0
            started = time.perf_counter()
            allocations, on_hand = receive(session, store, QUEUED_VARIANT, lines)
        elapsed = time.perf_counter() - started  # the commit included
    assert len(allocations) == lines and on_hand == 0, (len(allocations), on_hand)
    engine.dispose()
    return {"seconds": elapsed, "statements": statements["count"]}


# --- the table ---------------------------------------------------------------------------------


def widget_chunks() -> list[tuple[str, int]]:
    static = ROOT / "api" / "static"
    return [(path.name, len(gzip.compress(path.read_bytes(), compresslevel=9)))
            for path in sorted(static.glob("*.js")) if not re.search(r"\.[0-9a-f]{8,}\.js$", path.name)]


def run(name: str, url: str, variants: int, options) -> list[list[str]]:
    print(f"-- {name}, {variants:,} variants: seeding", file=sys.stderr, flush=True)
    engine = fresh_schema(url)
    seeded = seed_catalog(engine, variants)
    seed_queue(engine, options.lines)
    analyze(engine)
    settle(engine)
    engine.dispose()
    print(f"-- {name}, {variants:,} variants: seeded in {seeded:.1f} s; loading", file=sys.stderr, flush=True)
    parts = set(options.parts.split(","))
    # The receipt first: after the webhook floods the database is still writing their rows out.
    receipt = bench_receipt(url, options.lines) if "receipt" in parts else None
    if receipt:  # its 40,000 rows written, vacuumed as autovacuum does within a minute (not during a load)
        analyze(engine)
        engine.dispose()
    figures = (bench_server(url, variants, options.seconds, options.rounds, parts)
               if parts & {"availability", "webhooks"} else {})
    where = [name, f"{variants // 1000}k"]
    rows = []
    for load, label, goal in (("variants", "availability, 50 variant ids", 50 if variants <= 10_000 else 45),
                              ("products", "availability, 50 product ids (100 items)", 50 if variants <= 10_000 else 45),
                              ("variants_changing", "availability, 50 variant ids, the store changing 10 times a second", None)):
        if load not in figures:
            continue
        f = figures[load]
        share = f["share"]
        rounds = f" (rounds: {', '.join(f'{s:.0f}%' for s in f['shares'])})" if len(f["shares"]) > 1 else ""
        rows.append([label, *where,
                     f"{f['rps']:.0f} req/s = {share:.0f}% of bare {f['bare']:.0f}{rounds}; "
                     f"p50 {f['p50']:.1f} ms, p99 {f['p99']:.1f} ms" + (f"; {f['failed']} failed" if f["failed"] else ""),
                     *((f"≥ {goal}%, p99 < 20 ms", "yes" if share >= goal and f["p99"] < 20 and not f["failed"] else "no")
                       if goal else ("— (not a target)", "—"))])
    if "memory" in figures:
        rows.append(["memory of each worker after the availability loads", *where,
                     ", ".join(f"{mb} MB" for mb in figures["memory"]), "—", "—"])
    if receipt:
        rows.append(["receipt, 10,000 units → 10,000 lines", *where,
                     f"{receipt['seconds']:.2f} s, {receipt['statements']} statements", "< 1 s",
                     "yes" if receipt["seconds"] < 1 else "no"])
    if "webhooks" in parts:
        w = figures["webhooks"]
        rows.append(["webhook intake, 200 concurrent senders (~2/s each)", *where,
                     f"{w['rps']:.0f} req/s; p50 {w['p50']:.1f} ms, p99 {w['p99']:.1f} ms; {w['failed']} not 2xx",
                     "2xx, p99 < 50 ms", "yes" if w["p99"] < 50 and not w["failed"] else "no"])
        w = figures["webhooks_flat_out"]
        rows.append(["webhook intake, 200 connections flat out (capacity)", *where,
                     f"{w['rps']:.0f} req/s; p50 {w['p50']:.1f} ms, p99 {w['p99']:.1f} ms; {w['failed']} not 2xx",
                     "—", "—"])
    rows.append(["seeding the catalog (bulk)", *where, f"{seeded:.1f} s", "quick", "—"])
    return rows


def main() -> None:
    # The receipt runs the domain outside an app: the edge's choice of adapters is made here.
    use_adapters({"local": LocalAdapter, "bigcommerce": BigCommerceAdapter})
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--postgres-url", default=os.environ.get("BENCH_POSTGRES_URL"),
                        help="a scratch PostgreSQL database (it is emptied); default $BENCH_POSTGRES_URL")
    parser.add_argument("--sqlite-path", default=None, help="default: a temporary file")
    parser.add_argument("--databases", default="postgresql,sqlite")
    parser.add_argument("--sizes", default="10000,100000", help="catalog sizes (variants)")
    parser.add_argument("--lines", type=int, default=10_000, help="waiting lines served by the receipt")
    parser.add_argument("--seconds", type=float, default=8, help="length of each wrk load")
    parser.add_argument("--rounds", type=int, default=3,
                        help="measured runs of each availability load, each between two bare runs (the median counts)")
    parser.add_argument("--parts", default="availability,receipt,webhooks",
                        help="what to measure after seeding (comma-separated)")
    options = parser.parse_args()
    if "postgresql" in options.databases and not options.postgres_url:
        parser.error("give --postgres-url (or BENCH_POSTGRES_URL): a scratch database, it is emptied")

    load_before = os.getloadavg()
    rows = []
    with tempfile.TemporaryDirectory() as scratch:
        for size in (int(s) for s in options.sizes.split(",")):
            for name in options.databases.split(","):
                if name == "postgresql":
                    rows += run("PostgreSQL", options.postgres_url, size, options)
                elif name == "sqlite":
                    path = options.sqlite_path or os.path.join(scratch, f"bench-{size}.sqlite3")
                    rows += run("SQLite", "sqlite:///" + path, size, options)
                else:
                    parser.error(f"unknown database {name}")
    for chunk, size in widget_chunks():
        page = chunk == "widget.js"  # what every product and category page downloads
        rows.append([f"widget chunk {chunk} (gzip -9)", "—", "—", f"{size:,} bytes",
                     "≤ 6,144 bytes" if page else "on demand", ("yes" if size <= 6144 else "no") if page else "—"])
    rows.append(["Lighthouse", "—", "—", "run bench/lighthouse.sh (not measured here)", "≤ 1 point, TBT ≤ 20 ms, CLS", "—"])

    header = ["target", "database", "catalog", "measured", "goal", "met"]
    print(f"\nload average before {load_before[0]:.2f}, after {os.getloadavg()[0]:.2f} "
          f"({os.cpu_count()} CPUs); wrk 2 threads × 8 connections (availability), 200 (webhooks), "
          f"{options.seconds:g} s each, availability the median of {options.rounds} rounds; "
          f"gunicorn 2 workers × 4 threads")
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for row in rows:
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
