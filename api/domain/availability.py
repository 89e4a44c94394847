"""What a product page shows: can it ship now, can it be backordered, and when would it ship.

The storefront asks on every product and category page, so the answer is precomputed: one
`VariantAvailability` row per variant holds its stock, queue, backorder capacity, ETA inputs
(inbound still to come, lead time) and chosen alternatives, and a read is one indexed query
joined to the store row (handling days and pay later stay there) plus serialization. Each
worker keeps the items it wrote (`AvailabilityCache`) for as long as the store's availability
version, new in every transaction that writes the store's rows, says they hold: then an answer
reads only the store row.

Keeping the rows current — the one entry point is `refresh_availability(session, variant_pks)`:
it rewrites the rows of those variants from the catalog, queue and inbound as the session sees
them, and the alternatives of every other variant whose list their change can move (same
category and near enough in price, or curating them). It runs in the caller's transaction, so
the rows commit (or roll back) with the change itself; an answer is never stale once a change
has committed.

- Changes made through the ORM to variants, lines or inbound shipments are picked up on their
  own: `after_flush` notes the variants touched and `before_commit` refreshes them (and
  `availability` refreshes them first when the same transaction reads). Every domain path
  (orders, receipts, cancellations, switches, catalog and inbound edits, sync) is covered so.
- Code that writes those tables with Core statements (bulk INSERT/UPDATE, a stock ledger
  applied in SQL) must call `refresh_availability` itself for the variants it wrote, after
  taking every lock it needs (on PostgreSQL a refresh that moves alternatives locks the store
  row, so alternatives are recomputed one transaction at a time per store).
"""
import json
import secrets
from bisect import bisect_left
from collections import defaultdict
from datetime import date
from functools import lru_cache
from operator import itemgetter
from threading import Lock
from typing import Iterable

from sqlalchemy import String, and_, cast, delete, event, inspect, or_, select, true
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from api.domain.backorders import backorder_capacity, supply_curves, waiting_units
from api.domain.bulk import insert_rows, update_rows
from api.domain.dates import WEEKDAYS, today_in
from api.domain.eta import Calendar, SupplyCurve, eta_for
from api.domain.reasons import language, reason_text
from api.models import AvailabilityVersion, InboundShipment, Line, Store, Variant, VariantAvailability

IN_STOCK, BACKORDER, SOLD_OUT = "in_stock", "backorder", "sold_out"
MAX_ALTERNATIVES = 4
CHUNK = 1000  # ids per IN (...) list
NOTED = "availability_noted"  # session.info key: variant pks changed since the last refresh
WRITTEN = "availability_written"  # session.info key: stores whose availability rows were written

AVAILABILITY = VariantAvailability.__table__


# --- reading -----------------------------------------------------------------------------------


def availability(
    session: Session,
    store: Store,
    *,
    product_ids: list[int] | None = None,
    variant_ids: list[int] | None = None,
    quantity: int = 1,
    locale: str | None = None,
) -> list[dict]:
    """One item per variant asked for (directly or through its product), by product and variant."""
    found = availability_json(session, store.hash, product_ids=product_ids, variant_ids=variant_ids,
                              quantity=quantity, locale=locale)
    return json.loads(found[1])["items"] if found else []


def availability_json(
    session: Session,
    store_hash: str,
    *,
    product_ids: list[int] | None = None,
    variant_ids: list[int] | None = None,
    quantity: int = 1,
    locale: str | None = None,
) -> tuple[tuple[str, ...], str] | None:
    """The store's storefront origins and the storefront's answer as JSON text, {"items": [...]}
    with one item per variant asked for, by product then variant: one query. None when the store
    is not known (or not active). It sees the session's own changes, committed or not."""
    if session.info.get(NOTED):
        _refresh_noted(session)  # this transaction's own changes, not yet committed
    connection = session.connection()
    column = "product_id" if product_ids is not None else "variant_id"
    found = connection.exec_driver_sql(*_read_query(
        connection.dialect.name == "postgresql", store_hash, column,
        product_ids if product_ids is not None else (variant_ids or []))).all()
    if not found:
        return None
    items = sorted(_items(found[0], found, quantity, locale, today_in(found[0][2])))
    return _origins(found[0][0]), '{"items":[' + ",".join(text for _, text in items) + "]}"


class AvailabilityCache:
    """The storefront's items as a worker last wrote them, to answer again without reading them.

    By (store hash, quantity, language), one generation: what its items were written for, and
    its items by variant id — (product id, variant id) and the item's JSON text, or () for a
    variant the store does not have — and by product id (its variants' items). "Written for" is
    what an item depends on besides its own row: the store's availability version and settings
    (today in its time zone, handling and working days, pay later). Every transaction that
    writes a store's availability rows gives the store a new random version as it commits, so a
    generation is used while the database gives what it was written for, and replaced by the
    first read that gives something else. At most `size` items in all (by variant and in
    products), whole generations let go first kept first. One per app (so per database), shared
    by a worker's threads. Entries hold only tuples, strings and numbers, which the garbage
    collector stops tracking: a full cache costs it nothing."""

    def __init__(self, size: int) -> None:
        self.size, self._lock = max(size, 0), Lock()
        self.generations: dict[tuple, _Generation] = {}
        self.versions: dict[str, int | None] = {}  # each store's version as last read
        self._held = 0

    def held(self) -> int:
        """Items held, by variant and in products."""
        return self._held

    def generation(self, key: tuple, written_for: tuple) -> "_Generation":
        """The generation of `key` written for this, made afresh if the one kept is for anything
        else (it is let go: nothing of it holds any more)."""
        kept = self.generations.get(key)
        if kept is not None and kept.written_for == written_for:
            return kept
        with self._lock:
            kept = self.generations.pop(key, None)
            if kept is not None:
                self._held -= kept.held
            self.generations[key] = fresh = _Generation(written_for)
        return fresh

    def keep(self, key: tuple, generation: "_Generation", by_variant: dict, by_product: dict) -> None:
        """Add items read to the generation of `key`; when full, first let go down to nine tenths
        what was kept first (whole generations, then the first items of the next)."""
        at_most = len(by_variant) + sum(map(_weight, by_product.values()))
        if not self.size or at_most > self.size:
            return
        with self._lock:
            if self.generations.get(key) is not generation:
                return  # replaced meanwhile by a newer read: these items are not of it
            if self._held + at_most > self.size:
                self._let_go(self.size * 9 // 10 - at_most)
                if self.generations.get(key) is not generation:  # let go itself: starts again
                    generation.items.clear()
                    generation.products.clear()
                    generation.held = 0
                    self.generations[key] = generation
            # Only what is new counts: a product's read brings variants kept already, say.
            added = sum(1 for variant_id in by_variant if variant_id not in generation.items)
            added += sum(_weight(items) - _weight(generation.products.get(product_id, ()))
                         if product_id in generation.products else _weight(items)
                         for product_id, items in by_product.items())
            generation.items.update(by_variant)
            generation.products.update(by_product)
            generation.held += added
            self._held += added

    def _let_go(self, target: int) -> None:
        for key in list(self.generations):
            if self._held <= target:
                return
            first = self.generations[key]
            if self._held - first.held >= target:
                del self.generations[key]
                self._held -= first.held
                continue
            for shelf, weight in ((first.items, None), (first.products, _weight)):
                # Chosen in one pass, then taken out: a dict popped at its front one key at a
                # time rescans its emptied start every time.
                chosen, freed = [], 0
                for kept_key, entry in shelf.items():
                    if self._held - freed <= target:
                        break
                    chosen.append(kept_key)
                    freed += weight(entry) if weight else 1
                for kept_key in chosen:
                    del shelf[kept_key]
                first.held -= freed
                self._held -= freed


def _weight(product_items: tuple) -> int:
    """What a product's entry counts for against the size: its items (an empty one, one)."""
    return len(product_items) or 1


class _Generation:
    __slots__ = ("written_for", "items", "products", "held")

    def __init__(self, written_for: tuple) -> None:
        self.written_for, self.items, self.products, self.held = written_for, {}, {}, 0


def storefront_availability_json(
    dbapi_connection,
    dialect: str,
    store_hash: str,
    cache: AvailabilityCache,
    *,
    product_ids: list[int] | None = None,
    variant_ids: list[int] | None = None,
    quantity: int = 1,
    locale: str | None = None,
) -> tuple[tuple[str, ...], str] | None:
    """What `availability_json` answers, read on a DBAPI connection in autocommit: the hot path of
    every product and category page.
    - When the worker keeps a generation of items written at the store's version as it last
      read it, one statement reads the store row: if it still gives what the generation was
      written for, its items are used as they are. (A generation of an older version is known
      to be stale: on a store that keeps changing, the store row is not read for it.)
    - The other ids are read with the store row in one statement, and kept. Should the store's
      version have changed between the two statements, every id is read again, so that the
      answer is one snapshot's: as fresh as the last commit before it.
    No BEGIN, no ROLLBACK, and on PostgreSQL one statement text whatever the number of ids, so
    psycopg prepares each once per connection."""
    by_product = product_ids is not None
    ids = list(dict.fromkeys(product_ids if by_product else (variant_ids or [])))
    key = (store_hash, quantity, language(locale))  # what an item's text depends on
    generation = cache.generations.get(key)
    postgresql = dialect == "postgresql"
    items, missing, used_kept = [], ids, False
    cursor = dbapi_connection.cursor()
    try:
        if not ids or (generation is not None and generation.written_for[0] == cache.versions.get(store_hash)):
            cursor.execute(_STORE_SQL[postgresql], (store_hash,))
            store = cursor.fetchone()
            if store is None:
                return None
            written_for = _written_for(store)
            cache.versions[store_hash] = written_for[0]
            if generation is not None and generation.written_for == written_for:
                shelf = (generation.products if by_product else generation.items).get
                kept = [shelf(i) for i in ids]
                if None in kept:
                    missing = [i for i, entry in zip(ids, kept) if entry is None]
                    kept = [entry for entry in kept if entry is not None]
                else:
                    missing = []
                used_kept = bool(kept)
                # A variant's entry is its item, or () when the store does not have it; a
                # product's, its variants' items.
                items = [item for entry in kept for item in entry] if by_product else [entry for entry in kept if entry]
        if missing:
            column = "product_id" if by_product else "variant_id"
            cursor.execute(*_read_query(postgresql, store_hash, column, missing))
            found = cursor.fetchall()
            if found and used_kept and _written_for(found[0]) != written_for:
                items, missing = [], ids  # changed in between: all of them, in one snapshot
                cursor.execute(*_read_query(postgresql, store_hash, column, ids))
                found = cursor.fetchall()
            if not found:
                return None
            store, written_for = found[0], _written_for(found[0])
            cache.versions[store_hash] = written_for[0]
            by_variant, read = {}, defaultdict(list)  # read: by the id asked
            for item in _items(store, found, quantity, locale, written_for[1]):
                by_variant[item[0][1]] = item
                read[item[0][not by_product]].append(item)
            if by_product:
                by_product_items = {i: tuple(read[i]) for i in missing}
            else:
                by_product_items = {}
                by_variant.update((i, ()) for i in missing if i not in read)  # variants the store does not have
            items += [item for i in missing for item in read.get(i, ())]
            cache.keep(key, cache.generation(key, written_for), by_variant, by_product_items)
    finally:
        cursor.close()
    items.sort(key=_by_order)
    return _origins(store[0]), '{"items":[' + ",".join(map(_text, items)) + "]}"


@lru_cache(maxsize=4096)
def _origins(stored: str | None) -> tuple[str, ...]:
    """A store's storefront origins as stored (JSON text), parsed once for as long as it is read."""
    return tuple(json.loads(stored or "[]"))


def _written_for(store: tuple) -> tuple:
    """What a store row's items depend on besides their own rows: its availability version and
    settings, and today in its time zone."""
    _, handling_days, timezone, working_days, pay_later, version = store[:STORE_COLUMNS]
    return version, today_in(timezone), handling_days, working_days, bool(pay_later)


def _read_query(postgresql: bool, store_hash: str, column: str, ids: list[int]) -> tuple[str, tuple]:
    if postgresql:  # one array parameter: the same statement for any number of ids, sent as an
        # array literal (the ids are validated integers): cheaper than adapting a list
        return _READ_SQL[True].format(column=column, ids="= ANY(%s::bigint[])"), ("{" + ",".join(map(str, ids)) + "}", store_hash)
    return _READ_SQL[False].format(column=column, ids=f"IN ({','.join('?' * len(ids)) or 'NULL'})"), (*ids, store_hash)


def _items(store: tuple, rows: list, quantity: int, locale: str | None, today: date) -> list[tuple[tuple[int, int], str]]:
    """Each row's item as JSON text, written directly (its alternatives copied in as stored), by
    (product id, variant id)."""
    _, handling_days, _, working_days, pay_later = store[:5]
    calendar = Calendar(today=today, handling_days=handling_days,
                        working_days=tuple(json.loads(working_days or "null") or WEEKDAYS))
    items, etas = [], {}
    for (product_id, variant_id, sku, on_hand, waiting, capacity, lead_time_days, supply, message, reason,
         reason_code, alternatives) in (row[STORE_COLUMNS:] for row in rows):
        if variant_id is None:  # the store has none of the ids asked
            continue
        on_hand = max(on_hand, 0)
        shortfall = max(quantity - on_hand, 0)
        eta = "null"
        if shortfall == 0:
            state = IN_STOCK
        elif capacity is None or shortfall <= capacity:
            state = BACKORDER
            # Variants with the same supply and lead time (every variant with no inbound, say)
            # share an ETA: worked out once per answer.
            key = (waiting + shortfall, supply, lead_time_days)
            eta = etas.get(key)
            if eta is None:
                found = eta_for(key[0], _supply_curve(supply), lead_time_days=lead_time_days, calendar=calendar)
                eta = etas[key] = (f'{{"date":"{found.date.isoformat()}","source":"{found.source}"}}' if found.date
                                   else f'{{"date":null,"source":"{found.source}"}}')
        else:
            state = IN_STOCK if on_hand else SOLD_OUT
        # The contract's fields, in its order (a test compares this with the schema's dump).
        items.append(((product_id, variant_id),
            f'{{"product_id":{product_id},"variant_id":{variant_id},"sku":{_string(sku)},'
            f'"state":"{state}","available_on_hand":{on_hand},'
            f'"available_for_backorder":{"null" if capacity is None else capacity},"eta":{eta},'
            f'"message":{_string(message)},"reason":{_string(reason_text(reason_code, reason, locale))},'
            f'"pay_later":{"true" if pay_later and state == BACKORDER else "false"},'
            f'"alternatives":{alternatives if state != IN_STOCK else "[]"}}}'))
    return items


@lru_cache(maxsize=4096)
def _supply_curve(supply: str) -> SupplyCurve:
    """A stored supply curve (JSON text), parsed once for as long as it is read: it is immutable,
    and most variants share a few (no inbound at all, above all)."""
    return SupplyCurve(tuple((date.fromisoformat(day), total) for day, total in json.loads(supply)))


# Written out for SQLite and for PostgreSQL (psycopg's markers), [postgresql]: SQLAlchemy
# expanding a 50-id IN list costs more than the query.
_STORE = ("SELECT CAST(s.storefront_origins AS TEXT), s.handling_days, s.timezone, CAST(s.working_days AS TEXT),"
          " s.pay_later_enabled, v.version")
_STORES = "stores s LEFT OUTER JOIN availability_versions v ON v.store_id = s.id"  # no version before any write
STORE_COLUMNS = 6
_STORE_SQL = tuple(f"{_STORE} FROM {_STORES} WHERE s.hash = {marker} AND s.active" for marker in ("?", "%s"))
_READ_SQL = tuple(
    f"{_STORE}, a.product_id, a.variant_id, a.sku, a.on_hand, a.waiting, a.capacity, a.lead_time_days, a.supply,"
    " a.message, a.reason, a.reason_code, a.alternatives"
    f" FROM {_STORES} LEFT OUTER JOIN variant_availability a ON a.store_id = s.id AND a.{{column}} {{ids}}"
    f" WHERE s.hash = {marker} AND s.active"
    # No ORDER BY: it would tempt the planner into the product index for variant ids.
    for marker in ("?", "%s"))
_string = json.encoder.encode_basestring_ascii  # what json.dumps writes for a str
_by_order, _text = itemgetter(0), itemgetter(1)  # an item's (product id, variant id), its JSON text


def _dumps(value) -> str:
    return json.dumps(value, separators=(",", ":"))


def alternative_dict(variant: Variant) -> dict:
    return {
        "product_id": variant.product_id,
        "variant_id": variant.variant_id,
        "name": variant.name,
        "price": variant.price,
        "currency": variant.currency,
        "url": variant.url,
        "image_url": variant.image_url,
    }


def alternatives_of(session: Session, store: Store, variant: Variant) -> list[Variant]:
    """The variant's alternatives as the storefront shows them, as variants (worked out afresh:
    the shopper's switch must offer exactly what is on hand now)."""
    candidates = _Candidates(session, store.id)
    candidates.load([variant.category] if variant.category else [], variant.alternatives or [])
    chosen, _ = candidates.choose(variant.id, variant.category, variant.price, variant.alternatives or [])
    by_pk = {v.id: v for v in session.scalars(select(Variant).where(Variant.id.in_([pk for pk, _ in chosen])))}
    return [by_pk[pk] for pk, _ in chosen]


# --- keeping the rows current --------------------------------------------------------------------


def refresh_availability(session: Session, variant_pks: Iterable[int]) -> None:
    """Rewrite the precomputed availability of these variants (by primary key) from what the
    session sees, and the alternatives of every variant whose list their change can move. Call it
    in the transaction that made the change, after taking every lock it needs; variants that no
    longer exist lose their row. A fixed number of statements for up to 1,000 variants."""
    pks = sorted(set(variant_pks))
    if not pks:
        return
    session.flush()
    variants = {row.id: row for chunk in _chunks(pks) for row in session.execute(
        select(Variant.id, Variant.store_id, Variant.variant_id, Variant.product_id, Variant.sku,
               Variant.name, Variant.price, Variant.currency, Variant.url, Variant.image_url,
               Variant.category, Variant.on_hand, Variant.backorders_enabled, Variant.backorder_limit,
               Variant.lead_time_days, Variant.message, Variant.reason, Variant.reason_code,
               Variant.alternatives)
        .where(Variant.id.in_(chunk)))}
    a = AVAILABILITY.c
    old = {row.variant_pk: row for chunk in _chunks(pks) for row in session.execute(
        select(a.variant_pk, a.store_id, a.variant_id, a.category, a.price, a.curated, a.offer)
        .where(a.variant_pk.in_(chunk)))}
    waiting, curves = {}, {}
    for chunk in _chunks(list(variants)):
        waiting.update(waiting_units(session, chunk))
        curves.update(supply_curves(session, chunk))

    rows, moved, rechoose = {}, [], set()
    for pk, v in variants.items():
        queued = waiting.get(pk, 0)
        offer = _offer(v)
        rows[pk] = {
            "variant_pk": pk, "store_id": v.store_id, "variant_id": v.variant_id,
            "product_id": v.product_id, "sku": v.sku, "message": v.message, "reason": v.reason,
            "reason_code": v.reason_code,
            "on_hand": v.on_hand, "waiting": queued, "capacity": backorder_capacity(v, queued),
            "lead_time_days": v.lead_time_days,
            "supply": _dumps([[day.isoformat(), total] for day, total in curves[pk].points]),
            "category": v.category, "price": v.price, "curated": list(v.alternatives or []),
            "offer": offer,
        }
        before = old.get(pk)
        if before is None or (before.category, before.price, before.curated) != (v.category, v.price, rows[pk]["curated"]):
            rechoose.add(pk)
        if before is None or (before.category, before.offer) != (v.category, offer):
            moved.append((v.store_id, v.variant_id, before, v.category, offer))
    for pk in set(old) - set(variants):  # deleted: whoever showed it must look again
        moved.append((old[pk].store_id, old[pk].variant_id, old[pk], None, None))

    # Each store written gets a new availability version as the transaction commits.
    session.info.setdefault(WRITTEN, set()).update({row["store_id"] for row in rows.values()} | {m[0] for m in moved})
    if moved or rechoose:
        stores = sorted({row["store_id"] for pk, row in rows.items() if pk in rechoose} | {m[0] for m in moved})
        if session.get_bind().dialect.name == "postgresql":
            # FOR NO KEY UPDATE: rows referencing the store (lines, orders, its version row)
            # may still be inserted meanwhile.
            session.execute(select(Store.id).where(Store.id.in_(stores)).order_by(Store.id)
                            .with_for_update(key_share=True))
        rechoose |= _whose_alternatives_move(session, moved)

    if set(old) - set(variants):
        session.execute(delete(AVAILABILITY).where(a.variant_pk.in_(sorted(set(old) - set(variants)))))
    chosen = _choose_alternatives(session, rechoose, rows)
    insert_rows(session, AVAILABILITY, [rows[pk] | chosen[pk] for pk in sorted(rows) if pk not in old])
    update_rows(session, AVAILABILITY, "variant_pk", [rows[pk] for pk in sorted(rows) if pk in old])
    update_rows(session, AVAILABILITY, "variant_pk", [
        {"variant_pk": pk, **choice} for pk, choice in sorted(chosen.items()) if pk in old or pk not in rows])


def _offer(variant) -> dict | None:
    """The variant as someone else's alternative: only while on hand."""
    if variant.on_hand <= 0:
        return None
    return {"product_id": variant.product_id, "variant_id": variant.variant_id, "name": variant.name,
            "price": variant.price, "currency": variant.currency, "url": variant.url,
            "image_url": variant.image_url}


def _whose_alternatives_move(session: Session, moved: list) -> set[int]:
    """Variants whose alternatives a change of these variants (as offers) can move: those of the
    same category near enough in price that the offer ranks (or ranked) among theirs, and those
    curating them."""
    a = AVAILABILITY.c
    near, curated = [], defaultdict(set)
    for store_id, variant_id, before, category, offer in moved:
        curated[store_id].add(variant_id)
        if before is not None and before.offer is not None and before.category:
            near.append((store_id, before.category, before.offer["price"]))
        if offer is not None and category:
            near.append((store_id, category, offer["price"]))
    found = set()
    if len(set(near)) > 100:  # a bulk change: every variant of those categories, in one query each
        for store_id, categories in _group(near).items():
            for batch in _chunks(sorted(categories), 100):
                found.update(session.scalars(select(a.variant_pk).where(
                    a.store_id == store_id, a.category.in_(batch))))
        near = []
    for batch in _chunks(sorted(set(near)), 100):
        found.update(session.scalars(select(a.variant_pk).where(or_(*(
            and_(a.store_id == store_id, a.category == category,
                 or_(a.reach.is_(None), and_(a.price >= price - a.reach, a.price <= price + a.reach)))
            for store_id, category, price in batch)))))
    for store_id, ids in curated.items():
        text = cast(a.curated, String)
        rows = session.execute(
            select(a.variant_pk, a.curated).where(
                a.store_id == store_id, text != "[]",
                or_(*(text.like(f"%{i}%") for i in ids)) if len(ids) <= 50 else true()))
        found.update(pk for pk, curating in rows if ids.intersection(curating))
    return found


def _choose_alternatives(session: Session, pks: set[int], rows: dict[int, dict]) -> dict[int, dict]:
    """{pk: {"alternatives": [...], "reach": …}} for these variants, from the catalog now."""
    if not pks:
        return {}
    a = AVAILABILITY.c
    wanted = {pk: (row["store_id"], row["category"], row["price"], row["curated"])
              for pk, row in rows.items() if pk in pks}
    rest = sorted(pks - set(wanted))
    for chunk in _chunks(rest):
        for pk, store_id, category, price, curated in session.execute(
                select(a.variant_pk, a.store_id, a.category, a.price, a.curated).where(a.variant_pk.in_(chunk))):
            wanted[pk] = (store_id, category, price, curated)
    by_store = defaultdict(list)
    for pk, (store_id, category, price, curated) in wanted.items():
        by_store[store_id].append((pk, category, price, curated))
    result = {}
    for store_id, entries in by_store.items():
        candidates = _Candidates(session, store_id)
        candidates.load({category for _, category, _, _ in entries if category},
                        {i for _, _, _, curated in entries for i in curated})
        for pk, category, price, curated in entries:
            chosen, reach = candidates.choose(pk, category, price, curated)
            result[pk] = {"alternatives": _dumps([offer for _, offer in chosen]), "reach": reach}
    return result


class _Candidates:
    """The on-hand variants a store's alternatives are chosen from, loaded once per refresh:
    each category's by price, and the curated ones by variant id."""

    def __init__(self, session: Session, store_id: int) -> None:
        self.session, self.store_id = session, store_id
        self.prices: dict[str, list[int]] = {}  # category -> distinct prices, ascending
        self.at_price: dict[str, list[list[tuple]]] = {}  # category -> per price, by variant id
        self.curated: dict[int, tuple] = {}

    def _on_hand(self, *where):
        return self.session.execute(
            select(Variant.id, Variant.variant_id, Variant.product_id, Variant.name, Variant.price,
                   Variant.currency, Variant.url, Variant.image_url, Variant.category)
            .where(Variant.store_id == self.store_id, Variant.on_hand > 0, *where)
            .order_by(Variant.category, Variant.price, Variant.variant_id))

    def load(self, categories: Iterable[str], curated_ids: Iterable[int]) -> None:
        categories, curated_ids = sorted(categories), sorted(set(curated_ids))
        grouped: dict[str, dict[int, list]] = defaultdict(dict)
        for chunk in _chunks(categories, 100):
            for row in self._on_hand(Variant.category.in_(chunk)):
                grouped[row.category].setdefault(row.price, []).append(_as_candidate(row))
        for category in categories:
            prices = grouped.get(category, {})
            self.prices[category] = list(prices)
            self.at_price[category] = list(prices.values())
        for chunk in _chunks(curated_ids):
            for row in self._on_hand(Variant.variant_id.in_(chunk)):
                self.curated[row.variant_id] = _as_candidate(row)

    def choose(self, pk: int, category: str, price: int, curated: list[int]) -> tuple[list[tuple], int | None]:
        """The merchant's curated alternatives on hand first, in their order, then others of the
        same category (its own product's other variants included) at the closest price, one per
        product, closest first (ties: lower variant id); at most MAX_ALTERNATIVES, never the
        variant itself. Also the reach: the price distance of the last automatic one ranked,
        when as many as could be needed were found."""
        chosen = [self.curated[i] for i in curated if i in self.curated]
        enough = MAX_ALTERNATIVES + len(curated)  # each curated one displaces at most one
        automatic, reach = self._closest(pk, category, price, enough) if category else ([], None)
        seen = {c[1]["variant_id"] for c in chosen}
        products = {c[1]["product_id"] for c in chosen}
        for candidate in automatic:
            if len(chosen) >= MAX_ALTERNATIVES:
                break
            offer = candidate[1]
            if offer["variant_id"] not in seen and offer["product_id"] not in products:
                chosen.append(candidate)
                products.add(offer["product_id"])
        return chosen[:MAX_ALTERNATIVES], reach

    def _closest(self, pk: int, category: str, price: int, limit: int) -> tuple[list[tuple], int | None]:
        prices, groups = self.prices.get(category, []), self.at_price.get(category, [])
        right = bisect_left(prices, price)
        left = right - 1
        found, products = [], set()
        while len(found) < limit and (left >= 0 or right < len(prices)):
            left_gap = price - prices[left] if left >= 0 else None
            right_gap = prices[right] - price if right < len(prices) else None
            if right_gap is None or (left_gap is not None and left_gap < right_gap):
                group, gap, left = groups[left], left_gap, left - 1
            elif left_gap is None or right_gap < left_gap:
                group, gap, right = groups[right], right_gap, right + 1
            else:  # as far below as above: both, by variant id
                group = sorted(groups[left] + groups[right], key=lambda c: c[1]["variant_id"])
                gap, left, right = left_gap, left - 1, right + 1
            for candidate in group:
                offer = candidate[1]
                if candidate[0] != pk and offer["product_id"] not in products:
                    products.add(offer["product_id"])
                    found.append(candidate)
                    if len(found) == limit:
                        return found, gap
        return found, None


def _as_candidate(row) -> tuple[int, dict]:
    return row.id, {"product_id": row.product_id, "variant_id": row.variant_id, "name": row.name,
                    "price": row.price, "currency": row.currency, "url": row.url, "image_url": row.image_url}


def _group(near: list) -> dict[int, set[str]]:
    categories = defaultdict(set)
    for store_id, category, _ in near:
        categories[store_id].add(category)
    return categories


def _chunks(items: list, size: int = CHUNK):
    for start in range(0, len(items), size):
        yield items[start:start + size]


# --- picking up ORM changes --------------------------------------------------------------------


def _note_changes(session: Session, _flush_context) -> None:
    noted = session.info.setdefault(NOTED, set())
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, Variant):
            noted.add(obj.id)
            if obj in session.deleted:  # its row went with it (ON DELETE CASCADE): no refresh writes it
                session.info.setdefault(WRITTEN, set()).add(obj.store_id)
        elif isinstance(obj, (Line, InboundShipment)):
            noted.add(obj.variant_pk)
            moved_from = inspect(obj).committed_state.get("variant_pk")  # its value before, if changed
            if isinstance(moved_from, int):  # moved to another variant: the old one changed too
                noted.add(moved_from)


def _refresh_noted(session: Session) -> None:
    session.flush()
    while session.info.get(NOTED):
        noted = session.info.pop(NOTED)
        noted.discard(None)
        refresh_availability(session, noted)


def _new_versions(session: Session) -> None:
    """Before commit: the refresh of what is still noted, then, as the whole transaction commits
    (not a savepoint), a new availability version for each store written: random, so that no two
    transactions, in any process, give the same one. The last statements of the transaction, on
    rows that exist from the store's creation (an UPDATE: no foreign-key check locks the store)."""
    _refresh_noted(session)
    written = session.info.get(WRITTEN)
    if not written or session.in_nested_transaction():
        return
    del session.info[WRITTEN]
    dialect = session.get_bind().dialect.name
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    for store_id in sorted(written):  # in id order, so two commits never wait on each other crosswise
        statement = insert(AvailabilityVersion).values(store_id=store_id, version=secrets.randbits(63))
        session.execute(statement.on_conflict_do_update(index_elements=["store_id"],
                                                        set_={"version": statement.excluded.version}))


def _first_version(_mapper, connection, store: Store) -> None:
    """A new store's version row, in the transaction that adds the store."""
    connection.execute(AvailabilityVersion.__table__.insert().values(store_id=store.id, version=secrets.randbits(63)))


def _forget_noted(session: Session, previous_transaction) -> None:
    if previous_transaction.parent is None:  # the whole transaction; a savepoint's keeps them
        session.info.pop(NOTED, None)
        session.info.pop(WRITTEN, None)


def keep_fresh(session_class=Session) -> None:
    """Refresh the availability of every variant changed through the ORM before its transaction
    commits, give each store written a new availability version, and each new store its version
    row (registered once, in api/db.py)."""
    if not event.contains(session_class, "after_flush", _note_changes):
        event.listen(session_class, "after_flush", _note_changes)
        event.listen(session_class, "before_commit", _new_versions)
        event.listen(session_class, "after_soft_rollback", _forget_noted)
        event.listen(Store, "after_insert", _first_version)
