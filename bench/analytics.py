"""Issue 14's analytics target, measured (a script, not a test): on 100,000 order lines the admin
endpoint answers a one-year, weekly query in under 500 ms.

Seeds a store (time zone Europe/Berlin) with a year of history in bulk: `--lines` order lines
(default 100,000) in about 40,000 orders spread over the last 365 days (more on weekdays, more
lately; each with its local days, as the app writes them), 400 variants of 200 products from 8 suppliers (some variants without one), every
outcome (shipped early and late against the first promise, set aside, cancelled with refunds,
switched, pay later paid and unpaid, still waiting), a sales row per line plus as many again for
orders without backorders, 5,000 restock subscriptions (most alerted, some recipients ordering
within the week) and 1,500 purchase-order lines. Then it times `GET /api/v1/admin/analytics`
through the Flask test client (the whole request: authentication, the queries, the JSON),
after one warm-up request, and prints the median and 95th percentile of `--runs` requests.

    .venv/bin/python bench/analytics.py
    .venv/bin/python bench/analytics.py --postgres-url postgresql+psycopg://postgres@127.0.0.1:5432/scratch

SQLite is a scratch file (a temporary one by default); --postgres-url (or BENCH_POSTGRES_URL)
must point at a scratch database: its schema is dropped and rebuilt, and after seeding it is
vacuumed and analysed, as autovacuum would have done on a live database."""
import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import bindparam, insert, select, text
from sqlalchemy.orm import Session

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from api import create_app  # noqa: E402
from api.db import make_engine  # noqa: E402
from api.domain.local_days import with_local_days  # noqa: E402
from api.domain.stores import create_store  # noqa: E402
from api.models import (  # noqa: E402
    Base, InboundShipment, Line, Order, PaymentRequestRecord, PurchaseOrder, Refund, RestockSubscription, Sale,
    Store, Supplier, Variant,
)

STORE, TIMEZONE = "bench-analytics", "Europe/Berlin"
NOW = datetime.utcnow().replace(microsecond=0)
TODAY = NOW.date()
PRODUCTS, SUPPLIERS, CUSTOMERS, SUBSCRIPTIONS, INBOUND = 200, 8, 20_000, 5_000, 1_500


def fresh_schema(url: str):
    engine = make_engine(url)
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    Base.metadata.create_all(engine)
    return engine


def seed(engine, lines: int, rng: random.Random) -> tuple[str, float]:
    """The history; returns the store's admin API key and the seconds taken."""
    started = time.perf_counter()
    with Session(engine) as session, session.begin():
        store, api_key = create_store(session, STORE, ["https://shop.example"])
        store.timezone = TIMEZONE
        session.flush()
        store_id = store.id
        suppliers = [Supplier(store_id=store_id, name=f"Supplier {n}", lead_time_days=7 + 3 * n)
                     for n in range(1, SUPPLIERS + 1)]
        session.add_all(suppliers)
        session.flush()
        supplier_ids = [supplier.id for supplier in suppliers]
        session.execute(insert(Variant), [
            {"store_id": store_id, "variant_id": 1000 + i, "product_id": 100 + i // 2, "sku": f"SKU-{i}",
             "name": f"Product {i // 2} {'AB'[i % 2]}", "price": 500 + (i * 37) % 9000, "currency": "USD",
             "backorders_enabled": True, "alternatives": [],
             "supplier_id": supplier_ids[i % SUPPLIERS] if i % 10 else None}
            for i in range(PRODUCTS * 2)
        ])
        variants = session.execute(select(Variant.id, Variant.variant_id, Variant.product_id, Variant.price)
                                   .where(Variant.store_id == store_id)).all()

    # Orders over the year: more on weekdays and in the last months (a growing shop).
    order_rows, count = [], 0
    while count < lines:
        moment = NOW - timedelta(days=365 * rng.random() ** 0.8, seconds=rng.randrange(86_400))
        if moment.weekday() >= 5 and rng.random() < 0.4:
            continue
        size = min(rng.choice((1, 1, 2, 2, 3, 3, 4, 4)), lines - count)
        order_rows.append((moment, size))
        count += size
    order_rows.sort()
    customers = [f"c{n}@example.com" for n in range(CUSTOMERS)]
    with Session(engine) as session, session.begin():
        store = session.get(Store, store_id)
        session.execute(insert(Order), with_local_days(store, Order, [
            {"store_id": store_id, "order_id": n + 1, "email": rng.choice(customers), "currency": "USD",
             "placed_at": moment, "total": 0}
            for n, (moment, _) in enumerate(order_rows)
        ]))
        orders = dict(session.execute(select(Order.order_id, Order.id).where(Order.store_id == store_id)).all())
        emails = dict(session.execute(select(Order.id, Order.email).where(Order.store_id == store_id)).all())

        line_rows, totals = [], {}
        for n, (placed, size) in enumerate(order_rows):
            order_pk = orders[n + 1]
            for _ in range(size):
                variant = rng.choice(variants)
                line = _line(rng, store_id, order_pk, variant, placed)
                line_rows.append(line)
                totals[order_pk] = totals.get(order_pk, 0) + line["quantity"] * line["unit_price"]
        session.execute(insert(Line), with_local_days(store, Line, line_rows))
        session.execute(Order.__table__.update().where(Order.id == bindparam("pk")).values(total=bindparam("total")),
                        [{"pk": pk, "total": total} for pk, total in totals.items()])

        placed_lines = session.execute(select(Line.id, Line.order_pk, Line.variant_pk, Line.quantity, Line.unit_price,
                                              Line.state, Line.payment_mode, Line.queued_at, Line.quantity_cancelled)
                                       .where(Line.store_id == store_id)).all()
        refunds, payments, sales = [], [], []
        for row in placed_lines:
            if row.quantity_cancelled:
                refunds.append(_refund(store_id, row, "cancel", row.quantity_cancelled * row.unit_price))
            if row.payment_mode == "pay_later" or (row.state in ("allocated", "shipped") and row.id % 17 == 0):
                refunds.append(_refund(store_id, row, "pay_later", row.quantity * row.unit_price))
                payments.append({
                    "store_id": store_id, "order_pk": row.order_pk, "line_pk": row.id, "purpose": "pay_later",
                    "quantity": row.quantity, "amount": row.quantity * row.unit_price, "currency": "USD",
                    "status": "open" if row.payment_mode == "pay_later" else "paid", "reference": f"pay-{row.id}"})
            sales.append({"store_id": store_id, "order_id": row.order_pk, "item_id": row.id,
                          "variant_pk": row.variant_pk, "placed_at": row.queued_at, "day": row.queued_at.date(),
                          "quantity": row.quantity, "revenue": row.quantity * row.unit_price, "currency": "USD",
                          "email": emails[row.order_pk], "phone": ""})
        session.execute(insert(Refund), refunds)
        session.execute(insert(PaymentRequestRecord), payments)
        # As many sales again for orders that held no backordered unit.
        for n in range(len(sales)):
            moment = NOW - timedelta(days=365 * rng.random(), seconds=rng.randrange(86_400))
            variant = rng.choice(variants)
            sales.append({"store_id": store_id, "order_id": 10_000_000 + n, "item_id": 10_000_000 + n,
                          "variant_pk": variant.id, "placed_at": moment, "day": moment.date(), "quantity": 1,
                          "revenue": variant.price, "currency": "USD", "email": rng.choice(customers), "phone": ""})
        session.execute(insert(Sale), sales)

        subscriptions = []
        for n in range(SUBSCRIPTIONS):
            created = NOW - timedelta(days=365 * rng.random())
            notified = created + timedelta(days=rng.randrange(1, 40)) if rng.random() < 0.6 else None
            subscriptions.append({
                "store_id": store_id, "variant_pk": variants[n % len(variants)].id, "contact": customers[n],
                "email": customers[n], "phone": "", "status": "notified" if notified and notified < NOW else "active",
                "created_at": created, "notified_at": notified if notified and notified < NOW else None})
        session.execute(insert(RestockSubscription), subscriptions)

        purchase_orders = [PurchaseOrder(store_id=store_id, supplier=f"Supplier {1 + n % SUPPLIERS}",
                                         supplier_id=supplier_ids[n % SUPPLIERS], status="received")
                           for n in range(INBOUND // 5)]
        session.add_all(purchase_orders)
        session.flush()
        inbound = []
        for n in range(INBOUND):
            expected = TODAY - timedelta(days=rng.randrange(-30, 365))
            received = expected + timedelta(days=rng.choice((-2, 0, 0, 0, 1, 3, 7))) if expected < TODAY else None
            inbound.append({"store_id": store_id, "purchase_order_id": purchase_orders[n % len(purchase_orders)].id,
                            "variant_pk": variants[n % len(variants)].id, "quantity": 50, "expected_on": expected,
                            "received_on": received if received and received <= TODAY else None,
                            "quantity_received": 50 if received and received <= TODAY else None})
        session.execute(insert(InboundShipment), inbound)
    return api_key, time.perf_counter() - started


def _line(rng: random.Random, store_id: int, order_pk: int, variant, placed: datetime) -> dict:
    """A line with an outcome that fits its age: old lines mostly shipped, recent ones waiting."""
    quantity = rng.choice((1, 1, 1, 2, 3))
    backordered = 0 if rng.random() < 0.15 else quantity
    age = (NOW - placed).days
    promised = placed.date() + timedelta(days=rng.randrange(5, 30)) if backordered else None
    wait = timedelta(days=rng.lognormvariate(2.3, 0.6) if backordered else 0, hours=rng.randrange(24))
    allocated_at = placed + wait if placed + wait < NOW else None
    shipped_at = allocated_at + timedelta(days=rng.randrange(0, 3)) if allocated_at else None
    roll = rng.random()
    state, allocated, shipped, cancelled, mode = "waiting", 0, 0, 0, "pay_now"
    if backordered and roll < 0.10:
        state, cancelled, allocated_at, shipped_at = "cancelled", quantity, None, None
    elif backordered and roll < 0.13:
        state, cancelled, allocated_at, shipped_at = "switched", quantity, None, None
    elif shipped_at and shipped_at < NOW - timedelta(days=1):
        state, shipped = "shipped", quantity
    elif allocated_at:
        state, allocated, shipped_at = "allocated", quantity, None
    else:
        allocated_at = shipped_at = None
        mode = "pay_later" if roll > 0.93 else "pay_now"
    return {
        "store_id": store_id, "order_pk": order_pk, "variant_pk": variant.id, "product_id": variant.product_id,
        "variant_id": variant.variant_id, "name": f"Product {variant.product_id}", "sku": "", "quantity": quantity,
        "quantity_backordered": backordered, "quantity_allocated": allocated, "quantity_shipped": shipped,
        "quantity_cancelled": cancelled, "state": state, "payment_mode": mode, "unit_price": variant.price,
        "currency": "USD", "queued_at": placed, "first_promised_on": promised, "eta_date": promised,
        "eta_source": "lead_time" if promised else None, "allocated_at": allocated_at, "shipped_at": shipped_at,
    }


def _refund(store_id: int, row, reason: str, amount: int) -> dict:
    return {"store_id": store_id, "order_pk": row.order_pk, "line_pk": row.id, "key": f"{reason}-{row.id}",
            "reason": reason, "quantity": row.quantity, "amount": amount, "currency": "USD", "status": "confirmed"}


def time_queries(url: str, api_key: str, runs: int) -> list[tuple[str, float, float]]:
    app = create_app({"DATABASE_URL": url, "SECRET_KEYS": ["bench"], "APP_URL": "http://bench.test"})
    client = app.test_client()
    headers = {"Authorization": f"Bearer {api_key}"}
    year_ago = (TODAY - timedelta(days=364)).isoformat()
    queries = [
        ("one year by week (the target)", f"from={year_ago}&to={TODAY}&granularity=week"),
        ("one year by day", f"from={year_ago}&to={TODAY}&granularity=day"),
        ("one year by month", f"from={year_ago}&to={TODAY}&granularity=month"),
        ("last 90 days by week (default)", ""),
    ]
    results = []
    for label, query in queries:
        path = f"/api/v1/admin/analytics?{query}"
        response = client.get(path, headers=headers)  # warm-up: connection, caches
        assert response.status_code == 200, response.get_json()
        timings = []
        for _ in range(runs):
            started = time.perf_counter()
            response = client.get(path, headers=headers)
            timings.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200
        timings.sort()
        p95 = timings[min(len(timings) - 1, round(0.95 * (len(timings) - 1)))]
        results.append((label, statistics.median(timings), p95))
    app.extensions["database"].engine.dispose()
    return results


def check(url: str, api_key: str) -> str:
    """What the year holds, so the table says what was measured."""
    engine = make_engine(url)
    with Session(engine) as session:
        store_id = session.scalar(select(Store.id).where(Store.hash == STORE))
        counts = {name: session.scalar(select(text("count(*)")).select_from(table).where(table.c.store_id == store_id))
                  for name, table in (("lines", Line.__table__), ("sales", Sale.__table__),
                                      ("subscriptions", RestockSubscription.__table__))}
    engine.dispose()
    return ", ".join(f"{value:,} {name}" for name, value in counts.items())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--postgres-url", default=os.environ.get("BENCH_POSTGRES_URL"),
                        help="a scratch PostgreSQL database (its schema is dropped)")
    parser.add_argument("--sqlite-path", default=None, help="default: a temporary file")
    parser.add_argument("--lines", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--seed", type=int, default=14)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as scratch:
        databases = [("sqlite", "sqlite:///" + (args.sqlite_path or os.path.join(scratch, "analytics.sqlite3")))]
        if args.postgres_url:
            databases.append(("postgresql", args.postgres_url))
        rows = []
        for name, url in databases:
            if name == "sqlite" and os.path.exists(url[len("sqlite:///"):]):
                os.remove(url[len("sqlite:///"):])
            engine = fresh_schema(url)
            api_key, seconds = seed(engine, args.lines, random.Random(args.seed))
            if name == "postgresql":  # what autovacuum would have done by then: statistics, visibility
                with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                    connection.execute(text("VACUUM ANALYZE"))
            engine.dispose()
            print(f"{name}: seeded {check(url, api_key)} in {seconds:.1f} s", flush=True)
            for label, median, p95 in time_queries(url, api_key, args.runs):
                rows.append((name, label, median, p95))

    print(f"\nGET /api/v1/admin/analytics, {args.lines:,} lines, {args.runs} runs each (target: one year by week "
          "< 500 ms)\n")
    print("| database | query | median ms | p95 ms |\n|---|---|---:|---:|")
    for name, label, median, p95 in rows:
        print(f"| {name} | {label} | {median:.0f} | {p95:.0f} |")


if __name__ == "__main__":
    main()
