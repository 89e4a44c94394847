"""A fake BigCommerce for tests: a small Flask app on a loopback port that implements exactly the
endpoints the app uses, checks every request against BigCommerce's published OpenAPI descriptions
in tests/bigcommerce_specs (path, parameters, required fields, types, enums), answers in the shapes
those descriptions give (its own answers are checked too), can answer 429 with rate-limit headers
or 5xx on demand, and records every call.

It is as hard as a real store where money is concerned: prices with or without tax (`tax_rate`,
`prices_include_tax`) and coupons (`applied_discounts`, `discounted_total_inc_tax`); every order
status, with transitions (`set_status`: cancelling or declining restocks); refunds priced at the
share of what was paid, never more than is left, offered to the card only when the order was not
paid with store credit or a gift certificate; refunds the provider declines (`is_declined`);
requests done and their answer lost (`lose_answer`); refunds made by the merchant; shipments;
payment carts checked out by the shopper (`checkout`: shipping charged unless a free-shipping
coupon was applied to the checkout, tax added once, single-use coupons used up);
display (`currency_code`) and transactional (`default_currency_code`) currencies; the store
information (currency, time zone); and stock as BigCommerce keeps it: a level per variant
(inventory items) that checkout takes every ordered unit from, that cancelling restocks, that
order edits (the app's, or the merchant's: `edit`) move, that refunds do not restock, and that
relative inventory adjustments (`adjustments`) change; the two inventory settings that decide
whether edits and cancels move stock can be turned off, and are what its
GET /v3/settings/inventory answers (docs/stock-events.md).

A request that breaks the descriptions is answered 400 and its problem kept in `errors`; the
`fake_bigcommerce` fixture fails the test when any were kept."""
import itertools
import json
import re
import threading
import uuid
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime
from functools import cache
from pathlib import Path

import pytest
import yaml
from api.domain import clock
from flask import Flask, abort, jsonify, request
from werkzeug.serving import make_server

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
SPEC_DIR = Path(__file__).resolve().parent / "bigcommerce_specs"  # copied from BigCommerce: see its README
SPEC_FILES = {
    "v2": ["orders.v2.oas2.yml", "marketing.v2.yml", "store_information.v2.yml"],
    "v3": ["webhooks.v3.yml", "scripts.v3.yml", "orders.v3.yml", "carts.v3.yml", "checkout_coupons.ours.yml",
           "settings_inventory.ours.yml", "inventory.v3.yml", "products_catalog.v3.yml", "product-variants_catalog.v3.yml"],
}
# Fields of BigCommerce's native backorders beta (README: platform facts) that the 2026-04
# descriptions do not list yet.
BETA_FIELDS = {"quantity_backordered"}
# The OAuth token exchange is not in the descriptions; its body is what the platform facts in
# tests/bigcommerce_specs/README.md list.
TOKEN_FIELDS = ("client_id", "client_secret", "code", "context", "scope", "grant_type", "redirect_uri")


# --- the OpenAPI checker ---------------------------------------------------------------------


class Spec:
    """The BigCommerce descriptions, indexed by API version and path template."""

    def __init__(self, directory: Path):
        self.documents = {}
        self.routes = []  # (version, compiled template, template, document name)
        for version, names in SPEC_FILES.items():
            for name in names:
                document = yaml.load((directory / name).read_text(), Loader=_LOADER)
                self.documents[name] = document
                for template in document.get("paths", {}):
                    pattern = re.sub(r"\\{(\w+)\\}", r"(?P<\1>[^/]+)", re.escape(template))
                    self.routes.append((version, re.compile(f"^{pattern}$"), template, name))
        # Literal paths (/orders/count) before templated ones (/orders/{order_id}).
        self.routes.sort(key=lambda route: route[2].count("{"))

    def deref(self, document: str, node):
        while isinstance(node, dict) and "$ref" in node:
            target = self.documents[document]
            for part in node["$ref"].lstrip("#/").split("/"):
                target = target[part]
            node = target
        return node

    def operation(self, version: str, method: str, path: str):
        for route_version, pattern, template, document in self.routes:
            match = pattern.match(path)
            if route_version == version and match:
                path_item = self.documents[document]["paths"][template]
                operation = path_item.get(method.lower())
                if operation is not None:
                    return document, template, path_item, operation, match.groupdict()
        return None

    def check_request(self, version, method, path, query, headers, body, has_body) -> list[str]:
        found = self.operation(version, method, path)
        if found is None:
            return [f"{method} /{version}{path}: no such operation in the descriptions"]
        document, template, path_item, operation, path_values = found
        where = f"{method} /{version}{template}"
        problems = []
        parameters = [self.deref(document, p) for p in path_item.get("parameters", []) + operation.get("parameters", [])]
        declared_query = {p["name"] for p in parameters if p["in"] == "query"}
        for name in query:
            if name not in declared_query:
                problems.append(f"{where}: query parameter {name!r} is not described")
        for parameter in parameters:
            name, location = parameter["name"], parameter["in"]
            schema = self.deref(document, parameter.get("schema", {}))
            if location == "path":
                value = path_values.get(name)
            elif location == "query":
                value = query.get(name)
            elif location == "header":
                value = headers.get(name)
            else:
                continue
            if value is None:
                if parameter.get("required"):
                    problems.append(f"{where}: required {location} parameter {name!r} is missing")
                continue
            if location == "header":
                continue
            if name.endswith(":in") and schema.get("type") != "array":
                # BigCommerce's `…:in` filters are described as a comma-separated list whose items
                # have the declared type (the descriptions say so in words, not in the schema).
                schema = {"type": "array", "items": schema}
            converted, error = _from_text(value, schema, document, self)
            if error:
                problems.append(f"{where}: {location} parameter {name!r}={value!r}: {error}")
            else:
                problems += [f"{where}: {location} parameter {name!r}{p}"
                             for p in self.check(document, schema, converted, "")]
        request_body = self.deref(document, operation.get("requestBody"))
        if request_body:
            schema = ((request_body.get("content") or {}).get("application/json") or {}).get("schema")
            if not has_body:
                if request_body.get("required"):
                    problems.append(f"{where}: a JSON body is required")
            elif schema is not None:
                problems += [f"{where}: body{p}" for p in self.check(document, schema, body, "")]
        elif has_body:
            problems.append(f"{where}: takes no body")
        return problems

    def check_response(self, version, method, path, status, body) -> list[str]:
        found = self.operation(version, method, path)
        if found is None:
            return []
        document, template, _, operation, _ = found
        responses = operation.get("responses", {})
        described = responses.get(str(status)) or responses.get("default")
        if described is None:
            return [f"{method} /{version}{template}: status {status} is not described"]
        described = self.deref(document, described)
        schema = ((described.get("content") or {}).get("application/json") or {}).get("schema")
        if schema is None or body is None:
            return []
        # minItems describes what a client must send; an empty list is a fine answer.
        return [f"{method} /{version}{template} answer{p}" for p in self.check(document, schema, body, "")
                if "fewer than" not in p]

    def check(self, document: str, schema, value, at: str) -> list[str]:
        """Problems of `value` against an OpenAPI 3.0 schema (the subset the descriptions use)."""
        schema = self.deref(document, schema)
        if not isinstance(schema, dict):
            return []
        if value is None:
            return [] if schema.get("nullable") or "type" not in schema else [f"{at}: null is not allowed"]
        problems = []
        for part in schema.get("allOf", []):
            problems += self.check(document, part, value, at)
        for key in ("anyOf", "oneOf"):
            if key in schema:
                results = [self.check(document, part, value, at) for part in schema[key]]
                if all(results):
                    best = min(results, key=len)
                    problems.append(f"{at}: matches none of {key} ({best[0]})")
        kind = schema.get("type")
        if kind and not _is_type(value, kind):
            return problems + [f"{at}: expected {kind}, got {type(value).__name__} {value!r}"[:300]]
        if "enum" in schema and value not in schema["enum"]:
            problems.append(f"{at}: {value!r} is not one of {schema['enum']}")
        if isinstance(value, str):
            if len(value) < schema.get("minLength", 0) or len(value) > schema.get("maxLength", 10**9):
                problems.append(f"{at}: length {len(value)} outside the allowed range")
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            if "minimum" in schema and value < schema["minimum"]:
                problems.append(f"{at}: {value} is below the minimum {schema['minimum']}")
        if isinstance(value, dict):
            for name in schema.get("required", []):
                if name not in value:
                    problems.append(f"{at}: required field {name!r} is missing")
            properties = schema.get("properties") or {}
            for name, item in value.items():
                if name in properties:
                    problems += self.check(document, properties[name], item, f"{at}.{name}")
                elif schema.get("additionalProperties") is False and name not in BETA_FIELDS:
                    problems.append(f"{at}: field {name!r} is not allowed")
                elif isinstance(schema.get("additionalProperties"), dict):
                    problems += self.check(document, schema["additionalProperties"], item, f"{at}.{name}")
        if isinstance(value, list):
            if len(value) < schema.get("minItems", 0):
                problems.append(f"{at}: fewer than {schema['minItems']} items")
            for index, item in enumerate(value):
                problems += self.check(document, schema.get("items", {}), item, f"{at}[{index}]")
        return problems


def _is_type(value, kind: str) -> bool:
    if kind == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if kind == "number":
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    return isinstance(value, {"string": str, "boolean": bool, "object": dict, "array": list}.get(kind, object))


def _from_text(text: str, schema: dict, document: str, spec: Spec):
    """A query or path value converted to its described type, or an error."""
    kind = schema.get("type")
    try:
        if kind == "integer":
            return int(text), None
        if kind == "number":
            return float(text), None
        if kind == "boolean":
            if text not in ("true", "false"):
                return None, "not a boolean"
            return text == "true", None
        if kind == "array":
            item_schema = spec.deref(document, schema.get("items", {}))
            values = []
            for part in text.split(","):
                value, error = _from_text(part, item_schema, document, spec)
                if error:
                    return None, error
                values.append(value)
            return values, None
    except ValueError:
        return None, f"not a valid {kind}"
    return text, None


@cache
def load_spec() -> Spec:
    return Spec(SPEC_DIR)


# --- the fake store --------------------------------------------------------------------------


def _money(minor) -> str:
    return f"{minor / 100:.4f}"


# BigCommerce's order status ids and names (orders.v2.oas2.yml, GET /v2/order_statuses).
STATUSES = {0: "Incomplete", 1: "Pending", 2: "Shipped", 3: "Partially Shipped", 4: "Refunded",
            5: "Cancelled", 6: "Declined", 7: "Awaiting Payment", 8: "Awaiting Pickup", 9: "Awaiting Shipment",
            10: "Completed", 11: "Awaiting Fulfillment", 12: "Manual Verification Required", 13: "Disputed",
            14: "Partially Refunded"}
# Payment methods with no way back to the shopper's card: BigCommerce offers only store credit.
NO_CARD = {"storecredit": "Store Credit", "giftcertificate": "Gift Certificate"}


# Paths the fake refuses (403) to a token without their scope, as BigCommerce does (the store
# information and Settings V3: "Information & Settings", read-only is enough to read).
SCOPE_OF_PATH = {"/checkouts": "store_checkouts", "/store": "store_v2_information_read_only",
                 "/settings": "store_v2_information_read_only"}


def _parse_date(text: str) -> datetime:
    """A date filter as BigCommerce reads it: RFC 2822 or ISO 8601 (naive: UTC)."""
    try:
        moment = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _rfc2822(moment: datetime) -> str:
    return format_datetime(moment.replace(tzinfo=UTC), usegmt=True).replace("GMT", "+0000")


class FakeBigCommerce:
    def __init__(self, client_id: str, client_secret: str):
        self.spec = load_spec()
        self.client_id, self.client_secret = client_id, client_secret
        self.calls: list[dict] = []
        self.errors: list[str] = []
        self.failures: list[dict] = []
        self.codes: dict[str, tuple[str, str]] = {}
        self.tokens: dict[str, str] = {}
        self.scopes: dict[str, set[str]] = {}  # store hash -> the scopes its token was granted
        self.hooks: dict[int, dict] = {}
        self.scripts: dict[str, dict] = {}
        self.products: dict[int, dict] = {}
        self.variants: dict[int, dict] = {}
        self.available: dict[int, int] = {}
        self.orders: dict[int, dict] = {}
        self.order_products: dict[int, list[dict]] = {}
        self.refunds: dict[int, list[dict]] = {}
        self.carts: dict[str, dict] = {}
        self.checkout_coupons: dict[str, list[str]] = {}  # cart (checkout) id -> coupon codes applied
        self.coupons: list[dict] = []
        # The store as configured in its control panel: currency (transactional), display
        # currency of storefront orders, tax (a rate, and whether catalog prices include it), time zone.
        self.currency, self.display_currency = "USD", "USD"
        self.tax_rate, self.prices_include_tax = 0.0, False
        self.timezone = "America/Chicago"
        self.declines: list[str] = []  # messages of the next refund payments the provider declines
        self.lost_answers: list[dict] = []  # requests done, then answered 504 (the answer lost)
        self.adjustments: list[dict] = []  # relative inventory adjustments applied, in order
        # The store's inventory settings, as GET /v3/settings/inventory answers them: whether an
        # order edit moves stock, and whether cancelling restocks (the fake's stock follows both;
        # a refund never restocks, docs/stock-events.md). `update_stock_behavior` is only
        # answered: the fake's checkout always takes stock when the order is placed.
        self.edit_order_stock_adjustment = self.refund_order_stock_adjustment = True
        self.update_stock_behavior = "order_placed"
        self.rate_limit_headers = {"X-Rate-Limit-Requests-Left": "149", "X-Rate-Limit-Time-Reset-Ms": "30000",
                                   "X-Rate-Limit-Time-Window-Ms": "30000", "X-Rate-Limit-Requests-Quota": "150"}
        self._ids = itertools.count(1000)
        self.app = self._build()
        self.server = make_server("127.0.0.1", 0, self.app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self._thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)

    def start(self):
        self._thread.start()
        return self

    def stop(self):
        self.server.shutdown()
        self._thread.join(timeout=5)

    # --- arranging ---------------------------------------------------------------------------

    def authorize(self, store_hash: str, scope: str = "store_v2_orders store_v2_products") -> str:
        """An install code BigCommerce would hand the app's /auth callback."""
        code = uuid.uuid4().hex
        self.codes[code] = (store_hash, scope)
        return code

    def fail(self, method: str, path_pattern: str, status: int, times: int = 1, headers: dict | None = None,
             after: int = 0):
        """Answer the next `times` matching requests with `status` (429 carries rate-limit headers),
        once `after` matching requests have been answered normally."""
        if status == 429 and headers is None:
            headers = {"X-Rate-Limit-Requests-Left": "0", "X-Rate-Limit-Time-Reset-Ms": "1500",
                       "X-Rate-Limit-Time-Window-Ms": "30000"}
        self.failures.append({"method": method, "pattern": re.compile(path_pattern), "status": status,
                              "times": times, "headers": headers or {}, "after": after})

    def lose_answer(self, method: str, path_pattern: str, times: int = 1):
        """Do the next `times` matching requests, then answer 504 as a gateway whose upstream
        timed out would: the work is done, the caller never learns it."""
        self.lost_answers.append({"method": method, "pattern": re.compile(path_pattern), "times": times})

    def decline_next_refund(self, message: str = "Card expired"):
        """The payment provider declines the next refund: BigCommerce records it, `is_declined`."""
        self.declines.append(message)

    def add_product(self, product_id: int, name: str, price: int, variants: list[tuple[int, str, int]],
                    category: int = 23) -> None:
        """`variants`: (variant id, sku, units available to sell)."""
        self.products[product_id] = {
            "id": product_id, "name": name, "type": "physical", "sku": f"P{product_id}", "price": price / 100,
            "categories": [category], "inventory_tracking": "variant", "inventory_level": 0,
            "custom_url": {"url": f"/{name.lower().replace(' ', '-')}/", "is_customized": False},
            "primary_image": {"id": 1, "product_id": product_id, "url_standard": f"https://cdn.example/{product_id}.jpg"},
        }
        for variant_id, sku, available in variants:
            self.variants[variant_id] = {
                "id": variant_id, "product_id": product_id, "sku": sku, "price": price / 100,
                "calculated_price": price / 100, "inventory_level": available, "sku_id": variant_id,
                "option_values": [{"id": 1, "label": sku.split("-")[-1], "option_id": 1, "option_display_name": "Size"}],
            }
            self.available[variant_id] = available

    def add_order(self, order_id: int, lines: list[dict], *, customer_id: int = 7, status_id: int = 11,
                  email: str = "ada@example.com", cart_id: str = "", placed: datetime | None = None,
                  coupon_percent: int = 0, shipping: int = 0, payment_method: str = "braintree") -> dict:
        """`lines`: {variant_id, quantity, price (minor, as entered in the catalog: with tax when
        the store's prices include it), quantity_backordered?}. A coupon takes `coupon_percent`
        off every line (applied_discounts); tax is added at `tax_rate` unless prices include it.
        Returns the order."""
        placed = placed or datetime(2026, 11, 26, 11, 0)
        products, totals = [], {"inc": 0.0, "ex": 0.0}
        for line in lines:
            variant = self.variants[line["variant_id"]]
            entered = line["price"]
            if self.prices_include_tax:
                inc, ex = entered, entered / (1 + self.tax_rate)
            else:
                inc, ex = entered * (1 + self.tax_rate), entered
            quantity = line["quantity"]
            discount_inc = round(inc * quantity * coupon_percent / 100)
            product = {
                "id": next(self._ids), "order_id": order_id, "product_id": variant["product_id"],
                "variant_id": variant["id"], "name": self.products[variant["product_id"]]["name"],
                "sku": variant["sku"], "type": "physical", "quantity": quantity,
                "base_price": _money(entered), "price_ex_tax": _money(ex), "price_inc_tax": _money(inc),
                "price_tax": _money(inc - ex), "total_ex_tax": _money(ex * quantity),
                "total_inc_tax": _money(inc * quantity), "total_tax": _money((inc - ex) * quantity),
                "discounted_total_inc_tax": _money(inc * quantity - discount_inc),
                "applied_discounts": ([{"id": "coupon-1", "amount": _money(discount_inc), "name": "Coupon",
                                        "code": "SAVE", "target": "order"}] if discount_inc else []),
                "quantity_shipped": 0, "quantity_refunded": 0, "is_refunded": False, "refund_amount": "0.0000",
            }
            if "quantity_backordered" in line:
                product["quantity_backordered"] = line["quantity_backordered"]
            products.append(product)
            totals["inc"] += inc * quantity - discount_inc
            totals["ex"] += (ex * quantity) * (1 - coupon_percent / 100)
            if status_id != 0:  # an incomplete order has not taken stock
                self.available[variant["id"]] -= quantity
        total_inc = totals["inc"] + shipping
        order = {
            "id": order_id, "customer_id": customer_id, "status_id": status_id, "status": STATUSES[status_id],
            "date_created": _rfc2822(placed), "date_modified": _rfc2822(placed),
            "currency_code": self.display_currency, "default_currency_code": self.currency,
            "store_default_currency_code": self.currency, "currency_exchange_rate": "1.0000000000",
            "cart_id": cart_id, "payment_status": "captured", "customer_locale": "en",
            "payment_method": NO_CARD.get(payment_method, "Credit Card"), "payment_provider_id": payment_method,
            "store_credit_amount": _money(total_inc) if payment_method == "storecredit" else "0.0000",
            "gift_certificate_amount": _money(total_inc) if payment_method == "giftcertificate" else "0.0000",
            "is_tax_inclusive_pricing": self.prices_include_tax,
            "total_inc_tax": _money(total_inc), "total_ex_tax": _money(totals["ex"] + shipping),
            "subtotal_inc_tax": _money(totals["inc"]), "shipping_cost_inc_tax": _money(shipping),
            "items_total": sum(l["quantity"] for l in lines), "items_shipped": 0,
            "refunded_amount": "0.0000",
            "billing_address": {"first_name": "Ada", "last_name": "Lovelace", "email": email, "zip": "10001",
                                "country_iso2": "US"},
        }
        self.orders[order_id] = order
        self.order_products[order_id] = products
        return order

    def set_status(self, order_id: int, status_id: int) -> None:
        """The merchant (or the payment provider) moves an order on. Cancelling or declining puts
        the units not shipped back in stock, as BigCommerce does with the store's inventory setting
        "adjust stock when an order is refunded or cancelled" (`refund_order_stock_adjustment`) on."""
        order = self.orders[order_id]
        if status_id in (5, 6) and order["status_id"] not in (0, 5, 6) and self.refund_order_stock_adjustment:
            for product in self.order_products[order_id]:
                self.available[product["variant_id"]] += product["quantity"] - product["quantity_shipped"]
        order.update(status_id=status_id, status=STATUSES[status_id])
        self.touch(order_id)

    def touch(self, order_id: int) -> None:
        """BigCommerce moves an order's `date_modified` whenever anything changes it (the app's
        clock is the fake's: tests freeze it)."""
        self.orders[order_id]["date_modified"] = _rfc2822(clock.utcnow())

    def merchant_refund(self, order_id: int, order_product_id: int, quantity: int) -> dict:
        """The merchant refunds units in the BigCommerce control panel (no marker of ours)."""
        product = next(p for p in self.order_products[order_id] if p["id"] == order_product_id)
        return self._record_refund(order_id, [{"item_type": "PRODUCT", "item_id": order_product_id,
                                                "quantity": quantity, "reason": "Refunded by the merchant"}],
                                   self._product_amount(product, quantity),
                                   [{"provider_id": "braintree", "amount": 0, "offline": False}])

    def edit(self, order_id: int, changes: list[dict]) -> None:
        """An order edit (the app's PUT /v2/orders/{id}, or the merchant's in the control panel):
        `changes` as PUT's `products`: {id, quantity} sets an order product's quantity (0 removes
        it), {product_id, variant_id, quantity} adds one. With the store's inventory setting
        "adjust stock levels when an order is edited" (`edit_order_stock_adjustment`, on unless a
        test turns it off) the edit moves stock as checkout does: removed units return, added
        ones are taken."""
        products = self.order_products[order_id]
        moved = 1 if self.edit_order_stock_adjustment else 0
        for change in changes:
            if "id" in change:
                existing = next(p for p in products if p["id"] == change["id"])
                self.available[existing["variant_id"]] += (existing["quantity"] - change["quantity"]) * moved
                existing["quantity"] = change["quantity"]
                self._price_product(existing)
            else:
                variant = self.variants[change["variant_id"]]
                self.available[variant["id"]] -= change["quantity"] * moved
                product = {
                    "id": next(self._ids), "order_id": order_id, "product_id": change["product_id"],
                    "variant_id": variant["id"], "name": self.products[variant["product_id"]]["name"],
                    "sku": variant["sku"], "type": "physical", "quantity": change["quantity"],
                    "price_inc_tax": f"{variant['price']:.4f}", "price_ex_tax": f"{variant['price']:.4f}",
                    "base_price": f"{variant['price']:.4f}", "applied_discounts": [], "refund_amount": "0.0000",
                    "quantity_shipped": 0, "quantity_refunded": 0, "is_refunded": False,
                }
                self._price_product(product)
                products.append(product)
        self.order_products[order_id] = [p for p in products if p["quantity"] > 0]
        order = self.orders[order_id]
        order["items_total"] = sum(p["quantity"] for p in self.order_products[order_id])
        self.touch(order_id)

    @staticmethod
    def _price_product(product: dict) -> None:
        """An edited product's totals follow its quantity at its unit price (any discount it had
        scaled with it)."""
        quantity = product["quantity"]
        inc, ex = float(product["price_inc_tax"]), float(product["price_ex_tax"])
        before = float(product.get("total_inc_tax") or 0)
        discounted = float(product.get("discounted_total_inc_tax") or before)
        kept = discounted / before if before else 1.0
        product.update(total_inc_tax=_money(inc * quantity * 100), total_ex_tax=_money(ex * quantity * 100),
                       discounted_total_inc_tax=_money(inc * quantity * kept * 100))

    def ship(self, order_id: int, order_product_id: int, quantity: int) -> None:
        """A shipment of `quantity` units of one order product."""
        product = next(p for p in self.order_products[order_id] if p["id"] == order_product_id)
        product["quantity_shipped"] += quantity
        products = self.order_products[order_id]
        done = all(p["quantity_shipped"] >= p["quantity"] - p["quantity_refunded"] for p in products)
        self.orders[order_id].update(status_id=2 if done else 3, status=STATUSES[2 if done else 3])
        self.touch(order_id)

    def _product_amount(self, product: dict, quantity: int) -> float:
        """What BigCommerce refunds for `quantity` units of an order product: their share of the
        discounted total, tax included."""
        return round(float(product["discounted_total_inc_tax"]) * quantity / product["quantity"], 2)

    def _record_refund(self, order_id: int, items: list[dict], total: float, payments: list[dict]) -> dict:
        declined = self.declines.pop(0) if self.declines else ""
        if not declined:
            for item in items:
                if item["item_type"] == "PRODUCT":
                    product = next(p for p in self.order_products[order_id] if p["id"] == item["item_id"])
                    product["quantity_refunded"] += item["quantity"]
                    product["is_refunded"] = product["quantity_refunded"] >= product["quantity"]
                    product["refund_amount"] = _money(float(product["refund_amount"]) * 100
                                                      + self._product_amount(product, item["quantity"]) * 100)
            order = self.orders[order_id]
            order["refunded_amount"] = _money((float(order["refunded_amount"]) + total) * 100)
            everything = float(order["refunded_amount"]) >= float(order["total_inc_tax"]) - 0.005
            order.update(status_id=4 if everything else 14, status=STATUSES[4 if everything else 14])
            self.touch(order_id)
        refund = {"id": next(self._ids), "order_id": order_id, "user_id": 0, "created": "2026-11-26T12:00:00Z",
                  "reason": "", "total_amount": total, "total_tax": 0, "uses_merchant_override_values": False,
                  "items": [{k: v for k, v in item.items() if k not in ("amount", "adjustments")} | (
                      {"requested_amount": item["amount"]} if "amount" in item else {}) for item in items],
                  "payments": [{"id": next(self._ids), "provider_id": p["provider_id"], "amount": p["amount"] or total,
                                "offline": p.get("offline", False), "is_declined": bool(declined),
                                "declined_message": declined} for p in payments]}
        self.refunds.setdefault(order_id, []).append(refund)
        return refund

    def checkout(self, cart_id: str, order_id: int, *, shipping: int = 995, status_id: int = 11) -> dict:
        """The shopper checks out a cart in the storefront and pays: an order carrying the cart's
        id, its catalog items at their list price (tax added as for any order), shipping at `shipping`
        (minor units) unless a free-shipping coupon was applied to the checkout, every coupon
        applied used up once. The cart is gone afterwards, as BigCommerce converts it."""
        cart = self.carts.pop(cart_id)
        coupons = [c for c in self.coupons if c["code"] in self.checkout_coupons.pop(cart_id, [])]
        free_shipping = any(c["type"] == "free_shipping" for c in coupons)
        for coupon in coupons:
            coupon["num_uses"] += 1
        lines = [{"variant_id": item["variant_id"], "quantity": item["quantity"],
                  "price": round(item["list_price"] * 100)} for item in cart["line_items"]["physical_items"]]
        return self.add_order(order_id, lines, customer_id=cart["customer_id"], cart_id=cart_id,
                              shipping=0 if free_shipping else shipping, status_id=status_id)

    def calls_to(self, method: str, path_pattern: str) -> list[dict]:
        pattern = re.compile(path_pattern)
        return [c for c in self.calls if c["method"] == method and pattern.search(c["path"])]

    # --- the HTTP side -------------------------------------------------------------------------

    def _build(self) -> Flask:
        app = Flask("fake_bigcommerce")
        fake = self

        @app.before_request
        def check():
            body = request.get_json(silent=True) if request.data else None
            fake.calls.append({"method": request.method, "path": request.path, "query": request.args.to_dict(),
                               "json": body, "headers": dict(request.headers)})
            for failure in fake.failures:
                if failure["times"] > 0 and failure["method"] == request.method and failure["pattern"].search(request.path):
                    if failure["after"] > 0:
                        failure["after"] -= 1
                        continue
                    failure["times"] -= 1
                    return jsonify({"status": failure["status"], "title": "Injected failure"}), failure["status"], failure["headers"]
            if request.path == "/oauth2/token":
                return None
            match = re.match(r"^/stores/(\w+)/(v2|v3)(/.*)$", request.path)
            if not match:
                fake.errors.append(f"{request.method} {request.path}: not a BigCommerce API path")
                return jsonify({"status": 404, "title": "Not found"}), 404
            store_hash, version, path = match.groups()
            if request.headers.get("X-Auth-Token") != fake.tokens.get(store_hash):
                return jsonify({"status": 401, "title": "Unauthorized"}), 401
            needed = next((scope for prefix, scope in SCOPE_OF_PATH.items() if path.startswith(prefix)), None)
            if needed and needed not in fake.scopes.get(store_hash, set()):
                return jsonify({"status": 403, "title": f"This token lacks the scope {needed}"}), 403
            problems = fake.spec.check_request(version, request.method, path, request.args.to_dict(),
                                               request.headers, body, bool(request.data))
            if problems:
                fake.errors.extend(problems)
                return jsonify({"status": 400, "title": "; ".join(problems)[:1000]}), 400
            return None

        @app.after_request
        def answer(response):
            for lost in fake.lost_answers:
                if lost["times"] > 0 and lost["method"] == request.method and lost["pattern"].search(request.path):
                    lost["times"] -= 1
                    return app.response_class('{"status": 504, "title": "Gateway Timeout"}', status=504,
                                              mimetype="application/json")
            for name, value in fake.rate_limit_headers.items():
                response.headers.setdefault(name, value)
            match = re.match(r"^/stores/(\w+)/(v2|v3)(/.*)$", request.path)
            if match and response.status_code < 400 and response.is_json:
                fake.errors.extend(fake.spec.check_response(match.group(2), request.method, match.group(3),
                                                            response.status_code, response.get_json()))
            return response

        @app.post("/oauth2/token")
        def token():
            body = request.get_json(silent=True) or {}
            missing = [name for name in TOKEN_FIELDS if not body.get(name)]
            if missing:
                fake.errors.append(f"POST /oauth2/token: missing {missing}")
                return jsonify({"error": "invalid_request"}), 400
            if (body["client_id"], body["client_secret"]) != (fake.client_id, fake.client_secret) \
                    or body["grant_type"] != "authorization_code" or body["code"] not in fake.codes:
                return jsonify({"error": "invalid_grant"}), 400
            store_hash, scope = fake.codes.pop(body["code"])
            if body["context"] != f"stores/{store_hash}":
                return jsonify({"error": "invalid_grant"}), 400
            fake.tokens[store_hash] = "tok_" + uuid.uuid4().hex
            fake.scopes[store_hash] = set(scope.split())
            return jsonify({"access_token": fake.tokens[store_hash], "scope": scope,
                            "user": {"id": 24654, "username": "owner", "email": "owner@shop.example"},
                            "owner": {"id": 24654, "username": "owner", "email": "owner@shop.example"},
                            "context": f"stores/{store_hash}", "account_uuid": str(uuid.uuid4())})

        prefix = "/stores/<store_hash>"

        def page(items: list, wrap=True):
            number = int(request.args.get("page", 1))
            limit = int(request.args.get("limit", 50))
            chunk = items[(number - 1) * limit: number * limit]
            if not wrap:
                return chunk
            total_pages = max(1, -(-len(items) // limit))
            return {"data": chunk, "meta": {"pagination": {
                "total": len(items), "count": len(chunk), "per_page": limit, "current_page": number,
                "total_pages": total_pages, "links": {"current": f"?page={number}&limit={limit}"}}}}

        # webhooks
        @app.get(prefix + "/v3/hooks")
        def list_hooks(store_hash):
            return page(list(fake.hooks.values()))

        @app.post(prefix + "/v3/hooks")
        def create_hook(store_hash):
            hook = {"id": next(fake._ids), "client_id": fake.client_id, "store_hash": store_hash,
                    "created_at": 1764158400, "updated_at": 1764158400, "is_active": True, **request.json}
            fake.hooks[hook["id"]] = hook
            return {"data": hook, "meta": {}}

        @app.put(prefix + "/v3/hooks/<int:hook_id>")
        def update_hook(store_hash, hook_id):
            if hook_id not in fake.hooks:
                abort(404)
            fake.hooks[hook_id].update(request.json)
            return {"data": fake.hooks[hook_id], "meta": {}}

        # scripts
        def script_kind_problems(body: dict, stored: dict | None = None) -> list[str]:
            """The rules scripts.v3.yml gives in prose: a `src` script has `src` and no `html`; a
            `script_tag` one has `html`, no `src`, and load_method `default`."""
            script = {**(stored or {}), **body}
            if script.get("kind") == "src":
                problems = [] if script.get("src") else ["kind src needs src"]
                return problems + (["kind src takes no html"] if "html" in body else [])
            problems = [] if script.get("html") else ["kind script_tag needs html"]
            problems += ["kind script_tag takes no src"] if "src" in body else []
            return problems + ([] if script.get("load_method", "default") == "default"
                               else ["kind script_tag needs load_method default"])

        def rejected_script(problems: list[str]):
            fake.errors.extend(f"{request.method} {request.path}: {p}" for p in problems)
            return jsonify({"status": 422, "title": "; ".join(problems)}), 422

        @app.get(prefix + "/v3/content/scripts")
        def list_scripts(store_hash):
            return page(list(fake.scripts.values()))

        @app.post(prefix + "/v3/content/scripts")
        def create_script(store_hash):
            if problems := script_kind_problems(request.json):
                return rejected_script(problems)
            script = {"uuid": str(uuid.uuid4()), "api_client_id": fake.client_id,
                      "date_created": "2026-11-26T12:00:00Z", "date_modified": "2026-11-26T12:00:00Z", **request.json}
            fake.scripts[script["uuid"]] = script
            return {"data": script, "meta": {}}

        @app.put(prefix + "/v3/content/scripts/<script_uuid>")
        def update_script(store_hash, script_uuid):
            if script_uuid not in fake.scripts:
                return jsonify({"status": 404, "title": "Script not found"}), 404
            stored = fake.scripts[script_uuid]
            if problems := script_kind_problems(request.json, stored):
                return rejected_script(problems)
            if request.json.get("kind", stored.get("kind")) != stored.get("kind"):
                stored.pop("src" if stored.get("kind") == "src" else "html", None)  # the other kind's field
            stored.update(request.json)
            return {"data": fake.scripts[script_uuid], "meta": {}}

        # store information
        @app.get(prefix + "/v2/store")
        def store_information(store_hash):
            return {"id": store_hash, "domain": "shop.example", "secure_url": "https://shop.example",
                    "name": "Fake Shop", "status": "live", "language": "en", "currency": fake.currency,
                    "currency_symbol": "", "decimal_places": 2, "country_code": "US",
                    "timezone": {"name": fake.timezone, "raw_offset": -21600, "dst_offset": -18000,
                                 "dst_correction": True}}

        # settings
        @app.get(prefix + "/v3/settings/inventory")
        def inventory_settings(store_hash):
            return {"data": {
                "product_out_of_stock_behavior": "do_nothing", "option_out_of_stock_behavior": "do_nothing",
                "update_stock_behavior": fake.update_stock_behavior,
                "edit_order_stock_adjustment": fake.edit_order_stock_adjustment,
                "refund_order_stock_adjustment": fake.refund_order_stock_adjustment,
                "stock_level_display": "dont_show", "default_out_of_stock_message": "Currently out of stock",
                "hide_in_product_filtering": False, "show_pre_order_stock_levels": False,
                "show_out_of_stock_message": False}, "meta": {}}

        # catalog and inventory
        def id_filter(name):
            raw = request.args.get(name)
            return {int(part) for part in raw.split(",")} if raw else None

        @app.get(prefix + "/v3/catalog/products")
        def list_products(store_hash):
            wanted = id_filter("id:in")
            return page([p for p in fake.products.values() if wanted is None or p["id"] in wanted])

        @app.get(prefix + "/v3/catalog/variants")
        def list_variants(store_hash):
            wanted = id_filter("product_id:in")
            return page([v for v in fake.variants.values() if wanted is None or v["product_id"] in wanted])

        @app.get(prefix + "/v3/inventory/items")
        def inventory_items(store_hash):
            products, variants = id_filter("product_id:in"), id_filter("variant_id:in")
            items = [
                {"identity": {"sku": v["sku"], "variant_id": v["id"], "product_id": v["product_id"], "sku_id": v["id"]},
                 "locations": [{"location_id": 1, "location_code": "BC-LOCATION-1", "location_name": "Default location",
                                "available_to_sell": fake.available[v["id"]], "total_inventory_onhand": fake.available[v["id"]],
                                "location_enabled": True,
                                "settings": {"safety_stock": 0, "is_in_stock": fake.available[v["id"]] > 0,
                                             "warning_level": 0, "bin_picking_number": ""}}]}
                for v in fake.variants.values()
                if (products is None or v["product_id"] in products) and (variants is None or v["id"] in variants)
            ]
            return page(items)

        @app.post(prefix + "/v3/inventory/adjustments/relative")
        def relative_adjustment(store_hash):
            body = request.json
            unknown = [item for item in body["items"] if item.get("variant_id") not in fake.variants
                       or item.get("location_id") != 1]
            if unknown:
                return jsonify({"status": 422, "title": "Unknown item or location", "errors": {}}), 422
            for item in body["items"]:
                fake.available[item["variant_id"]] += item["quantity"]
            fake.adjustments.append(body)
            return {"transaction_id": uuid.uuid4().hex}

        # orders (V2)
        @app.get(prefix + "/v2/orders")
        def list_orders(store_hash):
            # The filters the app uses, as BigCommerce applies them (bounds inclusive), then the
            # sort ("field" or "field:asc|desc"; by id when not given), then the page.
            orders = list(fake.orders.values())
            for name, field, keep in (("min_id", "id", lambda v, b: v >= b), ("max_id", "id", lambda v, b: v <= b)):
                if name in request.args:
                    orders = [o for o in orders if keep(o[field], int(request.args[name]))]
            for name, field in (("min_date_created", "date_created"), ("max_date_created", "date_created"),
                                ("min_date_modified", "date_modified"), ("max_date_modified", "date_modified")):
                if name in request.args:
                    bound = _parse_date(request.args[name])
                    orders = [o for o in orders if (parsedate_to_datetime(o[field]) >= bound if name.startswith("min")
                                                    else parsedate_to_datetime(o[field]) <= bound)]
            field, _, direction = request.args.get("sort", "id").partition(":")
            key = (lambda o: parsedate_to_datetime(o[field])) if field.startswith("date_") else (lambda o: o[field])
            orders.sort(key=lambda o: (key(o), o["id"]), reverse=direction == "desc")
            chunk = page(orders, wrap=False)
            return (jsonify(chunk), 200) if chunk else ("", 204)

        @app.get(prefix + "/v2/orders/<int:order_id>")
        def get_order(store_hash, order_id):
            if order_id not in fake.orders:
                return jsonify([{"status": 404, "message": "The requested resource was not found."}]), 404
            return fake.orders[order_id]

        @app.put(prefix + "/v2/orders/<int:order_id>")
        def edit_order(store_hash, order_id):
            fake.edit(order_id, request.json.get("products", []))
            return fake.orders[order_id]

        @app.get(prefix + "/v2/orders/<int:order_id>/products")
        def order_products(store_hash, order_id):
            chunk = page(fake.order_products.get(order_id, []), wrap=False)
            return (jsonify(chunk), 200) if chunk else ("", 204)

        # refunds (V3)
        def quote_for(order_id, items):
            """The refund total BigCommerce computes for `items` (None: more than is refundable).
            Products are priced at their share of the discounted total, tax included; an item's
            adjustments (negative) reduce it."""
            order = fake.orders[order_id]
            products = {p["id"]: p for p in fake.order_products[order_id]}
            total = 0.0
            for item in items:
                if item["item_type"] == "PRODUCT":
                    product = products.get(item["item_id"])
                    if product is None or item["quantity"] > product["quantity"] - product["quantity_refunded"]:
                        return None
                    total += fake._product_amount(product, item["quantity"])
                else:
                    total += item["amount"]
                total += sum(a.get("amount", 0) for a in item.get("adjustments") or [])
            total = round(total, 2)
            if total < 0 or float(order["refunded_amount"]) + total > float(order["total_inc_tax"]) + 0.005:
                return None
            return total

        def refund_methods(order_id, total):
            provider = fake.orders[order_id].get("payment_provider_id", "braintree")
            credit = [{"provider_id": "storecredit", "provider_description": "Store Credit", "amount": total,
                       "offline": False, "offline_provider": False, "offline_reason": ""}]
            if provider in NO_CARD:
                return [credit]
            return [credit, [{"provider_id": provider, "provider_description": "Braintree (Visa 1111)",
                              "amount": total, "offline": False, "offline_provider": False, "offline_reason": ""}]]

        @app.post(prefix + "/v3/orders/<int:order_id>/payment_actions/refund_quotes")
        def refund_quote(store_hash, order_id):
            total = quote_for(order_id, request.json["items"])
            if total is None:
                return jsonify({"status": 422, "title": "Quantity exceeds the refundable quantity"}), 422
            return {"data": {
                "order_id": order_id, "total_refund_amount": total, "total_refund_tax_amount": 0,
                "order_level_refund_amount": 0, "rounding": 0, "adjustment": 0,
                "tax_inclusive": fake.prices_include_tax, "refund_methods": refund_methods(order_id, total)},
                "meta": {}}, 201

        @app.post(prefix + "/v3/orders/<int:order_id>/payment_actions/refunds")
        def create_refund(store_hash, order_id):
            body = request.json
            total = quote_for(order_id, body["items"])
            paid = round(sum(p["amount"] for p in body["payments"]), 2)
            if total is None or paid != total:
                return jsonify({"data": [{"status": 422, "title": "Refund amount does not match the quote"}]}), 422
            offered = {p["provider_id"] for method in refund_methods(order_id, total) for p in method}
            if any(p["provider_id"] not in offered for p in body["payments"]):
                return jsonify({"data": [{"status": 422, "title": "Payment provider not available"}]}), 422
            return {"data": fake._record_refund(order_id, body["items"], total, body["payments"]), "meta": {}}, 201

        @app.get(prefix + "/v3/orders/<int:order_id>/payment_actions/refunds")
        def list_refunds(store_hash, order_id):
            return {"data": fake.refunds.get(order_id, []), "meta": {}}

        # carts
        @app.post(prefix + "/v3/carts")
        def create_cart(store_hash):
            body = request.json
            cart_id = str(uuid.uuid4())
            physical = [{"id": str(uuid.uuid4()), "product_id": item["product_id"], "variant_id": item["variant_id"],
                         "quantity": item["quantity"], "list_price": item.get("list_price", 0),
                         "sku": fake.variants[item["variant_id"]]["sku"], "name": fake.products[item["product_id"]]["name"]}
                        for item in body.get("line_items", [])]
            custom = [{"id": str(uuid.uuid4()), **item} for item in body.get("custom_items", [])]
            cart = {"id": cart_id, "customer_id": body.get("customer_id", 0), "channel_id": 1,
                    "currency": body.get("currency", {"code": "USD"}), "tax_included": True,
                    "base_amount": sum(i["list_price"] * i["quantity"] for i in physical + custom),
                    "line_items": {"physical_items": physical, "digital_items": [], "gift_certificates": [],
                                   "custom_items": custom},
                    "created_time": "2026-11-26T12:00:00Z", "updated_time": "2026-11-26T12:00:00Z",
                    "locale": body.get("locale", "en")}
            fake.carts[cart_id] = cart
            return {"data": cart, "meta": {}}, 201

        @app.delete(prefix + "/v3/carts/<cart_id>")
        def delete_cart(store_hash, cart_id):
            if fake.carts.pop(cart_id, None) is None:
                return jsonify({"status": 404, "title": "Cart not found"}), 404
            fake.checkout_coupons.pop(cart_id, None)
            return "", 204

        # checkouts (a checkout's id is its cart's)
        @app.post(prefix + "/v3/checkouts/<cart_id>/coupons")
        def apply_coupon(store_hash, cart_id):
            cart = fake.carts.get(cart_id)
            if cart is None:
                return jsonify({"status": 404, "title": "Checkout not found"}), 404
            code = request.json["coupon_code"]
            coupon = next((c for c in fake.coupons if c["code"] == code), None)
            if coupon is None or not coupon.get("enabled", True) \
                    or coupon["num_uses"] >= (coupon.get("max_uses") or 10**9):
                return jsonify({"status": 400, "title": "The coupon code is not valid."}), 400
            applies_to = coupon.get("applies_to") or {}
            if applies_to.get("entity") == "products" and not any(
                    item["product_id"] in applies_to["ids"] for item in cart["line_items"]["physical_items"]):
                return jsonify({"status": 400, "title": "The coupon code does not apply to this cart."}), 400
            applied = fake.checkout_coupons.setdefault(cart_id, [])
            if code in applied:
                return jsonify({"status": 400, "title": "The coupon code is already applied."}), 400
            applied.append(code)
            subtotal = cart["base_amount"]
            return {"data": {
                "id": cart_id, "cart": {k: v for k, v in cart.items() if k != "locale"},
                "consignments": [], "taxes": [], "fees": [], "promotions": [],
                "coupons": [{"id": c["id"], "code": c["code"], "coupon_type": c["type"], "display_name": c["name"],
                             "discounted_amount": 0} for c in fake.coupons if c["code"] in applied],
                "shipping_cost_total_inc_tax": 0, "shipping_cost_total_ex_tax": 0,
                "handling_cost_total_inc_tax": 0, "handling_cost_total_ex_tax": 0, "tax_total": 0,
                "subtotal_inc_tax": subtotal, "subtotal_ex_tax": subtotal, "grand_total": subtotal,
                "created_time": cart["created_time"], "updated_time": cart["updated_time"], "version": 1},
                "meta": {}}

        @app.post(prefix + "/v3/carts/<cart_id>/redirect_urls")
        def redirect_urls(store_hash, cart_id):
            if cart_id not in fake.carts:
                abort(404)
            return {"data": {"cart_url": f"https://shop.example/cart.php?action=load&id={cart_id}",
                             "checkout_url": f"https://shop.example/cart.php?action=loadInCheckout&id={cart_id}",
                             "embedded_checkout_url": f"https://shop.example/cart.php?embedded=1&id={cart_id}"},
                    "meta": {}}, 201

        # coupons
        @app.get(prefix + "/v2/coupons")
        def list_coupons(store_hash):
            code = request.args.get("code")
            found = page([c for c in fake.coupons if code is None or c["code"] == code], wrap=False)
            return (jsonify(found), 200) if found else ("", 204)

        @app.post(prefix + "/v2/coupons")
        def create_coupon(store_hash):
            coupon = {"id": next(fake._ids), "date_created": _rfc2822(datetime(2026, 11, 26)), "num_uses": 0,
                      **request.json}
            fake.coupons.append(coupon)
            return coupon, 201

        return app


@pytest.fixture
def fake_bigcommerce():
    """A running fake BigCommerce; the test fails if any request broke the API descriptions."""
    fake = FakeBigCommerce(CLIENT_ID, CLIENT_SECRET).start()
    yield fake
    fake.stop()
    if fake.errors:
        pytest.fail("Requests that break BigCommerce's API descriptions:\n" + "\n".join(fake.errors))


# --- wiring the app to the fake --------------------------------------------------------------

CLIENT_ID, CLIENT_SECRET = "bd-client-id", "bd-client-secret-of-at-least-32-bytes"
SCOPES = ("store_v2_orders store_v2_products store_inventory store_v2_information_read_only store_content_checkout "
          "store_cart store_checkouts store_v2_marketing")


@pytest.fixture
def bigcommerce(app, fake_bigcommerce, monkeypatch):
    """The app pointed at the fake; the client's rate-limit and retry waits recorded, not slept."""
    for key, value in {"BIGCOMMERCE_API_URL": fake_bigcommerce.url, "BIGCOMMERCE_LOGIN_URL": fake_bigcommerce.url,
                       "BIGCOMMERCE_CLIENT_ID": CLIENT_ID, "BIGCOMMERCE_CLIENT_SECRET": CLIENT_SECRET}.items():
        monkeypatch.setitem(app.config, key, value)
    waits: list[float] = []
    monkeypatch.setattr("api.bigcommerce.client.sleep", waits.append)
    fake_bigcommerce.waits = waits
    return fake_bigcommerce


def install(client, fake: FakeBigCommerce, store_hash: str = "abc123"):
    code = fake.authorize(store_hash, SCOPES)
    return client.get("/bigcommerce/auth", query_string={"code": code, "scope": SCOPES,
                                                          "context": f"stores/{store_hash}"})


def webhook_secret(fake: FakeBigCommerce) -> str:
    secrets = {value for hook in fake.hooks.values() for value in (hook.get("headers") or {}).values()}
    assert len(secrets) == 1, secrets
    return secrets.pop()


def _shape(value):
    """A JSON value's keys and types, recursively: what a delivery must share with the sample."""
    if isinstance(value, dict):
        return {key: _shape(item) for key, item in value.items()}
    return type(value).__name__


@cache
def sample_payload(scope: str) -> dict | None:
    """BigCommerce's sample body for a webhook scope; None where its sample is empty
    (store/app/uninstalled)."""
    text = (SPEC_DIR / "webhook-payloads" / (scope.replace("/", "_") + ".json")).read_text()
    return json.loads(text) if text.strip() else None


def deliver(client, fake: FakeBigCommerce, scope: str, data: dict, *, store_hash: str = "abc123",
            delivery_hash: str | None = None, secret: str | None = None):
    payload = {"scope": scope, "store_id": "1025646", "data": data,
               "hash": delivery_hash or uuid.uuid4().hex, "created_at": 1764158400,
               "producer": f"stores/{store_hash}"}
    sample = sample_payload(scope)
    # A delivery no kinder than BigCommerce's: the keys and types of its published sample.
    assert sample is None or _shape(payload) == _shape(sample), (scope, _shape(payload), _shape(sample))
    headers = {"X-Backorder-Desk-Secret": secret if secret is not None else webhook_secret(fake)}
    return client.post("/bigcommerce/webhooks", json=payload, headers=headers)


def run_jobs(app) -> dict:
    from api.jobs import run_due_jobs

    with app.app_context():
        return run_due_jobs(app.extensions["database"])


@pytest.fixture
def session(app):
    """A reading session for inspecting state, outside any application context, so the app's
    requests and jobs keep their own (conftest's `session` pushes a context that requests would
    share). Call rollback() before reading again to see later changes."""
    with app.extensions["database"].session(write=False) as db_session:
        yield db_session
