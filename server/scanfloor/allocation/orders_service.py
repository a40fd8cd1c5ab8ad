"""Order capture: one order per (channel, external id), allocated as it lands.

Everything that can be checked without the write lock (channel, SKUs, listings, kits) is
checked first; the write transaction then inserts the order and allocates it. A retried
order (same channel and external id) returns the first one and changes nothing, also when
two copies race: the insert is ON CONFLICT DO NOTHING, and the loser reads the winner's.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection

from ..catalog.codes import sku_key
from ..catalog.models import Item
from ..commands import Command, caller_of
from ..commands.rules import fingerprint_of
from ..errors import NotFound, ValidationFailed
from ..extensions import db
from ..timeutil import utcnow
from .engine import allocate_orders
from .models import Channel, ChannelListing, KitComponent, Order, OrderLine
from .order_history import Actor, Transition, record
from .order_views import OrderView, order_view
from .rules import ExpandedLine, OrderedLine, RuleError, expand_kits

MAX_LINES = 500
MAX_QUANTITY = 10**9
_O = Order.__table__
_EXISTING = select(_O.c.id).where(
    _O.c.channel_id == bindparam("channel_id"), _O.c.external_id == bindparam("external_id")
)
_INSERTS: dict[str, Any] = {}


def _insert_order(dialect: str) -> Any:
    """INSERT ... ON CONFLICT (channel, external id) DO NOTHING, built once per dialect."""
    if dialect not in _INSERTS:
        insert = pg_insert if dialect == "postgresql" else sqlite_insert
        _INSERTS[dialect] = (
            insert(_O)
            .values(
                {
                    c: bindparam(c)
                    for c in (
                        "channel_id",
                        "external_id",
                        "status",
                        "ship_to",
                        "ship_to_region",
                        "ordered_at",
                        "created_by",
                        "created_at",
                        "updated_at",
                    )
                }
            )
            .on_conflict_do_nothing(index_elements=[_O.c.channel_id, _O.c.external_id])
            .returning(_O.c.id)
        )
    return _INSERTS[dialect]


@dataclass(frozen=True)
class LineInput:
    quantity: int
    sku: str | None = None
    listing_id: str | None = None
    price: Decimal | None = None
    promised_ship_date: date | None = None
    # The whole ordered line's discount and sales tax (money, not per unit; a kit's: of all
    # its kits, kept on its first component row). Both need the price; discount <= price x qty.
    discount: Decimal | None = None
    tax: Decimal | None = None


@dataclass(frozen=True)
class OrderInput:
    channel: str
    external_id: str
    lines: Sequence[LineInput]
    ship_to: dict[str, Any] = field(default_factory=dict)
    ordered_at: datetime | None = None


@dataclass(frozen=True)
class Captured:
    order: OrderView
    created: bool


def channel_by_code(code: str) -> Channel:
    ch: Channel | None = db.session.scalar(
        select(Channel).where(Channel.code == code.strip().upper())
    )
    if ch is None:
        raise NotFound("channel not found", {"channel": code})
    return ch


def _existing_id(channel_id: int, external_id: str) -> int | None:
    found = db.session.execute(
        _EXISTING, {"channel_id": channel_id, "external_id": external_id}
    ).scalar()
    return None if found is None else int(found)


def _resolve_items(ch: Channel, lines: Sequence[LineInput]) -> list[int]:
    keys = {sku_key(ln.sku) for ln in lines if ln.sku}
    listings = {ln.listing_id for ln in lines if ln.listing_id and not ln.sku}
    by_key = {
        k: (i, active)
        for k, i, active in db.session.execute(
            select(Item.sku_key, Item.id, Item.active).where(Item.sku_key.in_(keys))
        )
    }
    by_listing: dict[str, int] = {}
    inactive: set[int] = set()
    if listings:
        by_listing = {
            lid: iid
            for lid, iid in db.session.execute(
                select(ChannelListing.listing_id, ChannelListing.item_id).where(
                    ChannelListing.channel_id == ch.id, ChannelListing.listing_id.in_(listings)
                )
            )
        }
        inactive = set(
            db.session.scalars(
                select(Item.id).where(Item.id.in_(set(by_listing.values())), Item.active.is_(False))
            )
        )
    out: list[int] = []
    for n, ln in enumerate(lines):
        if ln.sku:
            hit = by_key.get(sku_key(ln.sku))
            if hit is None:
                raise ValidationFailed("unknown SKU", {"line": n, "sku": ln.sku})
            item_id, active = hit
        elif ln.listing_id:
            if ln.listing_id not in by_listing:
                raise ValidationFailed(
                    "unknown listing for this channel", {"line": n, "listing_id": ln.listing_id}
                )
            item_id = by_listing[ln.listing_id]
            active = item_id not in inactive
        else:
            raise ValidationFailed("a line needs a sku or a listing_id", {"line": n})
        if not active:
            raise ValidationFailed("item is inactive", {"line": n, "item_id": item_id})
        out.append(item_id)
    return out


def _kits(item_ids: set[int]) -> dict[int, dict[int, int]]:
    kits: dict[int, dict[int, int]] = defaultdict(dict)
    rows = db.session.execute(
        select(
            KitComponent.kit_item_id, KitComponent.component_item_id, KitComponent.quantity
        ).where(KitComponent.kit_item_id.in_(item_ids))
    )
    for kit, comp, qty in rows:
        kits[kit][comp] = qty
    return kits


def _check(inp: OrderInput) -> None:
    if not inp.external_id.strip() or len(inp.external_id) > 100:
        raise ValidationFailed("external_id must be 1-100 characters", {"field": "external_id"})
    if not inp.lines or len(inp.lines) > MAX_LINES:
        raise ValidationFailed(f"an order has 1-{MAX_LINES} lines", {"field": "lines"})
    for n, ln in enumerate(inp.lines):
        if isinstance(ln.quantity, bool) or not 0 < ln.quantity <= MAX_QUANTITY:
            raise ValidationFailed(
                f"quantity must be 1-{MAX_QUANTITY} base units", {"line": n, "field": "quantity"}
            )
        if ln.price is not None and ln.price < 0:
            raise ValidationFailed("price cannot be negative", {"line": n, "field": "price"})
        _check_money(n, ln)


def _check_money(n: int, ln: LineInput) -> None:
    """A line's discount and tax: Decimal, not negative, only with a price, and the discount
    at most the line's price x quantity (finance books price x quantity - discount)."""
    for name in ("discount", "tax"):
        value = getattr(ln, name)
        if value is None:
            continue
        if not isinstance(value, Decimal) or not value.is_finite() or value < 0:
            raise ValidationFailed(
                f"{name} is a decimal amount, not negative", {"line": n, "field": name}
            )
        if ln.price is None:
            raise ValidationFailed(f"a line's {name} needs its price", {"line": n, "field": name})
    if ln.discount is not None and ln.price is not None and ln.discount > ln.price * ln.quantity:
        raise ValidationFailed(
            "the discount is more than the line's price x quantity",
            {"line": n, "field": "discount", "discount": str(ln.discount),
             "gross": str(ln.price * ln.quantity)},
        )  # fmt: skip


@dataclass(frozen=True)
class _Capture:
    """What the capture command runs on: the input, and what was read before the write."""

    inp: OrderInput
    actor_id: int | None
    channel_id: int
    external_id: str
    expanded: tuple[ExpandedLine, ...]
    region: str | None


def capture_order(
    inp: OrderInput, actor_id: int | None = None, *, key: str | None = None
) -> Captured:
    """Record an order from a channel and allocate it; a retried order returns the first."""
    _check(inp)
    ch = channel_by_code(inp.channel)
    if not ch.active:
        raise ValidationFailed("channel is inactive", {"channel": ch.code})
    external_id = inp.external_id.strip()
    found = _existing_id(ch.id, external_id)
    if found is not None and key is None:
        return Captured(order_view(found), created=False)
    item_ids = _resolve_items(ch, inp.lines)
    ordered = [
        OrderedLine(n + 1, i, ln.quantity)
        for n, (i, ln) in enumerate(zip(item_ids, inp.lines, strict=True))
    ]
    try:
        expanded = expand_kits(ordered, _kits(set(item_ids)))
    except RuleError as exc:
        raise ValidationFailed(str(exc)) from exc
    region = inp.ship_to.get("region")
    region = str(region).strip().upper() if region else None
    cap = _Capture(inp, actor_id, ch.id, external_id, tuple(expanded), region)
    return CAPTURE.run(cap, caller=caller_of(actor_id), key=key)


def _capture(cap: _Capture) -> dict[str, Any]:
    conn = db.session.connection()
    now = utcnow()
    new_id = conn.execute(
        _insert_order(conn.dialect.name),
        {
            "channel_id": cap.channel_id,
            "external_id": cap.external_id,
            "status": "received",
            "ship_to": dict(cap.inp.ship_to),
            "ship_to_region": cap.region,
            "ordered_at": cap.inp.ordered_at or now,
            "created_by": cap.actor_id,
            "created_at": now,
            "updated_at": now,
        },
    ).scalar()
    if new_id is None:  # captured before (or a concurrent copy committed first)
        return {"order_id": _existing_id(cap.channel_id, cap.external_id), "created": False}
    _fill(conn, int(new_id), cap.inp, list(cap.expanded), Actor.user(cap.actor_id), now)
    return {"order_id": int(new_id), "created": True}


def _captured(_cap: _Capture, answer: dict[str, Any], _replayed: bool) -> Captured:
    # Read after commit: the positions' locks are held no longer than the writes need.
    return Captured(order_view(int(answer["order_id"])), created=bool(answer["created"]))


CAPTURE: Command[_Capture, Captured] = Command(
    name="orders.capture",
    execute=_capture,
    present=_captured,
    fingerprint=lambda cap: _fingerprint(cap.inp),
)


def _fingerprint(inp: OrderInput) -> str:
    """The body's fingerprint; a line without discount or tax reads as it did before lines
    had them, so a retry across that upgrade still matches its first answer."""
    body = asdict(inp)
    for ln in body["lines"]:
        for name in ("discount", "tax"):
            if ln[name] is None:
                del ln[name]
    return fingerprint_of(body)


def _money_of(ln: LineInput, first: bool) -> dict[str, Decimal | None]:
    if not first:
        return {"discount": None, "tax": None}
    return {"discount": ln.discount, "tax": ln.tax}


def _fill(
    conn: Connection,
    order_id: int,
    inp: OrderInput,
    expanded: list[ExpandedLine],
    actor: Actor,
    now: datetime,
) -> None:
    """The new order's lines, their first transitions, and its allocation. A kit's discount
    and tax go on its first component row only (the rest NULL): summed over the rows they
    are the ordered line's, once."""
    first: dict[int, int] = {}
    for n, e in enumerate(expanded):
        first.setdefault(e.line_no, n)
    line_ids = (
        conn.execute(
            OrderLine.__table__.insert().returning(
                OrderLine.__table__.c.id, sort_by_parameter_order=True
            ),
            [
                {
                    "order_id": order_id,
                    "line_no": e.line_no,
                    "item_id": e.item_id,
                    "quantity": e.quantity,
                    "reserved_qty": 0,
                    "consumed_qty": 0,
                    "price": inp.lines[e.line_no - 1].price,
                    **_money_of(inp.lines[e.line_no - 1], first[e.line_no] == n),
                    "promised_ship_date": inp.lines[e.line_no - 1].promised_ship_date,
                    "listing_id": inp.lines[e.line_no - 1].listing_id,
                    "kit_item_id": e.kit_item_id,
                    "kit_quantity": e.kit_quantity,
                    "status": "received",
                }
                for n, e in enumerate(expanded)
            ],
        )
        .scalars()
        .all()
    )
    record(
        conn,
        [Transition(order_id, None, None, "received")]
        + [Transition(order_id, i, None, "received") for i in line_ids],
        actor,
        now,
    )
    allocate_orders(conn, [order_id], actor, now)
