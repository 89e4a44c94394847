"""Request and response shapes (marshmallow), shared by the blueprints and the OpenAPI document."""
import re
from datetime import UTC, date, datetime

from marshmallow import Schema, ValidationError, fields, post_load, validate, validates_schema

from api.domain import clock
from api.domain.backorders import MAX_ON_HAND
from api.domain.reasons import CODES as REASON_CODES

CURRENCY = validate.Regexp(r"^[A-Z]{3}$", error="An ISO 4217 code in capitals, such as USD.")
# Ids and money reach the widget as JSON numbers, so they stay within what JavaScript holds
# exactly; a quantity given in one request fits a 32-bit column (MAX_UNITS), while the stock on
# hand, which receipts add up, is 64-bit up to MAX_ON_HAND. Past these, 422 rather than a 500.
MAX_SAFE_INTEGER = 2**53 - 1
MAX_UNITS = 10_000_000
MAX_ROW_ID = 2**31 - 1  # our own rows' ids (inbound shipments, lines) are 32-bit
NON_NEGATIVE = validate.Range(min=0, max=MAX_SAFE_INTEGER)
POSITIVE = validate.Range(min=1, max=MAX_SAFE_INTEGER)
UNITS = validate.Range(min=0, max=MAX_UNITS)
ON_HAND = validate.Range(min=0, max=MAX_ON_HAND)  # what responses declare (and hold)
MAX_LINE_QUANTITY = 100_000
# A price this high times a line's largest quantity still fits a JSON-safe integer, so no refund,
# price difference or payment request computed from it can overflow the database (a 500).
PRICE = validate.Range(min=0, max=MAX_SAFE_INTEGER // MAX_LINE_QUANTITY)


class StrictInteger(fields.Integer):
    """A JSON integer, nothing else: "1", 1.5 and true are refused rather than read as 1. (Query
    parameters, which are text, use fields.Integer.)"""

    def __init__(self, **kwargs):
        super().__init__(strict=True, **kwargs)


# Dates entering the app (inbound shipments, orders' placement) lie between EARLIEST and
# MAX_YEARS_AHEAD years from today, so the ETA arithmetic on them (plus handling and lead days,
# each at most 10 years) stays far inside the calendar.
EARLIEST = date(2000, 1, 1)
MAX_YEARS_AHEAD = 10


def _latest() -> date:
    today = clock.today()
    try:
        return today.replace(year=today.year + MAX_YEARS_AHEAD)
    except ValueError:  # 29 February
        return today.replace(year=today.year + MAX_YEARS_AHEAD, day=28)


def _in_bounds(value) -> None:
    day = value.date() if isinstance(value, datetime) else value
    if not EARLIEST <= day <= _latest():
        raise ValidationError(f"Between {EARLIEST.isoformat()} and {MAX_YEARS_AHEAD} years from today.")


class Body(Schema):
    """A request body with rules across its fields, enforced here and stated in the OpenAPI
    document (api.http.contract): `exactly_one_of` names fields of which exactly one must be
    given, `at_least_one_of` fields of which one or more must be; `not_empty` refuses {} (a PATCH
    that would change nothing)."""

    exactly_one_of: tuple[str, ...] = ()
    at_least_one_of: tuple[str, ...] = ()
    not_empty = False

    @validates_schema
    def _across_fields(self, data, **kwargs):
        given = [name for name in self.exactly_one_of if name in data]
        if self.exactly_one_of and len(given) != 1:
            raise ValidationError(f"Give exactly one of {' or '.join(self.exactly_one_of)}.",
                                  self.exactly_one_of[0])
        if self.at_least_one_of and not any(name in data for name in self.at_least_one_of):
            raise ValidationError(f"Give {' or '.join(self.at_least_one_of)}.", self.at_least_one_of[0])
        if self.not_empty and not data:
            raise ValidationError("Give at least one field to change.")


class StrictBoolean(fields.Boolean):
    """A JSON true or false: 0, 1, "yes" and "on" are refused."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, bool):
            raise self.make_error("invalid", input=value)
        return value


class StrictNumber(fields.Float):
    """A JSON number, nothing else: "0.9" and true are refused rather than read as numbers."""

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise self.make_error("invalid", input=value)
        return super()._deserialize(value, attr, data, **kwargs)


class UtcDateTime(fields.DateTime):
    """A stored (naive UTC) time, sent with its offset ("…Z") so it is an RFC 3339 date-time
    that JavaScript's Date reads as UTC rather than as the browser's local time."""

    def _serialize(self, value, attr, obj, **kwargs):
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


class Eta(Schema):
    date = fields.String(allow_none=True, metadata={
        "format": "date", "description": "null when unknown or delayed; never a date in the past"})
    source = fields.String(
        validate=validate.OneOf(["inbound", "lead_time", "manual", "unknown", "delayed"]),
        metadata={"description": "what the date rests on; `delayed`: the stock it rested on is overdue, "
                                 "a new date will follow"})


def page_of(items, total: int, query: dict) -> dict:
    """A page of a list, as every paged route answers it."""
    return {"items": items, "page": query["page"], "per_page": query["per_page"], "total": total}


class Pagination(Schema):
    page = fields.Integer(load_default=1, validate=POSITIVE)
    per_page = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))


# --- storefront -----------------------------------------------------------------------------


ID_LIST = {"pattern": "^[0-9]+(,[0-9]+)*$", "minLength": 1}
_ID_LIST = re.compile(ID_LIST["pattern"])


def _id_list(value: str) -> list[int]:
    if not _ID_LIST.fullmatch(value):
        raise ValidationError("A comma-separated list of numeric ids, such as 12,34.")
    ids = list(map(int, value.split(",")))
    if len(ids) > 50:
        raise ValidationError("At most 50 ids per request.")
    if any(not 0 < i <= MAX_SAFE_INTEGER for i in ids):
        raise ValidationError("Ids are positive numbers.")
    return ids


class IdList(fields.String):
    def _deserialize(self, value, attr, data, **kwargs):
        return _id_list(super()._deserialize(value, attr, data, **kwargs))


class AvailabilityQuery(Schema):
    product_ids = IdList(metadata={"description": "Comma-separated, at most 50. Give exactly one of "
                                                  "product_ids and variant_ids.", **ID_LIST})
    variant_ids = IdList(metadata={"description": "Comma-separated, at most 50. Give exactly one of "
                                                  "product_ids and variant_ids.", **ID_LIST})
    quantity = fields.Integer(load_default=1, validate=validate.Range(min=1, max=10000))
    locale = fields.String(load_default="en", validate=validate.Regexp(r"^[A-Za-z]{2}([-_][A-Za-z]{2})?$"),
                           metadata={"description": "The shopper's language for `reason` (en, de, fr, es; others read English)."})

    @validates_schema
    def one_kind_of_id(self, data, **kwargs):
        if ("product_ids" in data) == ("variant_ids" in data):
            raise ValidationError("Give product_ids or variant_ids (one of them).", "product_ids")


_PLAIN_QUANTITY = re.compile(r"[1-9][0-9]{0,4}")
_PLAIN_LOCALE = re.compile(r"[A-Za-z]{2}([-_][A-Za-z]{2})?")


def plain_availability_query(args) -> dict | None:
    """What AvailabilityQuery loads from these query arguments (a MultiDict, first values count,
    others are ignored) when they are in the plain form every widget sends: exactly one id list
    of digits, a quantity of ASCII digits and a two-letter locale if any. None for anything else,
    valid or not, which the schema then reads: the storefront's hot path skips marshmallow
    without ever answering differently (tests/test_availability_query.py compares the two)."""
    first = args.to_dict()  # a plain dict: a MultiDict raises (and catches) on every name missing
    product_ids, variant_ids = first.get("product_ids"), first.get("variant_ids")
    if (product_ids is None) == (variant_ids is None):
        return None
    quantity, locale = first.get("quantity"), first.get("locale")
    if quantity is not None and not (_PLAIN_QUANTITY.fullmatch(quantity) and int(quantity) <= 10_000):
        return None
    if locale is not None and not _PLAIN_LOCALE.fullmatch(locale):
        return None
    try:
        ids = _id_list(product_ids if variant_ids is None else variant_ids)
    except ValidationError:
        return None
    return {"product_ids" if variant_ids is None else "variant_ids": ids,
            "quantity": 1 if quantity is None else int(quantity), "locale": "en" if locale is None else locale}


class Alternative(Schema):
    product_id = StrictInteger()
    variant_id = StrictInteger()
    name = fields.String()
    price = StrictInteger(metadata={"description": "Minor units."})
    currency = fields.String()
    url = fields.String()
    image_url = fields.String()


class AvailabilityItem(Schema):
    product_id = StrictInteger()
    variant_id = StrictInteger()
    sku = fields.String()
    state = fields.String(validate=validate.OneOf(["in_stock", "backorder", "sold_out"]))
    available_on_hand = StrictInteger(validate=ON_HAND)
    available_for_backorder = StrictInteger(allow_none=True, metadata={"description": "null = unlimited"})
    eta = fields.Nested(Eta, allow_none=True)
    message = fields.String()
    reason = fields.String()
    pay_later = StrictBoolean()
    alternatives = fields.List(fields.Nested(Alternative))


class Availability(Schema):
    items = fields.List(fields.Nested(AvailabilityItem))


# --- admin ----------------------------------------------------------------------------------


class ConsoleUser(Schema):
    id = fields.Integer(allow_none=True, metadata={"description": "The control-panel user's id; null for an API key."})
    email = fields.String()
    label = fields.String(metadata={"description": "Who the audit log says made a change."})


class ConsoleStore(Schema):
    hash = fields.String()
    name = fields.String()
    platform = fields.String()


class ConsoleSessionOut(Schema):
    token = fields.String(metadata={"description": "Send as Authorization: Bearer <token> to the admin API."})
    expires_at = UtcDateTime()
    user = fields.Nested(ConsoleUser)
    store = fields.Nested(ConsoleStore)


class DelayIncentive(Schema):
    enabled = StrictBoolean(load_default=False)
    threshold_days = StrictInteger(load_default=7, validate=validate.Range(min=1, max=3650))
    kind = fields.String(load_default="discount", validate=validate.OneOf(["discount", "free_shipping"]))
    percent_off = StrictInteger(load_default=10, validate=validate.Range(min=1, max=100))


def _time_zone(name: str) -> bool:
    from zoneinfo import ZoneInfo

    try:
        ZoneInfo(name)
    except (ValueError, KeyError, OSError):
        raise ValidationError("An IANA time zone, such as Europe/Berlin.") from None
    return True


class SmsQuietHours(Schema):
    """No SMS between `start` and `end` o'clock in `timezone`; messages wait until `end`."""

    start = StrictInteger(required=True, validate=validate.Range(min=0, max=23))
    end = StrictInteger(required=True, validate=validate.Range(min=0, max=23))
    timezone = fields.String(load_default="UTC", validate=_time_zone)


def _https_or_empty(value: str) -> None:
    # Shown as an image in messages: no javascript:, data: or plain http.
    if value:
        validate.URL(schemes={"https"}, error="An https URL.")(value)


ORIGIN = validate.Regexp(r"^https?://[^/\s?#]+$", error="An origin: scheme and host, with an optional port, no path.")


class Settings(Body):
    not_empty = True

    store_hash = fields.String(dump_only=True, attribute="hash")
    platform = fields.String(dump_only=True)
    name = fields.String(validate=validate.Length(max=200))
    cancel_window_days = StrictInteger(allow_none=True, validate=validate.Range(min=0, max=3650),
                                        metadata={"description": "null = no limit"})
    cancel_allocated = StrictBoolean()
    pay_later_enabled = StrictBoolean()
    payment_hold_days = StrictInteger(validate=validate.Range(min=1, max=60))
    handling_days = StrictInteger(validate=validate.Range(min=0, max=60))
    dearer_switch = fields.String(validate=validate.OneOf(["pay_difference", "refuse"]))
    delay_incentive = fields.Nested(DelayIncentive)
    storefront_origins = fields.List(fields.String(validate=ORIGIN), validate=validate.Length(max=20))
    notification_channels = fields.List(fields.String(validate=validate.OneOf(["email", "sms"])))
    brand_logo_url = fields.String(validate=[validate.Length(max=1000), _https_or_empty],
                                   metadata={"description": "An https URL; empty = none.",
                                             "pattern": "^(https://.*)?$"})
    brand_colour = fields.String(validate=validate.Regexp(r"^#[0-9a-fA-F]{6}$", error="A colour such as #1f4e79."))
    sms_quiet_hours = fields.Nested(SmsQuietHours, allow_none=True, metadata={"description": "null = any hour"})
    merchant_email = fields.String(validate=lambda value: value == "" or validate.Email()(value),
                                   metadata={"description": "Receives the daily digest; empty = none."})
    timezone = fields.String(validate=_time_zone, metadata={
        "description": "IANA time zone of the store: its today, ETAs and payment-hold deadlines "
                       "(BigCommerce stores: from the store's settings at install)."})
    working_days = fields.List(fields.Integer(validate=validate.Range(min=0, max=6)),
                               validate=validate.Length(min=1, max=7), metadata={
        "description": "Days handling counts, 0 = Monday … 6 = Sunday."})
    service_level = StrictNumber(validate=validate.Range(min=0.5, max=0.999), metadata={
        "description": "Reordering: the chance that stock lasts through a supplier's lead time, which "
                       "sizes safety stock (default 0.95)."})


class VariantIn(Schema):
    product_id = StrictInteger(required=True, validate=POSITIVE)
    sku = fields.String(validate=validate.Length(max=255))
    name = fields.String(validate=validate.Length(max=255))
    price = StrictInteger(validate=PRICE)
    currency = fields.String(validate=CURRENCY)
    url = fields.String(validate=validate.Length(max=1000))
    image_url = fields.String(validate=validate.Length(max=1000))
    category = fields.String(validate=validate.Length(max=255))
    on_hand = StrictInteger(validate=UNITS)
    backorders_enabled = StrictBoolean()
    backorder_limit = StrictInteger(allow_none=True, validate=UNITS)
    lead_time_days = StrictInteger(allow_none=True, validate=validate.Range(min=0, max=3650))
    message = fields.String(validate=validate.Length(max=2000))
    reason = fields.String(validate=validate.Length(max=2000),
                           metadata={"description": "The merchant's own words: shown for reason_code other (or none)."})
    reason_code = fields.String(validate=validate.OneOf(("",) + REASON_CODES),
                                metadata={"description": "Shown to shoppers translated; \"\" = none."})
    alternatives = fields.List(StrictInteger(validate=POSITIVE), validate=validate.Length(max=20))
    supplier_id = StrictInteger(allow_none=True, validate=validate.Range(min=1, max=MAX_ROW_ID),
                                metadata={"description": "One of the store's suppliers; null = none."})


class VariantPatch(VariantIn, Body):
    not_empty = True

    product_id = StrictInteger(validate=POSITIVE)


class VariantOut(VariantIn):
    on_hand = StrictInteger(validate=ON_HAND)
    variant_id = StrictInteger()
    updated_at = UtcDateTime()


class VariantQuery(Pagination):
    state = fields.String(validate=validate.OneOf(["in_stock", "backorder", "sold_out"]))
    search = fields.String(validate=validate.Length(max=255), metadata={"description": "Part of the SKU or name."})


class VariantChanges(Body):
    """What a bulk edit may change; fields not given stay as they are."""

    not_empty = True

    backorders_enabled = StrictBoolean()
    backorder_limit = StrictInteger(allow_none=True, validate=UNITS, metadata={"description": "null = unlimited"})
    lead_time_days = StrictInteger(allow_none=True, validate=validate.Range(min=0, max=3650))
    message = fields.String(validate=validate.Length(max=2000))
    reason = fields.String(validate=validate.OneOf(("",) + REASON_CODES),
                           metadata={"description": "\"\" removes the reason."})
    reason_text = fields.String(validate=validate.Length(max=2000),
                                metadata={"description": "The merchant's words; required with reason other."})
    alternatives = fields.List(StrictInteger(validate=POSITIVE), validate=validate.Length(max=20))
    supplier_id = StrictInteger(allow_none=True, validate=validate.Range(min=1, max=MAX_ROW_ID),
                                metadata={"description": "One of the store's suppliers; null = none."})

    @validates_schema
    def other_has_words(self, data, **kwargs):
        if data.get("reason") == "other" and not data.get("reason_text", "").strip():
            raise ValidationError("Say why in a few words when the reason is other.", "reason_text")


class BulkVariantPatch(Schema):
    variant_ids = fields.List(StrictInteger(validate=POSITIVE), required=True,
                              validate=validate.Length(min=1, max=200))
    changes = fields.Nested(VariantChanges, required=True)


class BulkVariantResult(Schema):
    items = fields.List(fields.Nested(VariantOut))


class VariantPage(Schema):
    items = fields.List(fields.Nested(VariantOut))
    page = StrictInteger()
    per_page = StrictInteger()
    total = StrictInteger()


class InboundIn(Schema):
    quantity = StrictInteger(required=True, validate=validate.Range(min=1, max=10_000_000))
    expected_on = fields.Date(required=True, validate=_in_bounds,
                              metadata={"description": f"At most {MAX_YEARS_AHEAD} years ahead."})


class InboundPatch(Body):
    not_empty = True

    quantity = StrictInteger(validate=validate.Range(min=1, max=10_000_000))
    expected_on = fields.Date(validate=_in_bounds, metadata={"description": f"At most {MAX_YEARS_AHEAD} years ahead."})


class InboundOut(Schema):
    id = StrictInteger()
    purchase_order_id = StrictInteger(metadata={"description": "The purchase order this is a line of."})
    variant_id = StrictInteger(attribute="variant.variant_id")
    quantity = StrictInteger()
    expected_on = fields.Date()
    received_on = fields.Date(allow_none=True)
    quantity_received = StrictInteger(allow_none=True)


class InboundList(Schema):
    items = fields.List(fields.Nested(InboundOut))


class ReceiptIn(Schema):
    quantity = StrictInteger(required=True, validate=validate.Range(min=1, max=10_000_000))
    inbound_id = StrictInteger(validate=validate.Range(min=1, max=MAX_ROW_ID))


class AllocationOut(Schema):
    order_id = StrictInteger()
    line_id = StrictInteger()
    quantity = StrictInteger()


class ReceiptOut(Schema):
    allocated = fields.List(fields.Nested(AllocationOut))
    on_hand = StrictInteger(validate=ON_HAND)


class Customer(Schema):
    id = StrictInteger(allow_none=True, load_default=None, validate=POSITIVE)
    email = fields.Email(required=True)
    first_name = fields.String(load_default="", validate=validate.Length(max=200))
    locale = fields.String(load_default="en", validate=validate.Regexp(r"^[a-z]{2}(-[A-Z]{2})?$"))
    phone = fields.String(load_default="", validate=validate.Regexp(r"^(\+[1-9][0-9]{6,14})?$", error="E.164, such as +14155550123."))


class OrderLineIn(Schema):
    line_id = StrictInteger(validate=POSITIVE, metadata={"description": "The platform's order product id."})
    variant_id = StrictInteger(required=True, validate=POSITIVE)
    quantity = StrictInteger(required=True, validate=validate.Range(min=1, max=MAX_LINE_QUANTITY))
    unit_price = StrictInteger(required=True, validate=PRICE)
    quantity_backordered = StrictInteger(validate=UNITS)


class OrderIn(Schema):
    order_id = StrictInteger(required=True, validate=POSITIVE)
    customer = fields.Nested(Customer, required=True)
    placed_at = fields.DateTime(validate=_in_bounds, metadata={
        "description": f"ISO 8601; UTC when no offset is given; from {EARLIEST.year} to {MAX_YEARS_AHEAD} years ahead."})
    currency = fields.String(required=True, validate=CURRENCY)
    lines = fields.List(fields.Nested(OrderLineIn), required=True, validate=validate.Length(min=1, max=200))

    @post_load
    def utc_placed_at(self, data, **kwargs):
        placed_at = data.get("placed_at")
        if placed_at is not None and placed_at.tzinfo is not None:
            try:
                data["placed_at"] = placed_at.astimezone(UTC).replace(tzinfo=None)
            except OverflowError:
                raise ValidationError("Out of range.", "placed_at") from None
        return data


class OrderLineOut(Schema):
    id = StrictInteger()
    line_id = StrictInteger(attribute="external_id", allow_none=True)
    variant_id = StrictInteger()
    product_id = StrictInteger()
    name = fields.String()
    sku = fields.String()
    quantity = StrictInteger()
    quantity_backordered = StrictInteger()
    quantity_allocated = StrictInteger()
    state = fields.String()
    unit_price = StrictInteger()
    currency = fields.String()
    eta = fields.Nested(Eta, allow_none=True)


class OrderOut(Schema):
    order_id = StrictInteger()
    customer_id = StrictInteger(allow_none=True)
    email = fields.String()
    placed_at = UtcDateTime()
    currency = fields.String()
    lines = fields.List(fields.Nested(OrderLineOut))


class QueueLine(Schema):
    position = StrictInteger()
    units_ahead = StrictInteger()
    order_id = StrictInteger()
    line_id = StrictInteger()
    customer_email = fields.String()
    placed_at = UtcDateTime()
    quantity_waiting = StrictInteger()
    payment_mode = fields.String()
    eta = fields.Nested(Eta, allow_none=True)


class QueueVariant(Schema):
    variant_id = StrictInteger()
    product_id = StrictInteger()
    sku = fields.String()
    name = fields.String()
    on_hand = StrictInteger(validate=ON_HAND)
    waiting_units = StrictInteger()
    lines = fields.List(fields.Nested(QueueLine))


class BackorderQueue(Schema):
    variants = fields.List(fields.Nested(QueueVariant))


class QueueQuery(Schema):
    variant_id = fields.Integer(validate=POSITIVE)


class RefundQuery(Schema):
    status = fields.String(validate=validate.OneOf(["pending", "sending", "confirmed", "failed"]))


class RefundOut(Schema):
    id = fields.Integer()
    order_id = fields.Integer()
    line_id = fields.Integer()
    name = fields.String()
    sku = fields.String()
    reason = fields.String(metadata={"description": "cancel, switch, pay_later, unwanted_payment or in_store"})
    quantity = fields.Integer()
    amount = fields.Integer(metadata={"description": "Minor units; once confirmed, what the platform refunded."})
    currency = fields.String()
    status = fields.String(metadata={"description": "pending, sending, confirmed or failed (declined, refused, "
                                                     "or unanswered after every attempt: retry it, or refund by hand)"})
    attempts = fields.Integer(metadata={"description": "Attempts since it was owed, or since the merchant's last retry."})
    error = fields.String(metadata={"description": "Why it is not made yet, or why it failed."})
    created_at = UtcDateTime()
    confirmed_at = UtcDateTime(allow_none=True)


class RefundList(Schema):
    items = fields.List(fields.Nested(RefundOut))
