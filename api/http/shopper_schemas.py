"""Request and response shapes of the shopper API: sessions, my orders, actions, restock alerts."""
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from api.http.schemas import POSITIVE, Alternative, Eta, Pagination, UtcDateTime

LOCALE = validate.Regexp(r"^[a-z]{2}(-[A-Z]{2})?$", error="A locale such as en or en-GB.")


class SessionIn(Schema):
    customer_jwt = fields.String(validate=validate.Length(min=1, max=8192),
                                 metadata={"description": "The BigCommerce current-customer JWT."})
    order_link = fields.String(validate=validate.Length(min=1, max=2048),
                               metadata={"description": "The signed order link from an email (guests)."})

    @validates_schema
    def one_credential(self, data, **kwargs):
        if ("customer_jwt" in data) == ("order_link" in data):
            raise ValidationError("Give customer_jwt or order_link (one of them).", "customer_jwt")


class SessionOut(Schema):
    token = fields.String(metadata={"description": "Send as Authorization: Bearer <token>."})
    expires_at = UtcDateTime()


class Action(Schema):
    allowed = fields.Boolean()
    reason = fields.String(allow_none=True, metadata={"description": "A stable code when not allowed."})


class CancelAction(Action):
    max_quantity = fields.Integer(metadata={"description": "Units that may be cancelled now."})
    refund_per_unit = fields.Integer(metadata={"description": "What cancelling one unit refunds, "
                                                "minor units (0 on a line not paid yet)."})


class Actions(Schema):
    cancel = fields.Nested(CancelAction)
    switch = fields.Nested(Action)
    pay_later = fields.Nested(Action)
    pay_now = fields.Nested(Action)


class LineAlternative(Alternative):
    price_difference = fields.Integer(metadata={"description": "What switching the whole line costs "
                                                "more (positive) or gives back (negative), minor units."})
    switch = fields.Nested(Action)


class QueuePlace(Schema):
    position = fields.Integer(metadata={"description": "1 = next to be served."})
    units_ahead = fields.Integer()
    quantity_waiting = fields.Integer()


class PaymentRequest(Schema):
    url = fields.String()
    amount = fields.Integer(metadata={"description": "Minor units."})
    currency = fields.String()
    status = fields.String(validate=validate.OneOf(["open", "paid", "expired", "cancelled"]))
    hold_until = UtcDateTime(allow_none=True, metadata={"description": "Units held until then."})


class TimelineEntry(Schema):
    kind = fields.String()
    at = UtcDateTime()
    data = fields.Dict()


class MyLine(Schema):
    id = fields.Integer()
    product_id = fields.Integer()
    variant_id = fields.Integer()
    name = fields.String()
    sku = fields.String()
    quantity = fields.Integer()
    quantity_backordered = fields.Integer()
    quantity_allocated = fields.Integer()
    quantity_shipped = fields.Integer()
    quantity_cancelled = fields.Integer()
    quantity_waiting = fields.Integer()
    state = fields.String(validate=validate.OneOf(
        ["waiting", "allocated", "awaiting_payment", "shipped", "cancelled", "switched"]))
    eta = fields.Nested(Eta, allow_none=True)
    queue = fields.Nested(QueuePlace, allow_none=True)
    payment_mode = fields.String(validate=validate.OneOf(["pay_now", "pay_later"]))
    unit_price = fields.Integer()
    currency = fields.String()
    payment_request = fields.Nested(PaymentRequest, allow_none=True)
    actions = fields.Nested(Actions)
    alternatives = fields.List(fields.Nested(LineAlternative))
    timeline = fields.List(fields.Nested(TimelineEntry))
    replaces_line_id = fields.Integer(allow_none=True, metadata={"description": "The line this one replaced in a switch."})


class MyOrder(Schema):
    order_id = fields.Integer()
    placed_at = UtcDateTime()
    currency = fields.String()
    cancel_until = UtcDateTime(allow_none=True, metadata={"description": "null = no limit"})
    lines = fields.List(fields.Nested(MyLine))


class MyLineSummary(Schema):
    id = fields.Integer()
    product_id = fields.Integer()
    variant_id = fields.Integer()
    name = fields.String()
    sku = fields.String()
    quantity = fields.Integer()
    quantity_backordered = fields.Integer()
    quantity_allocated = fields.Integer()
    quantity_shipped = fields.Integer()
    quantity_cancelled = fields.Integer()
    quantity_waiting = fields.Integer()
    state = fields.String()
    eta = fields.Nested(Eta, allow_none=True)
    payment_mode = fields.String()
    replaces_line_id = fields.Integer(allow_none=True, metadata={"description": "The line this one replaced in a switch."})


class MyOrderSummary(Schema):
    order_id = fields.Integer()
    placed_at = UtcDateTime()
    currency = fields.String()
    lines = fields.List(fields.Nested(MyLineSummary))


class MyOrderPage(Schema):
    items = fields.List(fields.Nested(MyOrderSummary))
    page = fields.Integer()
    per_page = fields.Integer()
    total = fields.Integer()


class MyOrdersQuery(Pagination):
    pass


class CancelIn(Schema):
    quantity = fields.Integer(validate=validate.Range(min=1, max=100_000),
                              metadata={"description": "Units to cancel; all that may be, when not given."})


class SwitchIn(Schema):
    variant_id = fields.Integer(required=True, validate=POSITIVE)


class PaymentModeIn(Schema):
    mode = fields.String(required=True, validate=validate.OneOf(["pay_later", "pay_now"]))


class Money(Schema):
    amount = fields.Integer()
    currency = fields.String()
    status = fields.String(metadata={"description": "confirmed, or pending while the platform is retried."})


class ActionOut(Schema):
    line_id = fields.Integer()
    quantity = fields.Integer()
    new_line_id = fields.Integer()
    price_difference = fields.Integer()
    payment_mode = fields.String()
    refund = fields.Nested(Money, allow_none=True)
    payment_request = fields.Nested(PaymentRequest, allow_none=True)
    order = fields.Nested(MyOrder)


class SubscriptionIn(Schema):
    variant_id = fields.Integer(required=True, validate=POSITIVE)
    email = fields.String(validate=validate.Length(min=3, max=320))
    phone = fields.String(validate=validate.Length(min=3, max=32),
                          metadata={"description": "E.164, e.g. +14155550123."})
    locale = fields.String(load_default="en", validate=LOCALE)

    @validates_schema
    def one_contact(self, data, **kwargs):
        if ("email" in data) == ("phone" in data):
            raise ValidationError("Give email or phone (one of them).", "email")


class SubscriptionOut(Schema):
    variant_id = fields.Integer()
    status = fields.String(validate=validate.OneOf(["active"]))
    channel = fields.String(validate=validate.OneOf(["email", "sms"]))


class UnsubscribeOut(Schema):
    status = fields.String(validate=validate.OneOf(["unsubscribed"]))
    variant_id = fields.Integer()
