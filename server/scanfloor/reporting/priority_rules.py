"""Pure exception priority: one ranked list of order exceptions for the operations lead,
scored by service risk, margin impact and the channel's penalty. Every entry carries its
three parts, so the order of the list can be checked by hand."""

from __future__ import annotations

import decimal
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from .filter_rules import NO_FILTERS, Filters, select
from .stats_rules import RATE_PLACES, ZERO, ReportingRuleError, hours, seconds_between

PRIORITY_FILTERS = ("warehouse", "channel")
HORIZON_HOURS = 48
SERVICE_WEIGHT = Decimal("0.5")
MARGIN_WEIGHT = Decimal("0.3")
CHANNEL_WEIGHT = Decimal("0.2")
MAX_SERVICE = Decimal(2)
ONE = Decimal(1)


@dataclass(frozen=True)
class OrderException:
    """An open exception on an order (a short pick, a line waiting for stock, a failed
    label, ...): the moment the order must ship by (None: no promise) and the gross margin
    the order stands to lose (None: unknown)."""

    exception_id: int
    order_id: int
    channel: str
    warehouse: str | None
    kind: str
    ship_by: datetime | None
    margin: Decimal | None


@dataclass(frozen=True)
class Ranked:
    rank: int
    exception: OrderException
    hours_to_ship: Decimal | None  # negative: already late
    service: Decimal  # 0 to 2
    margin: Decimal  # 0 to 1
    channel: Decimal  # 0 to 1
    score: Decimal


def service_risk(hours_left: Decimal | None) -> Decimal:
    """0 when the promise is 48 hours away or more (or there is none), rising evenly to 1
    at the promised moment and to 2 once it is 48 hours late."""
    if hours_left is None:
        return ZERO
    risk = (HORIZON_HOURS - hours_left) / HORIZON_HOURS
    return min(MAX_SERVICE, max(ZERO, risk))


def _check_penalties(penalties: Mapping[str, Decimal]) -> None:
    bad = {k: str(v) for k, v in penalties.items() if not ZERO <= v <= ONE}
    if bad:
        raise ReportingRuleError(
            "invalid_channel_penalty", "a channel penalty is from 0 to 1", {"penalties": bad}
        )


def prioritise(
    exceptions: Iterable[OrderException],
    now: datetime,
    channel_penalty: Mapping[str, Decimal],
    filters: Filters = NO_FILTERS,
) -> list[Ranked]:
    """Order exception priority: open order exceptions in one list, the most urgent first.

    score = 0.5 x service risk + 0.3 x margin impact + 0.2 x channel penalty, where
    - service risk = (48 - hours to the promised ship time) / 48, kept between 0 and 2: 0
      when the promise is 48 hours away or more (or the order has none), 1 at the promised
      moment, 2 once it is 48 hours late;
    - margin impact = the order's gross margin / the largest gross margin in the list (0 for
      an unknown or negative margin, and when no order has a margin above 0);
    - channel penalty = the penalty set for the order's channel, from 0 to 1 (0 when none is
      set).
    Ties go to the earlier promised ship time (none last), then the lower order number, then
    the older exception.

    Open exceptions now, so no date range; narrowed to a warehouse or channel, the list (and
    its largest margin) is that warehouse's or channel's. Scores are shown to 4 places, with
    their three parts."""
    _check_penalties(channel_penalty)
    items = select(exceptions, filters, PRIORITY_FILTERS, lambda e: None)
    top = max((e.margin for e in items if e.margin is not None and e.margin > 0), default=ZERO)
    scored = []
    with decimal.localcontext() as ctx:
        ctx.prec = 34
        for e in items:
            left = None if e.ship_by is None else hours(seconds_between(now, e.ship_by))
            service = service_risk(left)
            margin = e.margin / top if top > 0 and e.margin is not None and e.margin > 0 else ZERO
            channel = channel_penalty.get(e.channel, ZERO)
            score = SERVICE_WEIGHT * service + MARGIN_WEIGHT * margin + CHANNEL_WEIGHT * channel
            scored.append((score, left, service, margin, channel, e))
    scored.sort(key=_tie_break)
    return [
        Ranked(
            rank=n,
            exception=e,
            hours_to_ship=left,
            service=service.quantize(RATE_PLACES),
            margin=margin.quantize(RATE_PLACES),
            channel=channel,
            score=score.quantize(RATE_PLACES),
        )
        for n, (score, left, service, margin, channel, e) in enumerate(scored, start=1)
    ]


def _tie_break(
    row: tuple[Decimal, Decimal | None, Decimal, Decimal, Decimal, OrderException],
) -> tuple[Decimal, bool, datetime, int, int]:
    score, _left, _service, _margin, _channel, e = row
    # Orders without a promise sort after every promise on the bool, so the stand-in
    # datetime is only ever compared with another stand-in.
    return (
        -score.quantize(RATE_PLACES),
        e.ship_by is None,
        e.ship_by or datetime.min,
        e.order_id,
        e.exception_id,
    )
