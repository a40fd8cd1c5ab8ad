"""Return authorisations: captured from a channel or the back office, or opened at the
returns desk for a parcel nobody announced.

Capture is idempotent like order capture: one RMA per (channel, external id); the same one
again answers the first (created=False) and changes nothing, also when two copies race (the
insert is ON CONFLICT DO NOTHING and the loser reads the winner's). Each expected line is
checked against what the order's line can still come back: what it shipped (or, when the
order shipped nothing yet, what was ordered) less what the order's other returns already
claim; more is a 422. An unannounced return expects what the order shipped (else ordered)
and is the one open RMA of its order: asked again, it answers that one.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection

from ..allocation.models import Channel, ChannelWarehouse, Order, Reservation
from ..allocation.orders_service import channel_by_code
from ..catalog.codes import sku_key
from ..commands import Command, caller_of
from ..commands.rules import fingerprint_of
from ..errors import NotFound, ValidationFailed
from ..extensions import db
from ..packing.models import Carton
from ..picking.queries import require_rights, warehouse
from ..timeutil import utcnow
from .models import ReturnAuthorisation, ReturnLine
from .order_facts import OrderFacts, OrderLineFacts, claimed_by_returns, order_facts
from .queries import rma_view
from .rules import OPEN_STATUSES
from .status_service import settle
from .views import RmaView

MAX_LINES = 500
MAX_QUANTITY = 10**9
SOURCES = ("channel", "back_office")

_R = ReturnAuthorisation.__table__
_RL = ReturnLine.__table__
_O = Order.__table__
_K = Carton.__table__
_RES = Reservation.__table__
_CW = ChannelWarehouse.__table__
_CH = Channel.__table__
_EXISTING = select(_R.c.id).where(
    _R.c.channel_id == bindparam("channel_id"), _R.c.external_id == bindparam("external_id")
)
_OPEN_FOR_ORDER = (
    select(_R.c.id)
    .where(_R.c.order_id == bindparam("order"), _R.c.status.in_(OPEN_STATUSES))
    .order_by(_R.c.id.desc())
    .limit(1)
)
_COLUMNS = (
    "channel_id", "external_id", "order_id", "warehouse_id", "source", "status", "reason",
    "customer_name", "customer_email", "note", "created_by", "created_at", "updated_at",
)  # fmt: skip
_INSERTS: dict[str, Any] = {}


def _insert_rma(dialect: str) -> Any:
    """INSERT ... ON CONFLICT (channel, external id) DO NOTHING, built once per dialect."""
    if dialect not in _INSERTS:
        insert = pg_insert if dialect == "postgresql" else sqlite_insert
        _INSERTS[dialect] = (
            insert(_R)
            .values({c: bindparam(c) for c in _COLUMNS})
            .on_conflict_do_nothing(index_elements=[_R.c.channel_id, _R.c.external_id])
            .returning(_R.c.id)
        )
    return _INSERTS[dialect]


@dataclass(frozen=True)
class RmaLineInput:
    quantity: int
    line_no: int | None = None
    sku: str | None = None
    reason: str | None = None


@dataclass(frozen=True)
class RmaInput:
    channel: str
    lines: Sequence[RmaLineInput]
    external_id: str | None = None
    order_external_id: str | None = None
    order_id: int | None = None
    warehouse: int | str | None = None
    reason: str | None = None
    note: str | None = None
    source: str = "back_office"


@dataclass(frozen=True)
class Captured:
    rma: RmaView
    created: bool


@dataclass(frozen=True)
class _Capture:
    inp: RmaInput
    actor_id: int | None
    channel_id: int
    external_id: str | None
    order_id: int
    warehouse_id: int | None


@dataclass(frozen=True)
class _Unannounced:
    order_id: int
    warehouse_id: int
    actor_id: int | None
    device_id: str | None = field(default=None, compare=False)


def _check(inp: RmaInput) -> None:
    if inp.external_id is not None and not 0 < len(inp.external_id.strip()) <= 100:
        raise ValidationFailed("external_id must be 1-100 characters", {"field": "external_id"})
    if (inp.order_id is None) == (inp.order_external_id is None):
        raise ValidationFailed(
            "name the order: order_external_id or order_id (one of them)", {"field": "order"}
        )
    if not inp.lines or len(inp.lines) > MAX_LINES:
        raise ValidationFailed(f"a return has 1-{MAX_LINES} lines", {"field": "lines"})
    if inp.source not in SOURCES:
        raise ValidationFailed("unknown source", {"source": inp.source})
    for n, ln in enumerate(inp.lines):
        if isinstance(ln.quantity, bool) or not 0 < ln.quantity <= MAX_QUANTITY:
            raise ValidationFailed(
                f"quantity must be 1-{MAX_QUANTITY} units", {"line": n, "field": "quantity"}
            )
        if (ln.line_no is None) == (ln.sku is None):
            raise ValidationFailed("a line names line_no or sku (one of them)", {"line": n})


def _order_of(channel: Channel, inp: RmaInput) -> int:
    if inp.order_id is not None:
        found = db.session.execute(
            select(_O.c.id, _O.c.channel_id).where(_O.c.id == inp.order_id)
        ).first()
        if found is None or found.channel_id != channel.id:
            raise ValidationFailed(
                "no such order for this channel",
                {"order_id": inp.order_id, "channel": channel.code},
            )
        return int(found.id)
    order_id = db.session.execute(
        select(_O.c.id).where(
            _O.c.channel_id == channel.id, _O.c.external_id == (inp.order_external_id or "").strip()
        )
    ).scalar()
    if order_id is None:
        raise ValidationFailed(
            "no such order for this channel",
            {"order_external_id": inp.order_external_id, "channel": channel.code},
        )
    return int(order_id)


def capture_return(
    inp: RmaInput, actor_id: int | None = None, *, key: str | None = None
) -> Captured:
    """Record a return authorisation; the same channel and external id again answers the
    first (module docstring)."""
    _check(inp)
    ch = channel_by_code(inp.channel)
    external_id = inp.external_id.strip() if inp.external_id else None
    if external_id is not None and key is None:
        found = db.session.execute(
            _EXISTING, {"channel_id": ch.id, "external_id": external_id}
        ).scalar()
        if found is not None:
            return Captured(rma_view(int(found)), created=False)
    order_id = _order_of(ch, inp)
    wh = None if inp.warehouse is None else warehouse(inp.warehouse).id
    cap = _Capture(inp, actor_id, ch.id, external_id, order_id, wh)
    return CAPTURE.run(cap, caller=caller_of(actor_id), key=key)


def _shipping_warehouse(conn: Connection, order: OrderFacts) -> int | None:
    """The warehouse that shipped (or packed, or holds stock for) the order; else the
    channel's one warehouse; None when that says nothing."""
    for statement in (
        select(_K.c.warehouse_id).where(_K.c.order_id == order.id).order_by(_K.c.id.desc()),
        select(_RES.c.warehouse_id)
        .where(_RES.c.order_line_id.in_([ln.id for ln in order.lines] or [0]))
        .order_by(_RES.c.id.desc()),
    ):
        found = conn.execute(statement.limit(1)).scalar()
        if found is not None:
            return int(found)
    served = conn.execute(select(_CW.c.warehouse_id).where(_CW.c.channel_id == order.channel_id))
    ids = sorted({int(w) for w in served.scalars()})
    return ids[0] if len(ids) == 1 else None


def _expected(order: OrderFacts, inp: RmaInput, claimed: dict[int, int]) -> dict[int, int]:
    """order line id -> units expected back, each within what the line can still return."""
    asked: dict[int, int] = defaultdict(int)
    for n, ln in enumerate(inp.lines):
        if ln.line_no is not None:
            mine = [ol for ol in order.lines if ol.line_no == ln.line_no]
            if not mine:
                raise ValidationFailed(
                    "no such line on the order", {"line": n, "line_no": ln.line_no}
                )
            for ol in mine:  # a kit's components share its line number
                asked[ol.id] += ln.quantity * ol.per_kit
            continue
        mine = [ol for ol in order.lines if sku_key(ol.sku) == sku_key(ln.sku or "")]
        if not mine:
            raise ValidationFailed("this SKU is not on the order", {"line": n, "sku": ln.sku})
        left = ln.quantity
        for ol in mine:  # spread over the item's lines, each up to what it can return
            room = max(order.returnable(ol) - claimed.get(ol.id, 0) - asked[ol.id], 0)
            take = min(left, room)
            asked[ol.id] += take
            left -= take
        asked[mine[-1].id] += left  # what fits nowhere: refused below, against the last line
    by_id = {ol.id: ol for ol in order.lines}
    for line_id, quantity in asked.items():
        ol = by_id[line_id]
        room = order.returnable(ol) - claimed.get(line_id, 0)
        if quantity > room:
            raise ValidationFailed(
                f"line {ol.line_no} ({ol.sku}) can return at most {max(room, 0)}",
                {
                    "line_no": ol.line_no,
                    "sku": ol.sku,
                    "asked": quantity,
                    "shipped": ol.shipped,
                    "ordered": ol.quantity,
                    "already_returned": claimed.get(line_id, 0),
                    "returnable": max(room, 0),
                },
            )
    return dict(asked)


def _reasons(order: OrderFacts, inp: RmaInput) -> dict[int, str | None]:
    out: dict[int, str | None] = {}
    for ln in inp.lines:
        for ol in order.lines:
            if ln.line_no == ol.line_no or (ln.sku and sku_key(ln.sku) == sku_key(ol.sku)):
                out.setdefault(ol.id, (ln.reason or "").strip()[:64] or None)
    return out


def _add_lines(
    conn: Connection,
    rma_id: int,
    order: OrderFacts,
    expected: dict[int, int],
    reasons: dict[int, str | None],
) -> None:
    chosen: list[OrderLineFacts] = [ol for ol in order.lines if expected.get(ol.id, 0) > 0]
    if not chosen:
        return
    conn.execute(
        _RL.insert(),
        [
            {
                "rma_id": rma_id,
                "line_no": n,
                "order_line_id": ol.id,
                "item_id": ol.item_id,
                "lot_id": None,
                "expected_qty": expected[ol.id],
                "received_qty": 0,
                "inspected_qty": 0,
                "flag": None,
                "reason": reasons.get(ol.id),
                "unit_price": ol.price,
            }
            for n, ol in enumerate(chosen, start=1)
        ],
    )


def _new_rma(conn: Connection, values: dict[str, Any]) -> int | None:
    now = utcnow()
    row = {c: None for c in _COLUMNS} | {"status": "authorised", "created_at": now,
                                         "updated_at": now} | values  # fmt: skip
    found = conn.execute(_insert_rma(conn.dialect.name), row).scalar()
    return None if found is None else int(found)


def _capture(cap: _Capture) -> dict[str, Any]:
    conn = db.session.connection()
    order = order_facts(conn, [cap.order_id])[cap.order_id]
    wh = cap.warehouse_id or _shipping_warehouse(conn, order)
    if wh is None:
        raise ValidationFailed(
            "the order's warehouse is not known: name the warehouse", {"field": "warehouse"}
        )
    inp = cap.inp
    new_id = _new_rma(
        conn,
        {
            "channel_id": cap.channel_id,
            "external_id": cap.external_id,
            "order_id": order.id,
            "warehouse_id": wh,
            "source": inp.source,
            "reason": (inp.reason or "").strip()[:64] or None,
            "customer_name": order.customer("name"),
            "customer_email": order.customer("email"),
            "note": inp.note,
            "created_by": cap.actor_id,
        },
    )
    if new_id is None:  # captured before (or a concurrent copy committed first)
        found = conn.execute(
            _EXISTING, {"channel_id": cap.channel_id, "external_id": cap.external_id}
        ).scalar_one()
        return {"rma_id": int(found), "created": False}
    expected = _expected(order, inp, claimed_by_returns(conn, order.id))
    _add_lines(conn, new_id, order, expected, _reasons(order, inp))
    settle(conn, new_id, utcnow(), created=True, announce=True)
    return {"rma_id": new_id, "created": True}


def _captured(_req: Any, answer: dict[str, Any], _replayed: bool) -> Captured:
    return Captured(rma_view(int(answer["rma_id"])), created=bool(answer["created"]))


CAPTURE: Command[_Capture, Captured] = Command(
    name="returns.capture",
    execute=_capture,
    present=_captured,
    fingerprint=lambda cap: fingerprint_of(asdict(cap.inp)),
)


# --- unannounced ---------------------------------------------------------------------------


def open_unannounced(
    order_id: int,
    warehouse_ref: int | str,
    *,
    actor_id: int | None,
    device_id: str | None = None,
    idempotency_key: str | None = None,
) -> Captured:
    """A parcel nobody announced: an RMA for the order expecting what it shipped (else
    what was ordered); the order's open RMA if it has one."""
    wh = warehouse(warehouse_ref)
    if actor_id is not None:
        require_rights(actor_id, wh)
    if db.session.execute(select(_O.c.id).where(_O.c.id == order_id)).scalar() is None:
        raise NotFound("no such order", {"order_id": order_id})
    req = _Unannounced(order_id, wh.id, actor_id, device_id)
    return UNANNOUNCED.run(req, caller=caller_of(actor_id), key=idempotency_key)


def _unannounced(req: _Unannounced) -> dict[str, Any]:
    conn = db.session.connection()
    # The order's row is held: two desks opening its return at once make one RMA.
    conn.execute(select(_O.c.id).where(_O.c.id == req.order_id).with_for_update()).one()
    found = conn.execute(_OPEN_FOR_ORDER, {"order": req.order_id}).scalar()
    if found is not None:
        return {"rma_id": int(found), "created": False}
    order = order_facts(conn, [req.order_id])[req.order_id]
    claimed = claimed_by_returns(conn, order.id)
    expected = {ol.id: order.returnable(ol) - claimed.get(ol.id, 0) for ol in order.lines}
    new_id = _new_rma(
        conn,
        {
            "channel_id": order.channel_id,
            "order_id": order.id,
            "warehouse_id": req.warehouse_id,
            "source": "unannounced",
            "customer_name": order.customer("name"),
            "customer_email": order.customer("email"),
            "created_by": req.actor_id,
        },
    )
    assert new_id is not None  # no external id: nothing to conflict with
    _add_lines(conn, new_id, order, expected, {})
    settle(conn, new_id, utcnow(), created=True, announce=True)
    return {"rma_id": new_id, "created": True}


UNANNOUNCED: Command[_Unannounced, Captured] = Command(
    name="returns.unannounced",
    execute=_unannounced,
    present=_captured,
    fingerprint=lambda req: fingerprint_of(
        {"order_id": req.order_id, "warehouse": req.warehouse_id}
    ),
)
