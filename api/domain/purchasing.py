"""Purchase orders: inbound stock ordered from one supplier, line by line (each line is an
inbound shipment of one variant). Receiving a line goes through the same receipt as any other
(first come first served); a line can be received in several parts. Status follows the lines:
open, partly_received, received, or cancelled (what was not received stops counting as supply).

A draft (the reorder job's proposal) is no supply at all until the merchant approves it:
approving orders it from the supplier (an email with the order as a table and a CSV file) and
dates its lines today + the supplier's lead time, so waiting shoppers get a date at once."""
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, selectinload

from api.domain import clock
from api.domain.availability import refresh_availability
from api.domain.backorders import (
    DRAFT, Allocation, lock_variant, receive, recompute_etas, settle_purchase_order,
)
from api.domain.csv_files import is_whole_number, read_rows
from api.domain.dates import store_today
from api.domain.errors import Conflict, Invalid, NotFound
from api.domain.events import notify
from api.domain.suppliers import supplier_for, supplier_named
from api.models import InboundShipment, PurchaseOrder, Store, Supplier, Variant

OPEN, PARTLY_RECEIVED, RECEIVED, CANCELLED = "open", "partly_received", "received", "cancelled"
STATUSES = (DRAFT, OPEN, PARTLY_RECEIVED, RECEIVED, CANCELLED)


def _with_lines():
    return selectinload(PurchaseOrder.lines).joinedload(InboundShipment.variant)


def list_purchase_orders(
    session: Session, store: Store, *, status: str | None, search: str | None, page: int, per_page: int,
) -> tuple[list[PurchaseOrder], int]:
    query = select(PurchaseOrder).where(PurchaseOrder.store_id == store.id)
    if status:
        query = query.where(PurchaseOrder.status == status)
    if search:
        pattern = f"%{search.lower()}%"
        query = query.where(or_(func.lower(PurchaseOrder.supplier).like(pattern),
                                func.lower(PurchaseOrder.reference).like(pattern)))
    total = session.scalar(select(func.count()).select_from(query.subquery()))
    items = session.scalars(
        query.options(_with_lines()).order_by(PurchaseOrder.id.desc())
        .offset((page - 1) * per_page).limit(per_page)
    ).all()
    return list(items), total


def get_purchase_order(session: Session, store: Store, purchase_order_id: int) -> PurchaseOrder:
    purchase_order = session.scalar(
        select(PurchaseOrder).where(PurchaseOrder.id == purchase_order_id, PurchaseOrder.store_id == store.id)
        .options(_with_lines())
    )
    if purchase_order is None:
        raise NotFound(f"No purchase order {purchase_order_id} in this store.")
    return purchase_order


def _lock_variants(session: Session, store: Store, variant_ids, field_path) -> dict[int, Variant]:
    """Lock the variants named, in a fixed order (no deadlock between two writers); an unknown
    one is a field error at `field_path(variant_id)`."""
    variants, errors = {}, {}
    for variant_id in sorted(set(variant_ids)):
        try:
            variants[variant_id] = lock_variant(session, store, variant_id)
        except NotFound:
            errors.update(field_path(variant_id))
    if errors:
        raise Invalid("A line names a variant that is not in the catalog.", {"json": errors})
    return variants


def _supplier(session: Session, store: Store, name: str | None, supplier_id: int | None) -> tuple[str, int | None]:
    """The supplier's name and id for a purchase order given either or both: the id's supplier
    gives its name; a name alone is linked to the store's supplier of that name, if there is one."""
    if supplier_id is not None:
        found = supplier_for(session, store, supplier_id)
        if name and name != found.name:
            raise Invalid("The supplier's name and id disagree.",
                          {"json": {"supplier": [f"Supplier {supplier_id} is {found.name}."]}})
        return found.name, found.id
    found = supplier_named(session, store, name) if name else None
    return name or "", found.id if found else None


def create_purchase_order(
    session: Session, store: Store, *, reference: str, expected_on: date, lines: list[dict],
    supplier: str = "", supplier_id: int | None = None,
) -> PurchaseOrder:
    """A new purchase order, from a supplier given by name or id (or both); each waiting line's
    ETA counts its lines from now on."""
    supplier, supplier_id = _supplier(session, store, supplier, supplier_id)
    variants = _lock_variants(
        session, store, [line["variant_id"] for line in lines],
        lambda variant_id: {"lines": {str(i): {"variant_id": ["Unknown variant."]}
                                      for i, line in enumerate(lines) if line["variant_id"] == variant_id}},
    )
    purchase_order = PurchaseOrder(store_id=store.id, supplier=supplier, supplier_id=supplier_id,
                                   reference=reference, expected_on=expected_on, status=OPEN)
    session.add(purchase_order)
    for line in lines:
        purchase_order.lines.append(InboundShipment(
            store_id=store.id, variant_pk=variants[line["variant_id"]].id, quantity=line["quantity"],
            expected_on=line.get("expected_on") or expected_on,
        ))
    session.flush()
    for variant in variants.values():
        recompute_etas(session, store, variant)
    return purchase_order


def update_purchase_order(session: Session, store: Store, purchase_order_id: int, fields: dict) -> PurchaseOrder:
    """Change supplier (by name or id), reference or expected date (which moves every line still to come), and
    the lines: a line with `line_id` is changed, one without is added, and a line left out is
    removed (only if nothing of it was received)."""
    # The order's row first, as approving takes it: an edit and an approval of a draft happen one
    # after the other, so no line is approved that the supplier is not sent.
    session.execute(select(PurchaseOrder.id).where(PurchaseOrder.id == purchase_order_id,
                                                   PurchaseOrder.store_id == store.id).with_for_update())
    purchase_order = get_purchase_order(session, store, purchase_order_id)
    if purchase_order.status == CANCELLED:
        raise Conflict(f"Purchase order {purchase_order_id} is cancelled.")
    given = fields.get("lines")
    touched = {line.variant.variant_id for line in purchase_order.lines}
    touched |= {line["variant_id"] for line in given or [] if "variant_id" in line}
    variants = _lock_variants(
        session, store, touched,
        lambda variant_id: {"lines": {str(i): {"variant_id": ["Unknown variant."]}
                                      for i, line in enumerate(given or []) if line.get("variant_id") == variant_id}},
    )
    if fields.get("supplier_id") is not None or "supplier" in fields:
        purchase_order.supplier, purchase_order.supplier_id = _supplier(
            session, store, fields.get("supplier"), fields.get("supplier_id"))
    elif "supplier_id" in fields:  # null: no longer linked; the name stays
        purchase_order.supplier_id = None
    if "reference" in fields:
        purchase_order.reference = fields["reference"]
    if "expected_on" in fields:
        purchase_order.expected_on = fields["expected_on"]
        for line in purchase_order.lines:
            if line.received_on is None:
                line.expected_on = fields["expected_on"]
    if given is not None:
        _replace_lines(session, store, purchase_order, given, variants)
    session.flush()
    session.refresh(purchase_order)
    settle_purchase_order(purchase_order)
    for variant in variants.values():
        recompute_etas(session, store, variant)
    return purchase_order


def _replace_lines(session, store, purchase_order, given: list[dict], variants: dict[int, Variant]) -> None:
    existing = {line.id: line for line in purchase_order.lines}
    errors: dict = {}
    kept = set()
    for index, line_in in enumerate(given):
        line_id = line_in.get("line_id")
        if line_id is None:
            if "variant_id" not in line_in or "quantity" not in line_in:
                errors[str(index)] = {"variant_id": ["A new line needs variant_id and quantity."]}
                continue
            purchase_order.lines.append(InboundShipment(
                store_id=store.id, variant_pk=variants[line_in["variant_id"]].id, quantity=line_in["quantity"],
                expected_on=line_in.get("expected_on") or purchase_order.expected_on,
            ))
            continue
        line = existing.get(line_id)
        if line is None:
            errors[str(index)] = {"line_id": [f"No line {line_id} on this purchase order."]}
            continue
        kept.add(line_id)
        if "variant_id" in line_in and line_in["variant_id"] != line.variant.variant_id:
            errors[str(index)] = {"variant_id": ["A line's variant cannot change; remove it and add another."]}
            continue
        if "quantity" in line_in:
            if line_in["quantity"] < (line.quantity_received or 0):
                errors[str(index)] = {"quantity": [f"At least {line.quantity_received}: already received."]}
                continue
            line.quantity = line_in["quantity"]
        if "expected_on" in line_in and line.received_on is None:
            line.expected_on = line_in["expected_on"]
    for line_id, line in existing.items():
        if line_id not in kept:
            if line.quantity_received:
                errors.setdefault("_removed", {})[str(line_id)] = ["Part of this line was received: it cannot be removed."]
            else:
                session.delete(line)
    if errors:
        raise Invalid("Some lines cannot be saved; see errors.", {"json": {"lines": errors}})
    if len(kept) + sum(1 for line_in in given if line_in.get("line_id") is None) == 0:
        raise Invalid("A purchase order has at least one line.", {"json": {"lines": ["At least one line."]}})


def cancel_purchase_order(session: Session, store: Store, purchase_order_id: int) -> PurchaseOrder:
    """What was not received stops counting as supply; what was received stays received."""
    purchase_order = get_purchase_order(session, store, purchase_order_id)
    if purchase_order.status in (CANCELLED, RECEIVED):
        raise Conflict(f"Purchase order {purchase_order_id} is already {purchase_order.status}.")
    variants = _lock_variants(session, store, {line.variant.variant_id for line in purchase_order.lines},
                              lambda variant_id: {})
    purchase_order.status = CANCELLED
    session.flush()
    for variant in variants.values():
        recompute_etas(session, store, variant)
    # Only the order's status changed, which the availability rows do not notice by themselves.
    refresh_availability(session, [variant.id for variant in variants.values()])
    return purchase_order


@dataclass(frozen=True)
class LineReceipt:
    line_id: int
    variant_id: int
    quantity: int
    allocations: list[Allocation]


def receive_purchase_order(
    session: Session, store: Store, purchase_order_id: int, lines: list[dict] | None,
) -> tuple[PurchaseOrder, list[LineReceipt]]:
    """Receive some lines in part or in full (`lines`: line_id and quantity), or without `lines`
    everything still expected. Each goes through the receipt, first come first served."""
    purchase_order = get_purchase_order(session, store, purchase_order_id)
    if purchase_order.status == CANCELLED:
        raise Conflict(f"Purchase order {purchase_order_id} is cancelled.")
    if purchase_order.status == DRAFT:
        raise Conflict(f"Purchase order {purchase_order_id} is a draft: approve it first.")
    by_id = {line.id: line for line in purchase_order.lines}
    if lines is None:
        wanted = [(line, line.quantity_expected) for line in purchase_order.lines if line.quantity_expected]
        if not wanted:
            raise Conflict(f"Purchase order {purchase_order_id} has nothing left to receive.")
    else:
        wanted, errors, seen = [], {}, set()
        for index, line_in in enumerate(lines):
            line = by_id.get(line_in["line_id"])
            if line is None:
                errors[str(index)] = {"line_id": [f"No line {line_in['line_id']} on this purchase order."]}
            elif line.id in seen:
                errors[str(index)] = {"line_id": ["Named twice."]}
            elif line_in["quantity"] > line.quantity_expected:
                errors[str(index)] = {"quantity": [f"At most {line.quantity_expected} still expected on this line."]}
            else:
                wanted.append((line, line_in["quantity"]))
            seen.add(line_in["line_id"])
        if errors:
            raise Invalid("Some lines cannot be received; see errors.", {"json": {"lines": errors}})
    receipts = []
    # One variant at a time in a fixed order, as every writer locks them.
    for line, quantity in sorted(wanted, key=lambda item: (item[0].variant.variant_id, item[0].id)):
        allocations, _ = receive(session, store, line.variant.variant_id, quantity, line.id, in_full=False)
        receipts.append(LineReceipt(line.id, line.variant.variant_id, quantity, allocations))
    session.flush()
    return purchase_order, receipts


def approve_purchase_order(session: Session, store: Store, purchase_order_id: int) -> PurchaseOrder:
    """A draft becomes an open purchase order: its lines are expected today + the supplier's lead
    time, count as supply from now on (waiting lines
    get their dates, and `eta_changed` where a date moves), and the supplier is emailed the order
    once (the outbox row's key names the purchase order). Refused while the supplier has no email
    address (or was deleted): the order would not reach them."""
    locked = session.scalar(
        select(PurchaseOrder.status).where(PurchaseOrder.id == purchase_order_id, PurchaseOrder.store_id == store.id)
        .with_for_update())
    if locked is None:
        raise NotFound(f"No purchase order {purchase_order_id} in this store.")
    if locked != DRAFT:
        raise Conflict(f"Purchase order {purchase_order_id} is {locked}, not a draft.")
    purchase_order = get_purchase_order(session, store, purchase_order_id)
    supplier = session.get(Supplier, purchase_order.supplier_id) if purchase_order.supplier_id else None
    # Approving sends the order: never say "sent" when it cannot be.
    if supplier is None:
        raise Conflict(f"Purchase order {purchase_order_id} has no supplier any more (it was deleted): "
                       "cancel the draft, or create the order for another supplier.")
    if not supplier.email:
        raise Conflict(f"{supplier.name} has no email address: add it to the supplier, then approve, "
                       "so the order can be sent to them.")
    variants = _lock_variants(session, store, {line.variant.variant_id for line in purchase_order.lines},
                              lambda variant_id: {})
    expected_on = store_today(store) + timedelta(days=supplier.lead_time_days)
    purchase_order.expected_on = expected_on
    for line in purchase_order.lines:
        line.expected_on = expected_on
    purchase_order.status, purchase_order.approved_at = OPEN, clock.utcnow()
    session.flush()
    for variant in variants.values():
        recompute_etas(session, store, variant)
    # The lines' dates may not have changed: the order's status alone the rows do not notice.
    refresh_availability(session, [variant.id for variant in variants.values()])
    notify(session, store.id, "purchase_order_sent", {
        "email": supplier.email, "locale": "en",
        "purchase_order_id": purchase_order.id, "reference": purchase_order.reference,
        "supplier": purchase_order.supplier, "expected_on": purchase_order.expected_on.isoformat(),
        "lines": [{"sku": line.variant.sku, "name": line.variant.name, "variant_id": line.variant.variant_id,
                   "quantity": line.quantity, "expected_on": line.expected_on.isoformat()}
                  for line in purchase_order.lines],
    }, dedupe_key=f"purchase_order_sent:{purchase_order.id}")
    return purchase_order


# --- CSV import --------------------------------------------------------------------------------

IMPORT_COLUMNS = ("reference", "supplier", "quantity", "expected_on")  # and sku or variant_id
MAX_UNITS = 10_000_000


def import_purchase_orders(session: Session, store: Store, text: str, *, dry_run: bool) -> list:
    """Purchase orders from CSV (columns reference, supplier, sku or variant_id, quantity,
    expected_on; one order per reference). Every row is checked before anything is saved, and a
    file with any error saves nothing: Invalid names each bad row by its line in the file.
    With `dry_run`, the plans (what would be created) are returned and nothing is written."""
    plans = _plan_import(session, store, text)
    if dry_run:
        return plans
    return [
        create_purchase_order(session, store, supplier=plan["supplier"], reference=plan["reference"],
                              expected_on=plan["expected_on"], lines=plan["lines"])
        for plan in plans
    ]


def _plan_import(session: Session, store: Store, text: str) -> list[dict]:
    def missing_columns(columns: set[str]) -> list[str]:
        missing = [name for name in IMPORT_COLUMNS if name not in columns]
        return missing if {"sku", "variant_id"} & columns else [*missing, "sku or variant_id"]

    rows = read_rows(text, missing_columns)

    skus = {row["sku"] for _, row in rows if row.get("sku")}
    ids = {int(row["variant_id"]) for _, row in rows if is_whole_number(row.get("variant_id", ""))}
    known = session.execute(
        select(Variant.variant_id, Variant.sku)
        .where(Variant.store_id == store.id, or_(Variant.sku.in_(skus), Variant.variant_id.in_(ids)))
    ).all()
    by_sku = {sku: variant_id for variant_id, sku in known if sku}
    known_ids = {variant_id for variant_id, _ in known}
    references = {row["reference"] for _, row in rows if row.get("reference")}
    taken = set(session.scalars(
        select(PurchaseOrder.reference).where(PurchaseOrder.store_id == store.id,
                                              PurchaseOrder.reference.in_(references),
                                              PurchaseOrder.status != CANCELLED)))

    errors: dict[str, dict] = {}
    plans: dict[str, dict] = {}
    for line_number, row in rows:
        problems: dict[str, list[str]] = {}
        reference, supplier = row.get("reference", ""), row.get("supplier", "")
        if not reference:
            problems["reference"] = ["Required."]
        elif len(reference) > 200:
            problems["reference"] = ["At most 200 characters."]
        elif reference in taken:
            problems["reference"] = [f"Purchase order {reference} already exists."]
        if not supplier:
            problems["supplier"] = ["Required."]
        elif len(supplier) > 200:
            problems["supplier"] = ["At most 200 characters."]
        elif reference in plans and plans[reference]["supplier"] != supplier:
            problems["supplier"] = [f"Other rows of {reference} name supplier {plans[reference]['supplier']}."]
        variant_id = _variant_of(row, by_sku, known_ids, problems)
        quantity = _whole_number(row.get("quantity", ""), problems)
        expected_on = _date(row.get("expected_on", ""), problems)
        if problems:
            errors[str(line_number)] = problems
            continue
        plan = plans.setdefault(reference, {"reference": reference, "supplier": supplier,
                                            "expected_on": expected_on, "lines": []})
        plan["expected_on"] = min(plan["expected_on"], expected_on)
        plan["lines"].append({"row": line_number, "variant_id": variant_id, "quantity": quantity,
                              "expected_on": expected_on})
    if errors:
        raise Invalid(f"{len(errors)} row(s) have errors; nothing was saved.", {"csv": errors})
    return list(plans.values())


def _variant_of(row: dict, by_sku: dict, known_ids: set, problems: dict) -> int | None:
    sku, raw_id = row.get("sku", ""), row.get("variant_id", "")
    if raw_id:
        if not is_whole_number(raw_id) or int(raw_id) not in known_ids:
            problems["variant_id"] = [f"No variant {raw_id} in the catalog."]
            return None
        if sku and by_sku.get(sku) != int(raw_id):
            problems["sku"] = [f"SKU {sku} is not variant {raw_id}."]
            return None
        return int(raw_id)
    if not sku:
        problems["sku"] = ["Give a SKU or a variant_id."]
        return None
    if sku not in by_sku:
        problems["sku"] = [f"No variant with SKU {sku} in the catalog."]
        return None
    return by_sku[sku]


def _whole_number(text: str, problems: dict) -> int | None:
    if not is_whole_number(text) or not 1 <= int(text) <= MAX_UNITS:
        problems["quantity"] = [f"A whole number from 1 to {MAX_UNITS:,}."]
        return None
    return int(text)


def _date(text: str, problems: dict) -> date | None:
    try:
        return date.fromisoformat(text)
    except ValueError:
        problems["expected_on"] = ["A date such as 2026-12-24."]
        return None
