"""A believable demo store: an outdoor clothing shop with stock in every situation the widget
and the queue can show, its suppliers, and seven months of history (api/demo/history.py) for the
merchant's analytics, forecasts and reorder suggestions."""
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.demo.history import seed_history
from api.domain import clock
from api.domain.backorders import OrderLineIn, ingest_order
from api.domain.catalog import add_inbound, save_variant
from api.domain.stores import create_store
from api.domain.suppliers import create_supplier
from api.models import Variant

STORE_HASH = "demo-store"

# The reorder scenario (the end-to-end test): the Drizzle Rain Shell has a shopper waiting (Ada,
# order 1005), no inbound stock and a steady sales history, so it is below its reorder point; its
# supplier is opted in to automatic reordering but not to sending, so once the daily jobs run a
# draft purchase order from that supplier waits for the merchant's approval.
REORDER_VARIANT_ID = 10501
REORDER_SKU = "NW-105-M"
REORDER_NAME = "Drizzle Rain Shell — M"
REORDER_SUPPLIER = "Cloudburst Outerwear"

# (product id, name, category, base price in cents, colour, [(variant suffix, on hand)], settings)
PRODUCTS = [
    (101, "Trailhead Merino Tee", "tops", 4500, "#3b6e8f", [("S", 12), ("M", 0), ("L", 0)],
     {"backorders_enabled": True, "message": "Knitted to order in Portugal.", "reason": "Our merino mill is catching up after a record season."}),
    (102, "Ridge Fleece Hoodie", "tops", 8900, "#8f3b4a", [("Red", 0), ("Grey", 4)],
     {"backorders_enabled": True, "backorder_limit": 6, "message": "Limited reorder: only a few more can be reserved."}),
    (103, "Canyon Flannel Shirt", "tops", 6200, "#a8642b", [("M", 9), ("L", 7)], {}),
    (104, "Summit Down Jacket", "outerwear", 24900, "#2f3e46", [("M", 0), ("L", 0)],
     {"backorders_enabled": True, "lead_time_days": 21, "message": "Made in small batches.", "reason": "New colourway in production."}),
    (105, "Drizzle Rain Shell", "outerwear", 15900, "#4a7c59", [("M", 0)],
     {"backorders_enabled": True, "message": "Reserve yours now.", "reason": "Supplier has not confirmed a date yet."}),
    (106, "Pine Softshell Vest", "outerwear", 11900, "#5b6b3a", [("M", 5)], {}),
    (107, "Basecamp Wool Socks", "accessories", 1800, "#7a5c8f", [("One size", 0)],
     {"backorders_enabled": False, "message": "Back with the winter restock."}),
    (108, "Alpine Beanie", "accessories", 2900, "#c0392b", [("One size", 25)], {}),
    (109, "Switchback Gloves", "accessories", 3900, "#34495e", [("S", 0), ("L", 3)],
     {"backorders_enabled": True, "lead_time_days": 10}),
    (110, "Trail Runner 2", "footwear", 13900, "#d35400", [("42", 0), ("43", 2), ("44", 0)],
     {"backorders_enabled": True, "message": "Pre-order the new season's colour."}),
    (111, "Granite Hiking Boot", "footwear", 18900, "#6d4c41", [("42", 6), ("43", 4)], {}),
    (112, "Daypack 22L", "packs", 9900, "#16a085", [("Teal", 0), ("Black", 8)],
     {"backorders_enabled": True, "backorder_limit": 2, "message": "Teal is almost gone: last reservations."}),
    (113, "Expedition Pack 55L", "packs", 27900, "#2c3e50", [("One size", 0)],
     {"backorders_enabled": True, "message": "Shipping container on its way.", "reason": "Held at port for inspection."}),
    (114, "Camp Mug", "accessories", 1600, "#95a5a6", [("One size", 40)], {}),
]

# Inbound stock: (variant id, quantity, days from today)
INBOUND = [
    (10102, 6, 9), (10102, 20, 30),  # Merino Tee M: a small and a large shipment
    (10103, 10, 16),                 # Merino Tee L
    (10201, 5, 12),                  # Hoodie Red
    (11001, 4, 7), (11001, 12, 25),  # Trail Runner 42
    (11003, 8, 20),                  # Trail Runner 44
    (11201, 3, 14),                  # Daypack Teal
    (11301, 10, 35),                 # Expedition Pack
]

# (name, email, lead time in days, minimum order quantity, pack size, auto_reorder, auto_send,
# the products it supplies)
SUPPLIERS = [
    ("Alpine Mills", "orders@alpinemills.example", 21, 10, 5, False, False, [101, 102, 103]),
    ("Summit Down Co.", "purchasing@summitdown.example", 28, 4, 2, False, False, [104, 106]),
    (REORDER_SUPPLIER, "orders@cloudburst.example", 14, 6, 6, True, False, [105]),
    ("Trailworks Footwear", "sales@trailworks.example", 35, 6, 6, False, False, [110, 111]),
    ("Packhorse Goods", "hello@packhorse.example", 10, 12, 12, False, False, [107, 108, 109, 112, 113, 114]),
]

CUSTOMERS = [
    {"id": 1, "email": "ada@example.com", "first_name": "Ada", "phone": "+14155550123"},
    {"id": 2, "email": "grace@example.com", "first_name": "Grace"},
    {"id": 3, "email": "linus@example.com", "first_name": "Linus"},
]

# (order id, customer index, hours ago, [(variant id, quantity)])
ORDERS = [
    (1001, 0, 72, [(10102, 2), (10801, 1)]),
    (1002, 1, 60, [(10102, 3)]),
    (1003, 1, 50, [(10201, 2), (11001, 1)]),
    (1004, 2, 40, [(11201, 2), (10401, 1)]),
    (1005, 0, 30, [(11001, 2), (10501, 1)]),
    (1006, 2, 20, [(10201, 4), (10801, 2)]),  # Linus: a waiting and an allocated line
    (1007, 0, 10, [(11301, 1), (10302, 1)]),
]


def variant_id(product_id: int, index: int) -> int:
    return product_id * 100 + index + 1


def seed(session: Session, app_url: str) -> dict:
    store, api_key = create_store(
        session, STORE_HASH, [app_url], name="Northwind Outfitters"
    )
    store.handling_days = 1
    store.cancel_window_days = 30
    store.cancel_allocated = True
    store.pay_later_enabled = True
    store.delay_incentive = {"enabled": True, "threshold_days": 7, "kind": "discount", "percent_off": 10}
    # Email and SMS both land in the demo mailbox (/demo/mailbox), and so does the daily digest.
    store.notification_channels = ["email", "sms"]
    store.merchant_email = "owner@northwind.example"
    for product_id, name, category, price, colour, variants, settings in PRODUCTS:
        slug = name.lower().replace(" ", "-")
        for index, (suffix, on_hand) in enumerate(variants):
            vid = variant_id(product_id, index)
            save_variant(
                session,
                store,
                vid,
                {
                    "product_id": product_id,
                    "sku": f"NW-{product_id}-{suffix.upper().replace(' ', '')}",
                    "name": name if suffix == "One size" else f"{name} — {suffix}",
                    "price": price,
                    "currency": "USD",
                    "url": f"{app_url}/demo/products/{product_id}",
                    "image_url": f"{app_url}/demo/images/{slug}.svg?c={colour.lstrip('#')}",
                    "category": category,
                    "on_hand": on_hand,
                    **settings,
                },
                replace=True,
            )
    suppliers = {}
    for name, email, lead_time, minimum, pack, auto_reorder, auto_send, products in SUPPLIERS:
        supplier = create_supplier(session, store, {
            "name": name, "email": email, "lead_time_days": lead_time, "minimum_order_quantity": minimum,
            "pack_size": pack, "auto_reorder": auto_reorder, "auto_send": auto_send})
        suppliers.update({product_id: supplier for product_id in products})
    variants = {v.variant_id: v for v in session.scalars(select(Variant).where(Variant.store_id == store.id))}
    for variant in variants.values():
        variant.supplier_id = suppliers[variant.product_id].id
    for vid, quantity, days in INBOUND:
        inbound = add_inbound(session, store, vid, quantity, clock.today() + timedelta(days=days))
        supplier = suppliers[variants[vid].product_id]
        inbound.purchase_order.supplier, inbound.purchase_order.supplier_id = supplier.name, supplier.id
    now = clock.utcnow()
    for order_id, customer, hours_ago, lines in ORDERS:
        prices = {variant_id(p[0], i): p[3] for p in PRODUCTS for i in range(len(p[5]))}
        who = CUSTOMERS[customer]
        ingest_order(
            session,
            store,
            order_id=order_id,
            currency="USD",
            customer_id=who["id"],
            email=who["email"],
            first_name=who["first_name"],
            phone=who.get("phone", ""),
            placed_at=now - timedelta(hours=hours_ago),
            lines=[OrderLineIn(variant_id=v, quantity=q, unit_price=prices[v]) for v, q in lines],
        )
    seed_history(session, store, variants, suppliers, clock.today())
    return {"store_hash": STORE_HASH, "admin_api_key": api_key}


