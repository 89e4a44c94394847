"""The stored shape of the business: stores, the catalog mirror, inbound stock, orders and their
lines, and the records that make changes visible (timeline, outbox) and safe (idempotency)."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from api.domain.clock import utcnow


class Base(DeclarativeBase):
    pass


class Store(Base):
    __tablename__ = "stores"

    id: Mapped[int] = mapped_column(primary_key=True)
    hash: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    platform: Mapped[str] = mapped_column(String(20), default="local")  # local | bigcommerce
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    storefront_origins: Mapped[list] = mapped_column(JSON, default=list)
    # policy
    cancel_window_days: Mapped[int | None] = mapped_column(Integer, default=30)  # None = always
    cancel_allocated: Mapped[bool] = mapped_column(Boolean, default=False)
    pay_later_enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    payment_hold_days: Mapped[int] = mapped_column(Integer, default=3)
    handling_days: Mapped[int] = mapped_column(Integer, default=1)
    dearer_switch: Mapped[str] = mapped_column(String(20), default="pay_difference")  # or "refuse"
    delay_incentive: Mapped[dict] = mapped_column(JSON, default=dict)
    notification_channels: Mapped[list] = mapped_column(JSON, default=lambda: ["email"])
    # notifications: branding of shopper messages, SMS quiet hours, the merchant's digest address
    brand_logo_url: Mapped[str] = mapped_column(String(1000), default="")
    brand_colour: Mapped[str] = mapped_column(String(7), default="#1f4e79")
    sms_quiet_hours: Mapped[dict | None] = mapped_column(JSON, default=None)  # {start, end, timezone}
    merchant_email: Mapped[str] = mapped_column(String(320), default="")
    # dates: the store's "today" and deadlines are in its time zone (IANA name); handling days
    # count its working days (0 = Monday … 6 = Sunday)
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    working_days: Mapped[list] = mapped_column(JSON, default=lambda: [0, 1, 2, 3, 4])
    etas_recomputed_on: Mapped[date | None] = mapped_column(Date, default=None)  # the nightly job
    # reordering: the chance a supplier's lead time passes without a stock-out (safety stock)
    service_level: Mapped[float] = mapped_column(Float, default=0.95)
    forecasts_computed_on: Mapped[date | None] = mapped_column(Date, default=None)  # the nightly job
    reorder_drafted_on: Mapped[date | None] = mapped_column(Date, default=None)  # the daily job
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    api_keys: Mapped[list[AdminApiKey]] = relationship(back_populates="store")


class ConsoleSession(Base):
    """A merchant console session: a control-panel user (BigCommerce /load) or the holder of an
    admin API key (local /console/). Only the token's SHA-256 is stored, so a session can be
    looked up and revoked (remove_user, uninstall) without the table holding a usable token."""

    __tablename__ = "console_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int | None] = mapped_column(BigInteger, default=None)  # control-panel user
    user_email: Mapped[str] = mapped_column(String(320), default="")
    label: Mapped[str] = mapped_column(String(200))  # who, as the audit log names them
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime, default=None)


class AuditEntry(Base):
    """One change made through the admin API (and so through the console): who, what, when."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_store_id", "store_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id", ondelete="CASCADE"))
    actor: Mapped[str] = mapped_column(String(320))
    method: Mapped[str] = mapped_column(String(10))
    route: Mapped[str] = mapped_column(String(200))  # the route's pattern, e.g. /api/v1/admin/variants/<id>
    path: Mapped[str] = mapped_column(String(500))
    target: Mapped[dict] = mapped_column(JSON, default=dict)  # the ids in the path (and any id created)
    status_code: Mapped[int] = mapped_column(Integer)
    summary: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class AdminApiKey(Base):
    __tablename__ = "admin_api_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id", ondelete="CASCADE"), index=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)  # sha256 of a random key
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    store: Mapped[Store] = relationship(back_populates="api_keys")


class Variant(Base):
    """The catalog mirror of one purchasable variant, plus its backorder settings."""

    __tablename__ = "variants"
    __table_args__ = (
        UniqueConstraint("store_id", "variant_id"),
        Index("ix_variants_store_product", "store_id", "product_id"),
        # Alternatives: same category, one per product (the product id lets the ranking use it).
        Index("ix_variants_store_category", "store_id", "category", "product_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id", ondelete="CASCADE"))
    variant_id: Mapped[int] = mapped_column(BigInteger)
    product_id: Mapped[int] = mapped_column(BigInteger)
    sku: Mapped[str] = mapped_column(String(255), default="")
    name: Mapped[str] = mapped_column(String(255), default="")
    price: Mapped[int] = mapped_column(BigInteger, default=0)  # minor units
    currency: Mapped[str] = mapped_column(String(3), default="USD")
    url: Mapped[str] = mapped_column(String(1000), default="")
    image_url: Mapped[str] = mapped_column(String(1000), default="")
    category: Mapped[str] = mapped_column(String(255), default="")
    on_hand: Mapped[int] = mapped_column(BigInteger, default=0)  # receipts add up: see MAX_ON_HAND
    backorders_enabled: Mapped[bool] = mapped_column(Boolean, default=False)
    backorder_limit: Mapped[int | None] = mapped_column(Integer, default=None)  # None = unlimited
    lead_time_days: Mapped[int | None] = mapped_column(Integer, default=None)
    message: Mapped[str] = mapped_column(Text, default="")
    reason: Mapped[str] = mapped_column(Text, default="")  # free text ("other", or any older reason)
    # unexpected_demand | supplier_delay | production_issue | new_release | other; "" = none.
    # Shoppers read it translated into their language; "other" shows `reason` instead.
    reason_code: Mapped[str] = mapped_column(String(30), default="")
    alternatives: Mapped[list] = mapped_column(JSON, default=list)  # curated variant ids, in order
    supplier_id: Mapped[int | None] = mapped_column(
        ForeignKey("suppliers.id", ondelete="SET NULL"), default=None, index=True)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)


class StockMovement(Base):
    """The stock ledger: one movement of a variant's units (received, allocated, released,
    shipped, adjusted). `on_hand_change` is its effect on the free units on hand, whose sum is
    `Variant.on_hand` (api/domain/stock.py)."""

    __tablename__ = "stock_movements"

    id: Mapped[int] = mapped_column(primary_key=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id", ondelete="CASCADE"))
    variant_pk: Mapped[int] = mapped_column(ForeignKey("variants.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    quantity: Mapped[int] = mapped_column(BigInteger)  # units moved
    on_hand_change: Mapped[int] = mapped_column(BigInteger)
    line_pk: Mapped[int | None] = mapped_column(ForeignKey("lines.id", ondelete="SET NULL"), default=None)
    note: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class StockWriteback(Base):
    """Units the platform's stock level must move by for a change it did not make itself (a
    receipt in our app, a shopper's cancel, an expired hold): written with the change, pushed by
    a job with the platform's relative inventory adjustment, outside any transaction."""

    __tablename__ = "stock_writebacks"
    __table_args__ = (Index("ix_stock_writebacks_due", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id", ondelete="CASCADE"))
    variant_pk: Mapped[int] = mapped_column(ForeignKey("variants.id", ondelete="CASCADE"), index=True)
    variant_id: Mapped[int] = mapped_column(BigInteger)
    # The line whose units these are, when they are a line's (a cancel, an expired hold).
    line_pk: Mapped[int | None] = mapped_column(ForeignKey("lines.id", ondelete="SET NULL"), default=None)
    quantity: Mapped[int] = mapped_column(BigInteger)  # signed
    reason: Mapped[str] = mapped_column(String(40))
    key: Mapped[str] = mapped_column(String(64), unique=True)
    status: Mapped[str] = mapped_column(String(20), default="pending")  # pending|sending|unknown|done|failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    last_error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime, default=None)


class Supplier(Base):
    """Who a store buys from: how long they take, and the quantities they sell in. A supplier
    opted in to automatic reordering gets a draft purchase order from the daily job whenever its
    variants fall to their reorder point; with `auto_send` the job approves (and sends) it too."""

    __tablename__ = "suppliers"
    __table_args__ = (UniqueConstraint("store_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(320), default="")
    lead_time_days: Mapped[int] = mapped_column(Integer, default=14)
    minimum_order_quantity: Mapped[int] = mapped_column(Integer, default=1)
    pack_size: Mapped[int] = mapped_column(Integer, default=1)
    auto_reorder: Mapped[bool] = mapped_column(Boolean, default=False)
    auto_send: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)


class PurchaseOrder(Base):
    """Inbound stock ordered from one supplier: its lines are the inbound shipments. Every inbound
    shipment belongs to one (the inbound routes of a variant create a single-line order). A draft
    (from the reorder job) promises nothing to shoppers until it is approved."""

    __tablename__ = "purchase_orders"
    __table_args__ = (Index("ix_purchase_orders_store_status", "store_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id", ondelete="CASCADE"))
    supplier: Mapped[str] = mapped_column(String(200), default="")  # the supplier's name, as given
    supplier_id: Mapped[int | None] = mapped_column(
        ForeignKey("suppliers.id", ondelete="SET NULL"), default=None, index=True)
    reference: Mapped[str] = mapped_column(String(200), default="")
    expected_on: Mapped[date | None] = mapped_column(Date, default=None)
    # draft | open | partly_received | received | cancelled
    status: Mapped[str] = mapped_column(String(20), default="open")
    origin: Mapped[str] = mapped_column(String(20), default="merchant")  # merchant | reorder
    approved_at: Mapped[datetime | None] = mapped_column(DateTime, default=None)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)

    lines: Mapped[list[InboundShipment]] = relationship(
        back_populates="purchase_order", order_by="InboundShipment.id")


class VariantAvailability(Base):
    """What the storefront shows for one variant, precomputed: kept current in the same
    transaction as every change that can alter it (api/domain/availability.py), so answering the
    storefront is one indexed query. The ETA's date is worked out when read (it depends on today
    and on the quantity asked); its inputs are here. Store-wide settings (handling days, pay
    later) are read from the store row in the same query."""

    __tablename__ = "variant_availability"
    __table_args__ = (
        UniqueConstraint("store_id", "variant_id"),
        Index("ix_variant_availability_product", "store_id", "product_id", "variant_id"),
        # Whose alternatives a change may move: the same category, near in price.
        Index("ix_variant_availability_category", "store_id", "category", "price"),
    )

    variant_pk: Mapped[int] = mapped_column(ForeignKey("variants.id", ondelete="CASCADE"), primary_key=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id", ondelete="CASCADE"))
    variant_id: Mapped[int] = mapped_column(BigInteger)
    product_id: Mapped[int] = mapped_column(BigInteger)
    sku: Mapped[str] = mapped_column(String(255))
    message: Mapped[str] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(Text)
    reason_code: Mapped[str] = mapped_column(String(30), default="")  # shown translated (reasons.py)
    on_hand: Mapped[int] = mapped_column(BigInteger)
    waiting: Mapped[int] = mapped_column(BigInteger)  # units waiting in the queue
    capacity: Mapped[int | None] = mapped_column(Integer)  # more units that may wait; None = unlimited
    lead_time_days: Mapped[int | None] = mapped_column(Integer)
    # JSON text, served as stored: inbound to come, [[expected date, cumulative units]], and the
    # alternatives as the storefront shows them, in order.
    supply: Mapped[str] = mapped_column(Text)
    alternatives: Mapped[str] = mapped_column(Text)
    # The inputs of its own alternatives, and what it offers as someone else's alternative.
    category: Mapped[str] = mapped_column(String(255))
    price: Mapped[int] = mapped_column(BigInteger)
    curated: Mapped[list] = mapped_column(JSON)  # the variant's curated alternative ids
    offer: Mapped[dict | None] = mapped_column(JSON)  # itself as an alternative; None when not on hand
    # Price distance of the farthest automatic alternative it ranked; None when the category had
    # fewer than it needed, so any variant coming on hand in the category may enter its list.
    reach: Mapped[int | None] = mapped_column(BigInteger)


class AvailabilityVersion(Base):
    """A store's availability version: random, new in every transaction that writes any of the
    store's availability rows (as it commits), so that while it stays a worker may answer the
    storefront with the items it wrote before (api/domain/availability.py). A table of its own:
    only that last statement of such a transaction locks its row (the store row is locked by
    other work, in other orders)."""

    __tablename__ = "availability_versions"

    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id", ondelete="CASCADE"), primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger)


class InboundShipment(Base):
    """A purchase-order line: units of one variant expected on a date. Received in one or more
    receipts (`quantity_received` adds up); `received_on` is set once nothing more is expected."""

    __tablename__ = "inbound_shipments"
    __table_args__ = (Index("ix_inbound_shipments_store_received", "store_id", "received_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id", ondelete="CASCADE"))
    purchase_order_id: Mapped[int] = mapped_column(
        ForeignKey("purchase_orders.id", ondelete="CASCADE"), index=True)
    variant_pk: Mapped[int] = mapped_column(ForeignKey("variants.id", ondelete="CASCADE"), index=True)
    quantity: Mapped[int] = mapped_column(Integer)
    expected_on: Mapped[date] = mapped_column(Date)
    received_on: Mapped[date | None] = mapped_column(Date, default=None)
    quantity_received: Mapped[int | None] = mapped_column(Integer, default=None)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    variant: Mapped[Variant] = relationship()
    purchase_order: Mapped[PurchaseOrder] = relationship(back_populates="lines")

    @property
    def quantity_expected(self) -> int:
        """Units still to come: none once received in full, once its order is cancelled, or while
        its order is a draft (not approved, so not ordered yet)."""
        if self.received_on is not None or self.purchase_order.status in ("cancelled", "draft"):
            return 0
        return max(0, self.quantity - (self.quantity_received or 0))


class Order(Base):
    __tablename__ = "orders"
    __table_args__ = (
        UniqueConstraint("store_id", "order_id"),
        # The merchant's insight, by local day of placement, with what its figure reads.
        Index("ix_orders_store_placed_day", "store_id", "placed_day", "currency", "total"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id", ondelete="CASCADE"))
    order_id: Mapped[int] = mapped_column(BigInteger)  # the platform's order number
    customer_id: Mapped[int | None] = mapped_column(BigInteger, default=None, index=True)
    email: Mapped[str] = mapped_column(String(320), default="")
    first_name: Mapped[str] = mapped_column(String(200), default="")
    locale: Mapped[str] = mapped_column(String(20), default="en")
    phone: Mapped[str] = mapped_column(String(20), default="")  # E.164, for SMS notifications
    currency: Mapped[str] = mapped_column(String(3))
    placed_at: Mapped[datetime] = mapped_column(DateTime)
    # placed_at's day in the store's time zone, days since 1970-01-01 (api/domain/local_days.py).
    placed_day: Mapped[int | None] = mapped_column(Integer, default=None)
    total: Mapped[int] = mapped_column(BigInteger, default=0)  # what the shopper paid, minor units
    # False when the order was paid (even in part) with store credit or a gift certificate: the
    # platform offers no way back to the shopper's card, so no automatic refund can be promised.
    refundable: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    lines: Mapped[list[Line]] = relationship(back_populates="order", order_by="Line.id")


class Line(Base):
    """One order line. Its units are waiting, allocated (held from stock), shipped or cancelled:
    quantity = waiting + quantity_allocated + quantity_shipped + quantity_cancelled."""

    __tablename__ = "lines"
    __table_args__ = (
        Index("ix_lines_queue", "variant_pk", "state", "queued_at", "id"),
        # An order's lines; and whether it holds a backordered unit, from the index alone.
        Index("ix_lines_order_backordered", "order_pk", "quantity_backordered"),
        Index("ix_lines_store_placed", "store_id", "queued_at"),
        # The merchant's insight (api/domain/analytics.py): lines by local day of placement,
        # shipment and allocation, each index holding every column its figures read (so they
        # are read from the index alone, in day order), and lines waiting past their promise.
        Index("ix_lines_store_placed_day", "store_id", "placed_day", "state", "quantity", "quantity_backordered",
              "quantity_allocated", "quantity_shipped", "quantity_cancelled", "currency", "unit_price"),
        Index("ix_lines_store_shipped_day", "store_id", "shipped_day", "first_promised_on", "quantity_backordered",
              "variant_pk"),
        Index("ix_lines_store_allocated_day", "store_id", "allocated_day", "placed_day", "quantity_backordered"),
        Index("ix_lines_store_state", "store_id", "state", "first_promised_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id", ondelete="CASCADE"))
    order_pk: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"))
    variant_pk: Mapped[int] = mapped_column(ForeignKey("variants.id"))
    external_id: Mapped[int | None] = mapped_column(BigInteger, default=None)  # platform line id
    # The quantity of that platform order product when we last applied its order, kept on the
    # product's first line: a rise since then is an edit made in the store admin. None: not seen
    # since this column came (the line's own quantity stands in).
    platform_quantity: Mapped[int | None] = mapped_column(Integer, default=None)
    product_id: Mapped[int] = mapped_column(BigInteger)
    variant_id: Mapped[int] = mapped_column(BigInteger)
    name: Mapped[str] = mapped_column(String(255), default="")
    sku: Mapped[str] = mapped_column(String(255), default="")
    quantity: Mapped[int] = mapped_column(Integer)
    quantity_backordered: Mapped[int] = mapped_column(Integer, default=0)
    quantity_allocated: Mapped[int] = mapped_column(Integer, default=0)
    quantity_shipped: Mapped[int] = mapped_column(Integer, default=0)
    quantity_cancelled: Mapped[int] = mapped_column(Integer, default=0)
    state: Mapped[str] = mapped_column(String(20))
    payment_mode: Mapped[str] = mapped_column(String(20), default="pay_now")
    # What the shopper paid per unit, after discounts, tax included: what refunds give back.
    unit_price: Mapped[int] = mapped_column(BigInteger)
    # The same without tax (what a payment cart asks, the checkout adding the tax once), and the
    # catalog price per unit before discounts, on the catalog's own tax basis (Variant.price), so
    # price differences compare like with like. None: equal to unit_price (untaxed local orders).
    unit_price_ex_tax: Mapped[int | None] = mapped_column(BigInteger, default=None)
    list_price: Mapped[int | None] = mapped_column(BigInteger, default=None)
    currency: Mapped[str] = mapped_column(String(3))
    queued_at: Mapped[datetime] = mapped_column(DateTime)  # the order's placement time
    eta_date: Mapped[date | None] = mapped_column(Date, default=None)
    eta_source: Mapped[str | None] = mapped_column(String(20), default=None)
    first_promised_on: Mapped[date | None] = mapped_column(Date, default=None)
    # A lead-time ETA counts from the day it was promised, so it moves only for a cause.
    lead_time_from: Mapped[date | None] = mapped_column(Date, default=None)
    # When its last waiting unit was allocated, and when its last unit shipped (for the wait and
    # the ETA accuracy the merchant is shown); None until then.
    allocated_at: Mapped[datetime | None] = mapped_column(DateTime, default=None)
    shipped_at: Mapped[datetime | None] = mapped_column(DateTime, default=None)
    # queued_at's, allocated_at's and shipped_at's days in the store's time zone, days since
    # 1970-01-01 (api/domain/local_days.py keeps them).
    placed_day: Mapped[int | None] = mapped_column(Integer, default=None)
    allocated_day: Mapped[int | None] = mapped_column(Integer, default=None)
    shipped_day: Mapped[int | None] = mapped_column(Integer, default=None)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    order: Mapped[Order] = relationship(back_populates="lines")
    variant: Mapped[Variant] = relationship()

    @property
    def quantity_waiting(self) -> int:
        return (
            self.quantity - self.quantity_allocated - self.quantity_shipped - self.quantity_cancelled
        )

    @property
    def eta(self) -> dict | None:
        """Only a waiting line has an ETA. A delayed line keeps the date it missed (for the
        merchant) but shows none: the shopper is never given a date in the past."""
        if self.state != "waiting" or self.eta_source is None:
            return None
        shown = self.eta_date if self.eta_source != "delayed" else None
        return {"date": shown.isoformat() if shown else None, "source": self.eta_source}


class Sale(Base):
    """Units of one variant on one order, for every order the app sees, backordered or not: the
    sales history that forecasts demand and attributes orders to restock alerts. One row per
    platform order item, so an order seen twice (webhook, sync, history import) counts once."""

    __tablename__ = "sales"
    __table_args__ = (
        UniqueConstraint("store_id", "order_id", "item_id"),
        Index("ix_sales_variant_day", "variant_pk", "day"),
        Index("ix_sales_store_placed", "store_id", "placed_at"),
        # Orders that followed a restock alert, found by the recipient's email or phone.
        Index("ix_sales_store_email", "store_id", "email", "placed_at"),
        Index("ix_sales_store_phone", "store_id", "phone", "placed_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id", ondelete="CASCADE"))
    order_id: Mapped[int] = mapped_column(BigInteger)  # the platform's order number
    item_id: Mapped[int] = mapped_column(BigInteger)  # the platform's order item (line) id
    variant_pk: Mapped[int] = mapped_column(ForeignKey("variants.id", ondelete="CASCADE"))
    placed_at: Mapped[datetime] = mapped_column(DateTime)
    day: Mapped[date] = mapped_column(Date)  # placed_at's date in the store's time zone
    quantity: Mapped[int] = mapped_column(Integer)
    revenue: Mapped[int] = mapped_column(BigInteger)  # paid for these units, minor units
    currency: Mapped[str] = mapped_column(String(3))
    customer_id: Mapped[int | None] = mapped_column(BigInteger, default=None)
    email: Mapped[str] = mapped_column(String(320), default="")  # lower case
    phone: Mapped[str] = mapped_column(String(20), default="")  # E.164


class DemandForecast(Base):
    """A variant's weekly demand forecast, made by the nightly job from its sales history."""

    __tablename__ = "demand_forecasts"
    __table_args__ = (Index("ix_demand_forecasts_store", "store_id"),)

    variant_pk: Mapped[int] = mapped_column(ForeignKey("variants.id", ondelete="CASCADE"), primary_key=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id", ondelete="CASCADE"))
    method: Mapped[str] = mapped_column(String(40))
    computed_on: Mapped[date] = mapped_column(Date)
    weeks: Mapped[list] = mapped_column(JSON)  # [[week start (ISO date), units], ...], ahead
    weekly_demand: Mapped[float] = mapped_column(Float)  # the mean of the weeks ahead
    # Spread of weekly demand around the forecast (from its in-sample errors), for safety stock.
    weekly_deviation: Mapped[float] = mapped_column(Float)


class TimelineEvent(Base):
    __tablename__ = "timeline_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    line_pk: Mapped[int] = mapped_column(ForeignKey("lines.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    data: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class OutboxMessage(Base):
    """A shopper-visible event, written in the same transaction as the change; the worker
    delivers it."""

    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id", ondelete="CASCADE"), index=True)
    event: Mapped[str] = mapped_column(String(40))
    dedupe_key: Mapped[str] = mapped_column(String(200), unique=True)
    payload: Mapped[dict] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(20), default="pending", index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    last_error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime, default=None)


class IdempotencyRecord(Base):
    __tablename__ = "idempotency_records"
    __table_args__ = (UniqueConstraint("store_id", "scope", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id", ondelete="CASCADE"))
    scope: Mapped[str] = mapped_column(String(100))  # "admin" or "customer:<id>" / "order:<id>"
    key: Mapped[str] = mapped_column(String(255))
    request_hash: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(20), default="in_progress")  # or "done"
    response_code: Mapped[int | None] = mapped_column(Integer, default=None)
    response_body: Mapped[dict | None] = mapped_column(JSON, default=None)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)


# --- notifications ---------------------------------------------------------------------------


class DeliveredMessage(Base):
    """One outbox row delivered on one channel, as rendered: the record that the channel is done
    (so a retry of the row does not repeat it) and what the demo mailbox shows."""

    __tablename__ = "delivered_messages"
    __table_args__ = (UniqueConstraint("outbox_id", "channel"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id", ondelete="CASCADE"), index=True)
    outbox_id: Mapped[int] = mapped_column(ForeignKey("outbox.id", ondelete="CASCADE"))
    event: Mapped[str] = mapped_column(String(40))
    channel: Mapped[str] = mapped_column(String(10))  # email | sms
    transport: Mapped[str] = mapped_column(String(10))  # smtp | sms_api | mailbox
    recipient: Mapped[str] = mapped_column(String(320))
    message_id: Mapped[str] = mapped_column(String(300))  # carries the outbox dedupe key
    subject: Mapped[str] = mapped_column(String(300), default="")
    text_body: Mapped[str] = mapped_column(Text, default="")
    html_body: Mapped[str] = mapped_column(Text, default="")
    # Files sent with an email (a purchase order's CSV): [{"filename", "content_type", "content"}]
    attachments: Mapped[list] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


# --- shopper self-service: refunds, payment requests, the local payments ledger, coupons,
# --- restock alerts ----------------------------------------------------------------------------


class Refund(Base):
    """Money owed back to a shopper (cancel, cheaper switch, pay later). Written in the same
    transaction as the change that causes it; a due job then asks the platform, outside any
    transaction, under the same `key` each time, so it is never lost and never paid twice."""

    __tablename__ = "refunds"
    __table_args__ = (Index("ix_refunds_due", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id", ondelete="CASCADE"), index=True)
    order_pk: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"))
    line_pk: Mapped[int] = mapped_column(ForeignKey("lines.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    reason: Mapped[str] = mapped_column(String(20))  # cancel | switch | pay_later | unwanted_payment
    # For an unwanted payment: the payment request whose paying order is given back in full.
    payment_pk: Mapped[int | None] = mapped_column(
        ForeignKey("payment_requests.id", ondelete="CASCADE"), unique=True, default=None)
    quantity: Mapped[int] = mapped_column(Integer)
    amount: Mapped[int] = mapped_column(BigInteger)  # minor units; once confirmed, what the platform refunded
    currency: Mapped[str] = mapped_column(String(3))
    # pending (due to be sent) | sending (a worker is asking the platform) | confirmed | failed
    status: Mapped[str] = mapped_column(String(20), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    reference: Mapped[str] = mapped_column(String(200), default="")
    last_error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    confirmed_at: Mapped[datetime | None] = mapped_column(DateTime, default=None)

    line: Mapped[Line] = relationship()


class OrderEdit(Base):
    """A switch to be made in the platform's order: `old_line`'s product out, `new_line`'s in.
    Committed with the switch, then made by a due job outside any transaction; a cheaper
    switch's refund (`refund_amount`) is asked for only once the edit is made."""

    __tablename__ = "order_edits"
    __table_args__ = (Index("ix_order_edits_due", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id", ondelete="CASCADE"), index=True)
    order_pk: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"))
    old_line_pk: Mapped[int] = mapped_column(ForeignKey("lines.id", ondelete="CASCADE"))
    new_line_pk: Mapped[int] = mapped_column(ForeignKey("lines.id", ondelete="CASCADE"))
    refund_amount: Mapped[int] = mapped_column(BigInteger, default=0)
    status: Mapped[str] = mapped_column(String(20), default="pending")  # pending | sending | done | failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    last_error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    old_line: Mapped[Line] = relationship(foreign_keys=[old_line_pk])
    new_line: Mapped[Line] = relationship(foreign_keys=[new_line_pk])


class PaymentRequestRecord(Base):
    """A request that the shopper pay for a line: a pay-later line whose stock arrived (units held
    until `hold_until`), a pay-later shopper choosing to pay now, or a dearer switch."""

    __tablename__ = "payment_requests"
    __table_args__ = (Index("ix_payment_requests_due", "status", "hold_until"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id", ondelete="CASCADE"), index=True)
    order_pk: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"))
    line_pk: Mapped[int] = mapped_column(ForeignKey("lines.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[str] = mapped_column(String(20))  # pay_later | switch_difference
    quantity: Mapped[int] = mapped_column(Integer)
    amount: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    status: Mapped[str] = mapped_column(String(20), default="open")  # open | paid | expired | cancelled
    url: Mapped[str] = mapped_column(String(1000), default="")
    reference: Mapped[str] = mapped_column(String(200), index=True)  # the platform's id for it
    hold_until: Mapped[datetime | None] = mapped_column(DateTime, default=None)
    # Until the platform made it (`reference` empty), a due job asks, with backoff.
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    last_error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    paid_at: Mapped[datetime | None] = mapped_column(DateTime, default=None)
    # The platform order that paid it and that order's item for the line: the money for the
    # line now sits there, so refunds for it are made from that order.
    paid_order_id: Mapped[int | None] = mapped_column(BigInteger, default=None)
    paid_item_id: Mapped[int | None] = mapped_column(BigInteger, default=None)
    # Units of the line shipped through that paying order (its shipments are the line's).
    quantity_shipped: Mapped[int] = mapped_column(Integer, default=0)
    # The platform's single-use coupon that takes shipping off the request's checkout (the shopper
    # paid shipping with the original order); chosen before the first attempt, so every attempt
    # uses the same one and never makes a second. Empty where the platform needs none.
    coupon_code: Mapped[str] = mapped_column(String(50), default="")

    line: Mapped[Line] = relationship()


class LocalLedgerEntry(Base):
    """The local adapter's payments ledger: money actually moved for a store without a platform.
    `reference` is unique, so the same refund or payment can never be booked twice."""

    __tablename__ = "local_ledger"

    id: Mapped[int] = mapped_column(primary_key=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id", ondelete="CASCADE"), index=True)
    order_pk: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"))
    line_pk: Mapped[int] = mapped_column(ForeignKey("lines.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))  # refund | payment
    reference: Mapped[str] = mapped_column(String(200), unique=True)
    amount: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class LocalCoupon(Base):
    """A coupon issued by the local adapter (delay incentives)."""

    __tablename__ = "local_coupons"

    id: Mapped[int] = mapped_column(primary_key=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id", ondelete="CASCADE"), index=True)
    order_pk: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"))
    line_pk: Mapped[int] = mapped_column(ForeignKey("lines.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(40), unique=True)
    percent_off: Mapped[int | None] = mapped_column(Integer, default=None)
    free_shipping: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class RestockSubscription(Base):
    """A shopper asking to hear when a sold-out variant is back. `contact` is the normalised
    email or E.164 phone, so one person subscribes to one variant once."""

    __tablename__ = "restock_subscriptions"
    __table_args__ = (
        UniqueConstraint("variant_pk", "contact"),
        Index("ix_restock_subscriptions_store_notified", "store_id", "notified_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id", ondelete="CASCADE"), index=True)
    variant_pk: Mapped[int] = mapped_column(ForeignKey("variants.id", ondelete="CASCADE"))
    contact: Mapped[str] = mapped_column(String(320))
    email: Mapped[str] = mapped_column(String(320), default="")
    phone: Mapped[str] = mapped_column(String(20), default="")
    locale: Mapped[str] = mapped_column(String(20), default="en")
    status: Mapped[str] = mapped_column(String(20), default="active")  # active | notified | unsubscribed
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    notified_at: Mapped[datetime | None] = mapped_column(DateTime, default=None)

    variant: Mapped[Variant] = relationship()


# --- BigCommerce integration -----------------------------------------------------------------


class BigCommerceInstallation(Base):
    """A store's BigCommerce app installation: its API credentials (the access token encrypted at
    rest, see api/bigcommerce/secrets.py), the webhooks and script we registered, and sync state."""

    __tablename__ = "bigcommerce_installations"

    id: Mapped[int] = mapped_column(primary_key=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id", ondelete="CASCADE"), unique=True)
    access_token_encrypted: Mapped[str] = mapped_column(Text)
    scopes: Mapped[str] = mapped_column(Text, default="")
    owner_id: Mapped[int | None] = mapped_column(BigInteger, default=None)
    owner_email: Mapped[str] = mapped_column(String(320), default="")
    account_uuid: Mapped[str] = mapped_column(String(64), default="")
    # SHA-256 of the random secret header BigCommerce sends back on every webhook delivery
    webhook_secret_hash: Mapped[str] = mapped_column(String(64))
    hook_ids: Mapped[dict] = mapped_column(JSON, default=dict)  # scope -> BigCommerce hook id
    script_uuid: Mapped[str] = mapped_column(String(64), default="")
    currency: Mapped[str] = mapped_column(String(3), default="USD")  # the store's default currency
    timezone: Mapped[str] = mapped_column(String(64), default="")  # IANA name, from the store information
    installed_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    uninstalled_at: Mapped[datetime | None] = mapped_column(DateTime, default=None)
    reconciled_at: Mapped[datetime | None] = mapped_column(DateTime, default=None)
    # Orders modified up to here are applied (stock reconciliation catches up from here first).
    orders_synced_at: Mapped[datetime | None] = mapped_column(DateTime, default=None)
    stock_reconciled_on: Mapped[date | None] = mapped_column(Date, default=None)  # the nightly job
    # `backorder-desk sync --days N`: where the order-history import has got to, so it resumes
    history_import: Mapped[dict] = mapped_column(JSON, default=dict)
    # The store's inventory settings as last read (GET /v3/settings/inventory: whether its order
    # edits and cancels move its stock, when checkout takes stock); None until read, and then
    # the documented defaults apply (api/bigcommerce/settings.py, docs/stock-events.md).
    inventory_settings: Mapped[dict | None] = mapped_column(JSON, default=None)

    store: Mapped[Store] = relationship()


class BigCommerceWebhook(Base):
    """One webhook delivery: seen once per (store, hash) — BigCommerce repeats deliveries — and
    the job that processes it in the worker, never in the request."""

    __tablename__ = "bigcommerce_webhooks"
    __table_args__ = (
        UniqueConstraint("store_id", "hash"),
        Index("ix_bigcommerce_webhooks_due", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id", ondelete="CASCADE"))
    hash: Mapped[str] = mapped_column(String(128))
    scope: Mapped[str] = mapped_column(String(100))
    payload: Mapped[dict] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(20), default="pending")  # pending | running | done | failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    last_error: Mapped[str] = mapped_column(Text, default="")
    received_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    done_at: Mapped[datetime | None] = mapped_column(DateTime, default=None)
