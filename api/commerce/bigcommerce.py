"""The BigCommerce adapter of the commerce port: refunds through the V3 payment actions, order
edits through V2, payment requests as server-side carts with a checkout link (and a free-shipping
coupon on the checkout), coupons through the Marketing API. Refunds and order edits are prepared
in a transaction and made after it ends, by a due job (one at a time per job run, so refunds on
one order go one at a time as BigCommerce requires); none is ever sent again before looking
whether the first attempt did it."""
import secrets
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.bigcommerce.client import BigCommerceClient, BigCommerceError
from api.bigcommerce.dates import bigcommerce_date
from api.bigcommerce.install import client_for, installation_of
from api.bigcommerce.money import to_major, to_minor
from api.bigcommerce.settings import platform_stock
from api.commerce import (
    EditCall, EditResult, PaymentCall, PaymentRequest, PlatformStock, RefundCall, RefundResult,
)
from api.domain import clock
from api.domain.shopper import scaled
from api.models import Line, Order, OrderEdit, PaymentRequestRecord, Refund, Store

STORE_CREDIT = "storecredit"
COUPON_DAYS = 90


def _choose_method(quote: dict) -> list[dict] | None:
    """The way BigCommerce offers to pay the refund back: to the original online payment when it
    can; an offline one (the order was paid offline) otherwise; never silently as store credit."""
    methods = [m for m in quote.get("refund_methods") or [] if m]
    online = [m for m in methods if all(not p.get("offline") and p.get("provider_id") != STORE_CREDIT for p in m)]
    offline = [m for m in methods if all(p.get("offline") for p in m)]
    return (online or offline or [None])[0]


class BigCommerceAdapter:
    keeps_stock = True  # BigCommerce counts stock too: write-backs keep the two in agreement

    def platform_stock(self, session: Session, store: Store) -> PlatformStock:
        """As the store's inventory settings say (api/bigcommerce/settings.py)."""
        return platform_stock(installation_of(session, store))

    def refund_call(self, session: Session, store: Store, refund: Refund) -> RefundCall:
        """From the order holding the money: the line's own order, or the order that paid its
        payment cart. A cancelled or pay-later line refunds its order product's units, never
        more than was paid for them; a switch refunds the price difference on the order; an
        unwanted payment gives its paying order back in full. The key travels in the refund's
        reason: before asking, and after an answer lost, the order's refunds are searched for it,
        so a refund is never paid twice. A refund under the key that the provider declined moved
        no money: once its decline is recorded (`refund.reference`), the merchant's retry asks
        again. Failures are final (`final=True`) unless asking again may help: no answer, a
        server error, a gateway down, rate limited or busy (see `_transient`)."""
        line = refund.line
        client = client_for(session, store)
        paying = _paying_request(session, line, refund)
        order_id = paying.paid_order_id if paying is not None else line.order.order_id
        marker = f"Backorder Desk {refund.key}"
        currency, amount, known_decline = refund.currency, refund.amount, refund.reference
        if refund.reason == "unwanted_payment":
            item = None
        elif refund.reason == "switch" or line.external_id is None:
            item = {"item_type": "ORDER", "item_id": order_id, "amount": to_major(amount, currency), "reason": marker}
        else:
            item_id = paying.paid_item_id if paying is not None else line.external_id
            item = {"item_type": "PRODUCT", "item_id": item_id, "quantity": refund.quantity, "reason": marker}

        def call() -> RefundResult:
            try:
                earlier = _refund_with_marker(client, order_id, marker, known_decline)
                if earlier is not None:
                    return _outcome(earlier, currency)
                items = [item] if item is not None else _whole_order(client, order_id, currency, marker)
                if not items:
                    return RefundResult(confirmed=True, reference="refunded in the store admin", amount=0)
                quote = _quote(client, order_id, items)
                quoted = to_minor(quote.get("total_refund_amount"), currency)
                if items[0]["item_type"] == "PRODUCT" and quoted > amount:
                    # BigCommerce would give back more than the shopper paid for these units.
                    items = [{**items[0], "adjustments": [{"amount": to_major(amount - quoted, currency),
                                                           "description": "Discount on these units"}]}]
                    quote = _quote(client, order_id, items)
                method = _choose_method(quote)
                if method is None:
                    return RefundResult(confirmed=False, final=True, error=(
                        "BigCommerce offers no way to refund this payment to the shopper (store credit "
                        "or gift certificate); refund it in the store admin."))
                payments = [{"provider_id": p["provider_id"], "amount": p["amount"],
                             "offline": bool(p.get("offline"))} for p in method]
                try:
                    answer = client.post(f"/v3/orders/{order_id}/payment_actions/refunds",
                                         {"items": items, "payments": payments})["data"]
                except BigCommerceError as error:
                    answer = (_refund_with_marker(client, order_id, marker, known_decline)
                              if error.outcome_unknown else None)
                    if answer is None:
                        raise
                return _outcome(answer, currency)
            except BigCommerceError as error:
                return RefundResult(confirmed=False, error=str(error), final=not _transient(error))

        return call

    def payment_call(self, session: Session, store: Store, payment: PaymentRequestRecord) -> PaymentCall:
        """A cart for the shopper holding what they are asked to pay for, and its checkout link.
        Prices go in without tax, the discount the shopper had already taken off: checkout adds
        the tax, once. The order placed from it carries the cart id, which is how the payment is
        recognised.

        A pay-later cart's checkout carries a single-use free-shipping coupon (Marketing API,
        applied with the Checkouts API): the shopper paid shipping with the original order. Its
        code is chosen here, in the transaction that claims the request, so every attempt uses
        the same one; it is looked up before it is made, so it is made once.

        A cart is made anew on each attempt. When a later step fails, the cart just made is
        deleted. When the answer to the cart itself is lost, that cart cannot be found (carts
        cannot be listed): it is harmless, for nobody has its id or link, it carries no coupon,
        no order can pay the request through it, and BigCommerce deletes it once it expires."""
        client = client_for(session, store)
        line, order, quantity, amount = payment.line, payment.line.order, payment.quantity, payment.amount
        without_tax = scaled(amount, line.unit_price, line.unit_price_ex_tax or line.unit_price)
        if payment.purpose == "pay_later":
            item = {"line_items": [{"product_id": line.product_id, "variant_id": line.variant_id,
                                    "quantity": quantity,
                                    "list_price": to_major(without_tax, line.currency) / quantity}]}
            if not payment.coupon_code:
                payment.coupon_code = f"BD-SHIP-{secrets.token_hex(8).upper()}"
            # For this product only: a code the shopper sees at checkout buys nothing elsewhere.
            coupon = _coupon_body(f"Backorder Desk shipping paid {order.order_id}-{line.id}",
                                  payment.coupon_code, free_shipping=True, product_id=line.product_id)
        else:  # a price difference (a dearer switch): one custom item for the amount
            item = {"custom_items": [{"sku": f"BD-DIFF-{line.id}", "name": f"Price difference: {line.name}"[:250],
                                      "quantity": 1, "list_price": to_major(without_tax, line.currency)}]}
            coupon = None
        body = {**item, "currency": {"code": line.currency}, "locale": order.locale or "en"}
        if order.customer_id:
            body["customer_id"] = order.customer_id

        def call() -> PaymentRequest:
            if coupon is not None:
                _make_coupon(client, coupon)
            cart = client.post("/v3/carts", body)["data"]
            try:
                if coupon is not None:
                    client.post(f"/v3/checkouts/{cart['id']}/coupons", {"coupon_code": coupon["code"]})
                urls = client.post(f"/v3/carts/{cart['id']}/redirect_urls", {})["data"]
            except BigCommerceError:
                _delete_cart(client, cart["id"])
                raise
            return PaymentRequest(url=urls["checkout_url"], reference=cart["id"])

        return call

    def edit_call(self, session: Session, store: Store, edit: OrderEdit) -> EditCall:
        """The order edit: the old product's quantity down by the line's units, the new variant
        added. Before sending, and after an answer lost, the order's products are read: the new
        variant there as a product none of our lines has means the edit was made, and is not made
        again."""
        client = client_for(session, store)
        order_id, old, new = edit.old_line.order.order_id, edit.old_line, edit.new_line
        ours = {line.external_id for line in edit.old_line.order.lines if line.external_id is not None}
        products = [{"product_id": new.product_id, "variant_id": new.variant_id, "quantity": new.quantity}]
        if old.external_id is not None:
            # The old product keeps what other lines still count of it (units the merchant added
            # to it in the store admin are a line of their own): zero when the line was all of it.
            kept = sum(line.quantity - line.quantity_cancelled for line in old.order.lines
                       if line.external_id == old.external_id and line.id != old.id)
            products.insert(0, {"id": old.external_id, "product_id": old.product_id, "quantity": kept})

        def made() -> int | None:
            for product in client.v2_pages(f"/v2/orders/{order_id}/products"):
                if product.get("variant_id") == new.variant_id and product["id"] not in ours:
                    return product["id"]
            return None

        def call() -> EditResult:
            try:
                item_id = made()
                if item_id is None:
                    try:
                        client.put(f"/v2/orders/{order_id}", {"products": products})
                    except BigCommerceError as error:
                        if not error.outcome_unknown:
                            raise
                    item_id = made()
                if item_id is None:
                    return EditResult(done=False, error="BigCommerce did not confirm the order edit.")
                return EditResult(done=True, new_item_id=item_id)
            except BigCommerceError as error:
                return EditResult(done=False, error=str(error))

        return call

    def coupon_call(self, session: Session, store: Store, order: Order, line: Line, code: str,
                    percent_off: int | None, free_shipping: bool):
        """A single-use coupon (Marketing API) for the delayed shopper's next order. Looked up by
        its code before it is made, and after an answer lost, so it is never made twice."""
        client = client_for(session, store)
        body = _coupon_body(f"Backorder Desk delay {order.order_id}-{line.id}", code,
                            free_shipping=free_shipping, percent_off=percent_off)
        return lambda: _make_coupon(client, body)


def _coupon_body(name: str, code: str, *, free_shipping: bool, percent_off: int | None = None,
                 product_id: int | None = None) -> dict:
    """A single-use coupon: for one product, or (`product_id` None) for anything in the store."""
    return {
        "name": name[:100],
        "code": code,
        "type": "free_shipping" if free_shipping else "percentage_discount",
        "amount": "0" if free_shipping else str(percent_off or 0),
        "applies_to": ({"entity": "products", "ids": [product_id]} if product_id is not None
                       else {"entity": "categories", "ids": [0]}),  # 0: every category
        "enabled": True,
        "max_uses": 1,
        "max_uses_per_customer": 1,
        "expires": bigcommerce_date(clock.utcnow() + timedelta(days=COUPON_DAYS)),
    }


def _make_coupon(client: BigCommerceClient, body: dict) -> None:
    """Make the coupon unless it exists: looked up by its code first, and after an answer lost."""
    def made() -> bool:
        return bool(client.get("/v2/coupons", {"code": body["code"]}))

    if made():
        return
    try:
        client.post("/v2/coupons", body)
    except BigCommerceError as error:
        if not (error.outcome_unknown and made()):
            raise


def _delete_cart(client: BigCommerceClient, cart_id: str) -> None:
    """A cart made by an attempt that failed after it: nobody gets its link, so it goes (if this
    fails too, it is left to expire: it moves no money and cannot pay the request)."""
    try:
        client.request("DELETE", f"/v3/carts/{cart_id}")
    except BigCommerceError:
        pass


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


def _transient(error: BigCommerceError) -> bool:
    """Asking again later may help: no answer (the marker is looked for first), a server or
    gateway error, rate limited, or another refund of the order still being processed (409).
    Any other refusal (422: more than is left to refund, a guest's store credit; 401/403: the
    app lost its access) gets the same answer until someone acts: the merchant is told at once."""
    return error.outcome_unknown or error.status in (408, 409, 429)


def _declined(refund: dict) -> bool:
    return any(p.get("is_declined") for p in refund.get("payments") or [])


def _refund_with_marker(client: BigCommerceClient, order_id: int, marker: str, known_decline: str = "") -> dict | None:
    """What an earlier attempt under `marker` got: a refund that moved money, if any (never pay
    again); otherwise a decline newer than `known_decline` (the id of the decline already
    recorded), which answers an attempt whose reply was lost; None when nothing is to be found."""
    answer = client.get(f"/v3/orders/{order_id}/payment_actions/refunds") or {}
    ours = [r for r in answer.get("data") or []
            if any(marker in (item.get("reason") or "") for item in r.get("items") or [])]
    paid = [r for r in ours if not _declined(r)]
    if paid:
        return paid[0]
    seen = int(known_decline) if known_decline.isdigit() else 0
    fresh = [r for r in ours if int(r["id"]) > seen]
    return fresh[-1] if fresh else None


def _outcome(refund: dict, currency: str) -> RefundResult:
    """A refund BigCommerce holds: made, with the amount it gave back, unless the payment
    provider declined it (a decline is final: asking again at once gets the same answer; the
    merchant retries once the cause is settled)."""
    declined = [p for p in refund.get("payments") or [] if p.get("is_declined")]
    if declined:
        message = "; ".join(p.get("declined_message") or "declined" for p in declined)
        return RefundResult(confirmed=False, final=True, reference=str(refund["id"]),
                            error=f"The payment provider declined the refund: {message}")
    total = refund.get("total_amount")
    return RefundResult(confirmed=True, reference=str(refund["id"]),
                        amount=to_minor(total, currency) if total is not None else None)


def _quote(client: BigCommerceClient, order_id: int, items: list[dict]) -> dict:
    return client.post(f"/v3/orders/{order_id}/payment_actions/refund_quotes", {"items": items})["data"]


def _whole_order(client: BigCommerceClient, order_id: int, currency: str, marker: str) -> list[dict]:
    """What is left of a paying order to give back: one ORDER item, or none."""
    paid = client.get(f"/v2/orders/{order_id}")
    left = to_minor(paid.get("total_inc_tax"), currency) - to_minor(paid.get("refunded_amount"), currency)
    if left <= 0:
        return []
    return [{"item_type": "ORDER", "item_id": order_id, "amount": to_major(left, currency), "reason": marker}]
