"""Request and response shapes of the shopper API: sessions, my orders, actions, restock alerts."""
from marshmallow import Schema, fields, validate

from api.http.schemas import POSITIVE, Body, Alternative, Eta, Pagination, StrictBoolean, StrictInteger, UtcDateTime

LOCALE = validate.Regexp(r"^[a-z]{2}(-[A-Z]{2})?$", error="A locale such as en or en-GB.")


class SessionIn(Body):
    exactly_one_of = ("customer_jwt", "order_link")

    customer_jwt = fields.String(validate=validate.Length(min=1, max=8192),
                                 metadata={"description": "The BigCommerce current-customer JWT."})
    order_link = fields.String(validate=validate.Length(min=1, max=2048),
                               metadata={"description": "The signed order link from an email (guests)."})


class SessionOut(Schema):
    token = fields.String(metadata={"description": "Send as Authorization: Bearer <token>."})
    expires_at = UtcDateTime()


class Action(Schema):
    allowed = StrictBoolean()
    reason = fields.String(allow_none=True, metadata={"description": "A stable code when not allowed."})


class CancelAction(Action):
    max_quantity = StrictInteger(metadata={"description": "Units that may be cancelled now."})
    refund_per_unit = StrictInteger(metadata={"description": "What cancelling one unit refunds, "
                                              "minor units (0 on a line not paid yet)."})


class Actions(Schema):
    cancel = fields.Nested(CancelAction)
    switch = fields.Nested(Action)
    pay_later = fields.Nested(Action)
    pay_now = fields.Nested(Action)


class LineAlternative(Alternative):
    price_difference = StrictInteger(metadata={"description": "What switching the whole line costs "
                                                "more (positive) or gives back (negative), minor units."})
    switch = fields.Nested(Action)


class QueuePlace(Schema):
    position = StrictInteger(metadata={"description": "1 = next to be served."})
    units_ahead = StrictInteger()
    quantity_waiting = StrictInteger()


class PaymentRequest(Schema):
    url = fields.String()
    amount = StrictInteger(metadata={"description": "Minor units."})
    currency = fields.String()
    status = fields.String(validate=validate.OneOf(["open", "paid", "expired", "cancelled"]))
    hold_until = UtcDateTime(allow_none=True, metadata={"description": "Units held until then: the deadline to pay."})
    purpose = fields.String(validate=validate.OneOf(["pay_later", "switch_difference"]),
                            metadata={"description": "What is paid: a pay-later line, or a dearer switch's difference."})


class TimelineEntry(Schema):
    kind = fields.String()
    at = UtcDateTime()
    data = fields.Dict()


class MyLine(Schema):
    id = StrictInteger()
    product_id = StrictInteger()
    variant_id = StrictInteger()
    name = fields.String()
    sku = fields.String()
    quantity = StrictInteger()
    quantity_backordered = StrictInteger()
    quantity_allocated = StrictInteger()
    quantity_shipped = StrictInteger()
    quantity_cancelled = StrictInteger()
    quantity_waiting = StrictInteger()
    state = fields.String(validate=validate.OneOf(
        ["waiting", "allocated", "awaiting_payment", "shipped", "cancelled", "switched"]))
    eta = fields.Nested(Eta, allow_none=True)
    reason = fields.String(metadata={"description": "Why it is backordered, in the order's language; empty when not waiting or none given."})
    queue = fields.Nested(QueuePlace, allow_none=True)
    payment_mode = fields.String(validate=validate.OneOf(["pay_now", "pay_later"]))
    unit_price = StrictInteger()
    currency = fields.String()
    payment_request = fields.Nested(PaymentRequest, allow_none=True)
    actions = fields.Nested(Actions)
    alternatives = fields.List(fields.Nested(LineAlternative))
    timeline = fields.List(fields.Nested(TimelineEntry))
    replaces_line_id = StrictInteger(allow_none=True, metadata={"description": "The line this one replaced in a switch."})


class MyOrder(Schema):
    order_id = StrictInteger()
    placed_at = UtcDateTime()
    currency = fields.String()
    cancel_until = UtcDateTime(allow_none=True, metadata={"description": "null = no limit"})
    lines = fields.List(fields.Nested(MyLine))


class MyLineSummary(Schema):
    id = StrictInteger()
    product_id = StrictInteger()
    variant_id = StrictInteger()
    name = fields.String()
    sku = fields.String()
    quantity = StrictInteger()
    quantity_backordered = StrictInteger()
    quantity_allocated = StrictInteger()
    quantity_shipped = StrictInteger()
    quantity_cancelled = StrictInteger()
    quantity_waiting = StrictInteger()
    state = fields.String()
    eta = fields.Nested(Eta, allow_none=True)
    payment_mode = fields.String()
    replaces_line_id = StrictInteger(allow_none=True, metadata={"description": "The line this one replaced in a switch."})


class MyOrderSummary(Schema):
    order_id = StrictInteger()
    placed_at = UtcDateTime()
    currency = fields.String()
    lines = fields.List(fields.Nested(MyLineSummary))


class MyOrderPage(Schema):
    items = fields.List(fields.Nested(MyOrderSummary))
    page = StrictInteger()
    per_page = StrictInteger()
    total = StrictInteger()


class MyOrdersQuery(Pagination):
    pass


class CancelIn(Schema):
    quantity = StrictInteger(validate=validate.Range(min=1, max=100_000),
                              metadata={"description": "Units to cancel; all that may be, when not given."})


class SwitchIn(Schema):
    variant_id = StrictInteger(required=True, validate=POSITIVE)


class PaymentModeIn(Schema):
    mode = fields.String(required=True, validate=validate.OneOf(["pay_later", "pay_now"]))


class Money(Schema):
    amount = StrictInteger()
    currency = fields.String()
    status = fields.String(metadata={"description": "confirmed, or pending while the platform is retried."})


class ActionOut(Schema):
    line_id = StrictInteger()
    quantity = StrictInteger()
    new_line_id = StrictInteger()
    price_difference = StrictInteger()
    payment_mode = fields.String()
    refund = fields.Nested(Money, allow_none=True)
    payment_request = fields.Nested(PaymentRequest, allow_none=True)
    order = fields.Nested(MyOrder)


class SubscriptionIn(Body):
    exactly_one_of = ("email", "phone")

    variant_id = StrictInteger(required=True, validate=POSITIVE)
    email = fields.String(validate=validate.Length(min=3, max=320))
    phone = fields.String(validate=validate.Length(min=3, max=32),
                          metadata={"description": "E.164, e.g. +14155550123."})
    locale = fields.String(load_default="en", validate=LOCALE)


class SubscriptionOut(Schema):
    variant_id = StrictInteger()
    status = fields.String(validate=validate.OneOf(["active"]))
    channel = fields.String(validate=validate.OneOf(["email", "sms"]))


class UnsubscribeOut(Schema):
    status = fields.String(validate=validate.OneOf(["unsubscribed"]))
    variant_id = StrictInteger()
