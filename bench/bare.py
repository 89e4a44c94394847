"""The yardstick for the availability benchmark: a bare Flask endpoint answering 50 items of
the availability answer's shape (a third in stock, a third on backorder with an ETA, a third
sold out; each not in stock with 4 alternatives), serialized on every request, no database.
Served by bench/engine.py with the same gunicorn settings as `backorder-desk serve`."""
import json

from flask import Flask

ALTERNATIVE = {"product_id": 10_001, "variant_id": 100_002, "name": "Product 1 — A", "price": 1074,
               "currency": "USD", "url": "https://shop.example/p/1", "image_url": ""}


def item(n: int) -> dict:
    state = ("in_stock", "backorder", "sold_out")[n % 3]
    return {
        "product_id": 10_000 + n, "variant_id": 100_000 + 2 * n, "sku": f"SKU-{2 * n}", "state": state,
        "available_on_hand": 5 if state == "in_stock" else 0,
        "available_for_backorder": None if state == "backorder" else 0,
        "eta": {"date": "2026-12-12", "source": "inbound"} if state == "backorder" else None,
        "message": "", "reason": "", "pay_later": state == "backorder",
        "alternatives": [] if state == "in_stock" else [dict(ALTERNATIVE, variant_id=200_000 + k) for k in range(4)],
    }


ITEMS = [item(n) for n in range(50)]
app = Flask(__name__)


@app.get("/items")
def items():
    return app.response_class(json.dumps({"items": ITEMS}, separators=(",", ":")), mimetype="application/json")
