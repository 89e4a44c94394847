"""Suppliers: who a store buys from, how long they take, and the quantities they sell in. Each
variant may name its supplier; a purchase order names one too. Names are unique in a store, so a
CSV import updates the supplier of the same name rather than adding a second."""

import email_validator
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from api.domain.csv_files import is_whole_number, read_rows
from api.domain.errors import Conflict, Invalid, NotFound
from api.models import PurchaseOrder, Store, Supplier, Variant

FIELDS = ("name", "email", "lead_time_days", "minimum_order_quantity", "pack_size", "auto_reorder", "auto_send")
DEFAULTS = {"email": "", "lead_time_days": 14, "minimum_order_quantity": 1, "pack_size": 1,
            "auto_reorder": False, "auto_send": False}
MAX_LEAD_TIME_DAYS = 3650
MAX_QUANTITY = 10_000_000


def list_suppliers(session: Session, store: Store) -> list[Supplier]:
    return list(session.scalars(select(Supplier).where(Supplier.store_id == store.id).order_by(Supplier.name, Supplier.id)))


def get_supplier(session: Session, store: Store, supplier_id: int) -> Supplier:
    supplier = session.scalar(select(Supplier).where(Supplier.id == supplier_id, Supplier.store_id == store.id))
    if supplier is None:
        raise NotFound(f"No supplier {supplier_id} in this store.")
    return supplier


def supplier_for(session: Session, store: Store, supplier_id: int, path: tuple[str, ...] = ("supplier_id",)) -> Supplier:
    """The store's supplier named in a request body; another store's (or none) is a field error
    at `path` in the body."""
    supplier = session.scalar(select(Supplier).where(Supplier.id == supplier_id, Supplier.store_id == store.id))
    if supplier is None:
        errors: dict | list = [f"No supplier {supplier_id} in this store."]
        for name in reversed(path):
            errors = {name: errors}
        raise Invalid("No such supplier in this store.", {"json": errors})
    return supplier


def supplier_named(session: Session, store: Store, name: str) -> Supplier | None:
    return session.scalar(select(Supplier).where(Supplier.store_id == store.id, Supplier.name == name))


def create_supplier(session: Session, store: Store, fields: dict) -> Supplier:
    _name_is_free(session, store, fields["name"])
    supplier = Supplier(store_id=store.id, **{**DEFAULTS, **fields})
    _can_send(supplier)
    session.add(supplier)
    session.flush()
    return supplier


def update_supplier(session: Session, store: Store, supplier_id: int, fields: dict) -> Supplier:
    supplier = get_supplier(session, store, supplier_id)
    if "name" in fields and fields["name"] != supplier.name:
        _name_is_free(session, store, fields["name"])
    for name, value in fields.items():
        setattr(supplier, name, value)
    _can_send(supplier)
    session.flush()
    return supplier


def delete_supplier(session: Session, store: Store, supplier_id: int) -> None:
    """The supplier goes; its variants and purchase orders keep everything but the link (a
    purchase order keeps the supplier's name as it was given)."""
    supplier = get_supplier(session, store, supplier_id)
    session.execute(update(Variant).where(Variant.supplier_id == supplier.id).values(supplier_id=None))
    session.execute(update(PurchaseOrder).where(PurchaseOrder.supplier_id == supplier.id).values(supplier_id=None))
    session.delete(supplier)
    session.flush()


def is_email(text: str) -> bool:
    try:
        email_validator.validate_email(text, check_deliverability=False)
    except email_validator.EmailNotValidError:
        return False
    return len(text) <= 320


def _name_is_free(session: Session, store: Store, name: str) -> None:
    if supplier_named(session, store, name) is not None:
        raise Conflict(f"A supplier named {name} already exists.", {"json": {"name": ["Already taken."]}})


def _can_send(supplier: Supplier) -> None:
    if supplier.auto_send and not supplier.email:
        raise Invalid("A supplier that gets purchase orders automatically needs an email address.",
                      {"json": {"email": ["Needed to send purchase orders automatically."]}})


# --- CSV import ----------------------------------------------------------------------------------


def import_suppliers(session: Session, store: Store, text: str, *, dry_run: bool) -> list:
    """Suppliers from CSV (a `name` column, and any of email, lead_time_days,
    minimum_order_quantity, pack_size, auto_reorder, auto_send), each created or, when a supplier
    of that name exists, updated (an empty cell or a missing column leaves the field as it is, or
    at its default for a new supplier). Every row is checked before anything is saved, and a file
    with any error saves nothing: Invalid names each bad row by its line in the file. With
    `dry_run`, the plans (row, action create|update, fields) are returned and nothing is written."""
    plans = _plan_import(session, store, text)
    if dry_run:
        return plans
    saved = []
    for plan in plans:
        fields = {name: value for name, value in plan.items() if name in FIELDS}
        existing = supplier_named(session, store, plan["name"])
        saved.append(update_supplier(session, store, existing.id, fields) if existing
                     else create_supplier(session, store, fields))
    return saved


def _plan_import(session: Session, store: Store, text: str) -> list[dict]:
    rows = read_rows(text, lambda columns: [] if "name" in columns else ["name"])
    existing = {supplier.name: supplier for supplier in list_suppliers(session, store)}
    errors: dict[str, dict] = {}
    plans: dict[str, dict] = {}
    for line_number, row in rows:
        problems: dict[str, list[str]] = {}
        fields = _row_fields(row, problems)
        name = fields.get("name", "")
        if name in plans:
            problems["name"] = [f"{name} is named on an earlier row too."]
        if not problems:
            supplier = existing.get(name)
            after = {**DEFAULTS, **({f: getattr(supplier, f) for f in DEFAULTS} if supplier else {}), **fields}
            if after["auto_send"] and not after["email"]:
                problems["email"] = ["Needed to send purchase orders automatically."]
        if problems:
            errors[str(line_number)] = problems
            continue
        plans[name] = {"row": line_number, "action": "update" if name in existing else "create", **fields}
    if errors:
        raise Invalid(f"{len(errors)} row(s) have errors; nothing was saved.", {"csv": errors})
    return list(plans.values())


def _row_fields(row: dict, problems: dict) -> dict:
    """The fields a row gives (empty cells give nothing), each checked like the API checks it."""
    fields = {}
    name = row.get("name", "")
    if not name:
        problems["name"] = ["Required."]
    elif len(name) > 200:
        problems["name"] = ["At most 200 characters."]
    fields["name"] = name
    email = row.get("email", "")
    if email:
        if not is_email(email):
            problems["email"] = ["An email address such as orders@supplier.example."]
        fields["email"] = email
    for column, low, high in (("lead_time_days", 0, MAX_LEAD_TIME_DAYS), ("minimum_order_quantity", 1, MAX_QUANTITY),
                              ("pack_size", 1, MAX_QUANTITY)):
        text = row.get(column, "")
        if not text:
            continue
        if not is_whole_number(text) or not low <= int(text) <= high:
            problems[column] = [f"A whole number from {low} to {high:,}."]
        else:
            fields[column] = int(text)
    for column in ("auto_reorder", "auto_send"):
        text = row.get(column, "").lower()
        if not text:
            continue
        if text not in ("true", "false", "yes", "no", "1", "0"):
            problems[column] = ["true or false."]
        else:
            fields[column] = text in ("true", "yes", "1")
    return fields
