"""Channel settlements: import one (a Shopify payout, an Amazon settlement report) and read
them back. The import is one transaction that first takes the ledger chain head's lock (as
every finance document does: a month cannot close under it).

Importing: the file is parsed (settlement_parsers.py; a file that cannot be read is a 422
naming its row and column); a settlement the channel already has (same payout id /
settlement id) is refused (409 naming the one imported before); the settlement must be in
the functional currency (SCANFLOOR_CURRENCY) and its lines (amount - fee) must sum to its
total (422 naming both). Each line's order reference is looked up among the channel's own
orders by settlement_rules.reference_candidates ("#1001" finds external id "1001" or
"#1001"; an Amazon line its order-id, else its merchant-order-id); a line that finds none
keeps order_id NULL and shows in the "unmapped" exception queue. Every row of the file is
stored with its raw cells, and ONE journal entry is booked (kind "settlement", source
"channel_settlement" / the settlement id, dated the deposit date: a closed month refuses
the whole import, PeriodClosed 409) as settlement_rules.py says: order and refund lines
clear the channel receivable the shipments booked, fees and adjustments go to channel fees,
and the channel clearing account is left holding the settlement's total, what the channel
paid out. Moving that money from clearing to the bank is booked in the accounting system
when the deposit is reconciled with the bank statement: Scanfloor has no bank account.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from decimal import Decimal

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from ..allocation.models import Channel, Order
from ..allocation.orders_service import channel_by_code
from ..catalog.results import Page, cursor_id, page_limit
from ..database import write_transaction
from ..extensions import db
from ..ledger.chain import hold
from ..timeutil import utcnow
from .adjust_service import DocLine, write_document_entry
from .document_models import SETTLEMENT_SOURCES, ChannelSettlement, ChannelSettlementLine
from .money import round_to
from .settlement_errors import (
    DuplicateSettlement,
    InvalidSettlementFile,
    SettlementCurrencyRefused,
    SettlementNotFound,
    SettlementTotalMismatch,
)
from .settlement_parsers import Settlement, SettlementFileError, parse_settlement
from .settlement_rules import Booked, entry_amounts, net, reference_candidates
from .settlement_views import SettlementLineView, SettlementView

KIND = "settlement"
SOURCE_TYPE = "channel_settlement"
SOURCES = SETTLEMENT_SOURCES
PLACES = Decimal("0.0001")

_S, _L, _O, _CH = (ChannelSettlement.__table__, ChannelSettlementLine.__table__,
                   Order.__table__, Channel.__table__)  # fmt: skip


def _currency() -> str:
    return str(current_app.config.get("SCANFLOOR_CURRENCY") or "EUR").strip().upper()


def _parse(source: str, data: bytes) -> Settlement:
    if source not in SOURCES:
        raise InvalidSettlementFile(
            f"source is one of {', '.join(SOURCES)}", {"source": source, "row": 0, "column": None}
        )
    try:
        return parse_settlement(source, data)
    except SettlementFileError as exc:
        raise InvalidSettlementFile(exc.message, {"row": exc.row, "column": exc.column}) from None


def _check(parsed: Settlement) -> None:
    functional = _currency()
    if parsed.currency != functional:
        raise SettlementCurrencyRefused(
            f"a settlement is imported in {functional} (the functional currency) for now",
            {"currency": parsed.currency, "functional_currency": functional},
        )
    lines_total = net(Booked(ln.kind, ln.amount, ln.fee) for ln in parsed.lines)
    if lines_total != parsed.total:
        raise SettlementTotalMismatch(
            f"the lines sum to {lines_total}, the settlement's total is {parsed.total}",
            {"total": str(parsed.total), "lines_total": str(lines_total)},
        )


def import_settlement(
    channel: str, source: str, data: bytes, actor_id: int | None
) -> SettlementView:
    """Import a channel's settlement file and book its entry (module docstring)."""
    parsed = _parse(source, data)
    _check(parsed)
    try:
        with write_transaction():
            conn = db.session.connection()
            hold(conn, 0)
            ch = channel_by_code(channel)
            _refuse_duplicate(ch, parsed.reference)
            settlement = ChannelSettlement(
                channel_id=ch.id, source=source, reference=parsed.reference,
                period_start=parsed.period_start, period_end=parsed.period_end,
                deposit_date=parsed.deposit_date, currency=parsed.currency,
                total=parsed.total, file_sha256=hashlib.sha256(data).hexdigest(),
                imported_by=actor_id, imported_at=utcnow(),
            )  # fmt: skip
            db.session.add(settlement)
            db.session.flush()
            found = _orders(conn, ch.id, parsed)
            rows = []
            for n, ln in enumerate(parsed.lines, start=1):
                cands = reference_candidates(ln.order_reference, ln.merchant_reference)
                hit = next((c for c in cands if c in found), None)
                rows.append(
                    {"settlement_id": settlement.id, "line_no": n, "kind": ln.kind,
                     "order_reference": (hit or ln.order_reference or ln.merchant_reference
                                         or None),
                     "order_id": found.get(hit) if hit else None,
                     "posted_date": ln.posted_date, "amount": ln.amount, "fee": ln.fee,
                     "description": ln.description[:200] or None, "raw": ln.raw}
                )  # fmt: skip
            if rows:
                conn.execute(_L.insert(), rows)
            settlement.entry_id = _book(settlement, parsed, ch.code, actor_id)
            db.session.flush()
            settlement_id = int(settlement.id)
    except IntegrityError:  # the same settlement imported at the same moment by someone else
        raise DuplicateSettlement(
            f"settlement {parsed.reference} was imported already",
            {"channel": channel, "reference": parsed.reference},
        ) from None
    return get_settlement(settlement_id)


def _refuse_duplicate(ch: Channel, reference: str) -> None:
    dup = db.session.scalar(
        select(ChannelSettlement.id).where(
            ChannelSettlement.channel_id == ch.id, ChannelSettlement.reference == reference
        )
    )
    if dup is not None:
        raise DuplicateSettlement(
            f"settlement {reference} of {ch.code} was imported already",
            {"channel": ch.code, "reference": reference, "settlement_id": int(dup)},
        )


def _orders(conn: Connection, channel_id: int, parsed: Settlement) -> dict[str, int]:
    """External id -> order id of the channel's orders any line may name."""
    wanted = sorted(
        {c for ln in parsed.lines
         for c in reference_candidates(ln.order_reference, ln.merchant_reference)}
    )  # fmt: skip
    out: dict[str, int] = {}
    for i in range(0, len(wanted), 500):
        q = select(_O.c.external_id, _O.c.id).where(
            _O.c.channel_id == channel_id, _O.c.external_id.in_(wanted[i : i + 500])
        )
        out.update({str(e): int(o) for e, o in conn.execute(q)})
    return out


def _book(settlement: ChannelSettlement, parsed: Settlement, channel: str,
          actor_id: int | None) -> int | None:  # fmt: skip
    amounts = entry_amounts(Booked(ln.kind, ln.amount, ln.fee) for ln in parsed.lines)
    return write_document_entry(
        db.session.connection(),
        kind=KIND,
        entry_date=parsed.deposit_date,
        source_type=SOURCE_TYPE,
        source_id=str(settlement.id),
        memo=f"{channel} settlement {parsed.reference}",
        actor_id=actor_id,
        lines=[DocLine(role, None, amount) for role, amount in amounts.items()],
    )


# --- reads -------------------------------------------------------------------------------

_UNMAPPED = (
    select(func.count())
    .where(_L.c.settlement_id == _S.c.id, _L.c.order_id.is_(None),
           _L.c.order_reference.is_not(None))
    .scalar_subquery()
)  # fmt: skip
_COUNT = select(func.count()).where(_L.c.settlement_id == _S.c.id).scalar_subquery()
SETTLEMENT_ROWS = select(
    _S, _CH.c.code.label("channel_code"), _COUNT.label("line_count"),
    _UNMAPPED.label("unmapped_count"),
).join(_CH, _CH.c.id == _S.c.channel_id)  # fmt: skip


def _m(value: object) -> Decimal:
    # SQLite hands NUMERIC back through float: 4 places, as the columns.
    return round_to(Decimal(str(value)), PLACES)


def _view(r: object, lines: Sequence[SettlementLineView] = ()) -> SettlementView:
    g = r._mapping  # type: ignore[attr-defined]
    return SettlementView(
        id=int(g["id"]), channel_id=int(g["channel_id"]), channel=str(g["channel_code"]),
        source=g["source"], reference=g["reference"], period_start=g["period_start"],
        period_end=g["period_end"], deposit_date=g["deposit_date"], currency=g["currency"],
        total=_m(g["total"]), file_sha256=g["file_sha256"], imported_by=g["imported_by"],
        imported_at=g["imported_at"], entry_id=g["entry_id"],
        line_count=int(g["line_count"]), unmapped_count=int(g["unmapped_count"]),
        lines=list(lines),
    )  # fmt: skip


def get_settlement(settlement_id: int) -> SettlementView:
    """One settlement with its lines and the orders they name."""
    conn = db.session.connection()
    row = conn.execute(SETTLEMENT_ROWS.where(_S.c.id == settlement_id)).one_or_none()
    if row is None:
        raise SettlementNotFound("settlement not found", {"settlement_id": settlement_id})
    lines = [
        SettlementLineView(
            id=int(r.id),
            line_no=int(r.line_no),
            kind=r.kind,
            order_reference=r.order_reference,
            order_id=None if r.order_id is None else int(r.order_id),
            posted_date=r.posted_date,
            amount=_m(r.amount),
            fee=_m(r.fee),
            description=r.description,
            raw=dict(r.raw or {}),
        )
        for r in conn.execute(
            select(_L).where(_L.c.settlement_id == settlement_id).order_by(_L.c.line_no)
        )
    ]
    return _view(row, lines)


def list_settlements(
    *, channel: str | None = None, limit: int | None = None, cursor: str | None = None
) -> Page[SettlementView]:
    """Settlements newest first (filter: channel code); cursor: the last id."""
    n = page_limit(limit)
    q = SETTLEMENT_ROWS.order_by(_S.c.id.desc()).limit(n + 1)
    if channel:
        q = q.where(_CH.c.code == channel.strip().upper())
    after = cursor_id(cursor)
    if after:
        q = q.where(_S.c.id < after)
    rows = db.session.connection().execute(q).all()
    views = [_view(r) for r in rows[:n]]
    return Page(views, str(views[-1].id) if len(rows) > n and views else None)
