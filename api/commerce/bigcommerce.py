"""The BigCommerce adapter of the commerce port: refunds through the V3 payment actions, order
edits through V2, payment requests as server-side carts with a checkout link, coupons through the
Marketing API. Each call is made inside the caller's transaction, after the order's row is
locked, so refunds on one order go one at a time as BigCommerce requires."""
import secrets
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.bigcommerce.client import BigCommerceClient, BigCommerceError
from api.bigcommerce.dates import bigcommerce_date
from api.bigcommerce.install import client_for
from api.bigcommerce.money import to_major, to_minor
from api.commerce import PaymentRequest, RefundResult
from api.domain import clock
from api.domain.backorders import PAY_LATER
from api.models import Line, Order, PaymentRequestRecord, Refund, Store, Variant

STORE_CREDIT = "storecredit"
COUPON_DAYS = 90


def _lock_order(session: Session, order: Order) -> None:
    """Serialize platform calls per order (FOR UPDATE on PostgreSQL; SQLite writers are serial)."""
    session.execute(select(Order.id).where(Order.id == order.id).with_for_update())


def _choose_method(quote: dict) -> list[dict] | None:
    """The way BigCommerce offers to pay the refund back: to the original online payment when it
    can; an offline one (the order was paid offline) otherwise; never silently as store credit."""
    methods = [m for m in quote.get("refund_methods") or [] if m]
    online = [m for m in methods if all(not p.get("offline") and p.get("provider_id") != STORE_CREDIT for p in m)]
    offline = [m for m in methods if all(p.get("offline") for p in m)]
    return (online or offline or [None])[0]


class BigCommerceAdapter:
    keeps_stock = True  # BigCommerce counts stock too: write-backs keep the two in agreement

    def refund(self, session: Session, store: Store, order: Order, line: Line, quantity: int,
               amount: int, *, key: str) -> RefundResult:
        """Quote, then refund, from the order holding the money: the line's own order, or the
        order that paid its payment cart. A cancelled or pay-later line refunds its order
        product's units (BigCommerce prices them); a switch refunds the price difference on the
        order; an unwanted payment gives its paying order back in full. The key travels in the
        refund's reason, so a retry after a lost answer finds the first refund instead of paying
        twice."""
        _lock_order(session, order)
        client = client_for(session, store)
        marker = f"Backorder Desk {key}"
        refund = session.scalar(select(Refund).where(Refund.key == key))
        reason = refund.reason if refund is not None else "cancel"
        paying = _paying_request(session, line, refund)
        order_id = paying.paid_order_id if paying is not None else order.order_id
        try:
            earlier = _refund_with_marker(client, order_id, marker)
            if earlier is not None:
                return RefundResult(confirmed=True, reference=str(earlier))
            if reason == "unwanted_payment":
                paid = client.get(f"/v2/orders/{order_id}")
                currency = paid.get("currency_code") or line.currency
                left = to_minor(paid.get("total_inc_tax"), currency) - to_minor(paid.get("refunded_amount"), currency)
                if left <= 0:
                    return RefundResult(confirmed=True, reference="refunded in the store admin")
                items = [{"item_type": "ORDER", "item_id": order_id, "amount": to_major(left, currency),
                          "reason": marker}]
            elif reason == "switch" or line.external_id is None:
                items = [{"item_type": "ORDER", "item_id": order_id,
                          "amount": to_major(amount, line.currency), "reason": marker}]
            else:
                item_id = paying.paid_item_id if paying is not None else line.external_id
                items = [{"item_type": "PRODUCT", "item_id": item_id, "quantity": quantity, "reason": marker}]
            quote = client.post(f"/v3/orders/{order_id}/payment_actions/refund_quotes",
                                {"items": items})["data"]
            method = _choose_method(quote)
            if method is None:
                return RefundResult(confirmed=False, error="BigCommerce offers no way to refund this payment; refund it in the store admin.")
            payments = [{"provider_id": p["provider_id"], "amount": p["amount"], "offline": bool(p.get("offline"))}
                        for p in method]
            answer = client.post(f"/v3/orders/{order_id}/payment_actions/refunds",
                                 {"items": items, "payments": payments})
        except BigCommerceError as error:
            return RefundResult(confirmed=False, error=str(error))
        return RefundResult(confirmed=True, reference=str(answer["data"]["id"]))

    def request_payment(self, session: Session, store: Store, order: Order, line: Line, quantity: int,
                        amount: int) -> PaymentRequest:
        """A cart for the shopper holding what they are asked to pay for, and its checkout link.
        The order placed from it carries the cart id, which is how the payment is recognised."""
        client = client_for(session, store)
        if line.payment_mode == PAY_LATER:
            item = {"line_items": [{"product_id": line.product_id, "variant_id": line.variant_id,
                                    "quantity": quantity,
                                    "list_price": to_major(amount, line.currency) / quantity}]}
        else:  # a price difference (a dearer switch): one custom item for the amount
            item = {"custom_items": [{"sku": f"BD-DIFF-{line.id}", "name": f"Price difference: {line.name}"[:250],
                                      "quantity": 1, "list_price": to_major(amount, line.currency)}]}
        body = {**item, "currency": {"code": line.currency}, "locale": order.locale or "en"}
        if order.customer_id:
            body["customer_id"] = order.customer_id
        cart = client.post("/v3/carts", body)["data"]
        urls = client.post(f"/v3/carts/{cart['id']}/redirect_urls", {})["data"]
        return PaymentRequest(url=urls["checkout_url"], reference=cart["id"])

    def switch_line(self, session: Session, store: Store, order: Order, old: Line, new: Line,
                    variant: Variant) -> None:
        """Edit the BigCommerce order: the old product's quantity to zero, the new variant added;
        the new line learns its order product id."""
        _lock_order(session, order)
        client = client_for(session, store)
        before = {p["id"] for p in client.v2_pages(f"/v2/orders/{order.order_id}/products")}
        products = [{"product_id": variant.product_id, "variant_id": variant.variant_id, "quantity": new.quantity}]
        if old.external_id is not None:
            products.insert(0, {"id": old.external_id, "product_id": old.product_id, "quantity": 0})
        client.put(f"/v2/orders/{order.order_id}", {"products": products})
        for product in client.v2_pages(f"/v2/orders/{order.order_id}/products"):
            if product["id"] not in before and product.get("variant_id") == variant.variant_id:
                new.external_id = product["id"]
                break

    def create_coupon(self, session: Session, store: Store, order: Order, line: Line,
                      percent_off: int | None, free_shipping: bool) -> str:
        """A single-use coupon (Marketing API) for the delayed shopper's next order."""
        client = client_for(session, store)
        code = "BD-" + secrets.token_hex(5).upper()
        body = {
            "name": f"Backorder Desk delay {order.order_id}-{line.id}"[:100],
            "code": code,
            "type": "free_shipping" if free_shipping else "percentage_discount",
            "amount": "0" if free_shipping else str(percent_off or 0),
            "applies_to": {"entity": "categories", "ids": [0]},  # 0: every category
            "enabled": True,
            "max_uses": 1,
            "max_uses_per_customer": 1,
            "expires": bigcommerce_date(clock.utcnow() + timedelta(days=COUPON_DAYS)),
        }
        client.post("/v2/coupons", body)
        return code


def _paying_request(session: Session, line: Line, refund: Refund | None) -> PaymentRequestRecord | None:
    """The payment request whose paying order holds the money this refund gives back: the one
    named by an unwanted-payment refund; for a paid pay-later line, the request that paid it
    (its own order's item was refunded when it moved to pay later). None: the line's order."""
    if refund is not None and refund.payment_pk is not None:
        return session.get(PaymentRequestRecord, refund.payment_pk)
    if refund is not None and refund.reason == "pay_later":
        return None
    return session.scalar(
        select(PaymentRequestRecord).where(
            PaymentRequestRecord.line_pk == line.id, PaymentRequestRecord.purpose == "pay_later",
            PaymentRequestRecord.status == "paid", PaymentRequestRecord.paid_order_id.is_not(None),
            PaymentRequestRecord.paid_item_id.is_not(None),
        ).order_by(PaymentRequestRecord.id.desc())
    )


def _refund_with_marker(client: BigCommerceClient, order_id: int, marker: str) -> int | None:
    answer = client.get(f"/v3/orders/{order_id}/payment_actions/refunds") or {}
    for refund in answer.get("data") or []:
        if any(marker in (item.get("reason") or "") for item in refund.get("items") or []):
            return refund["id"]
    return None
