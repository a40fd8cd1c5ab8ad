"""Pure seasonal pre-buy and container planning rules.

Order-by date: season start - (production + transit + customs + dock-to-stock) calendar days,
so the stock is sellable on the first day of the season; every leg is shown.

Containers (planning capacities, not the box's inside dimensions: cartons never fill a box,
so cube is taken at about 85% of the internal volume, and weight at a payload that road
limits usually allow rather than the box's rating):
  20ft: 33.2 m3 inside -> 28 m3 usable, 21,700 kg
  40ft: 67.7 m3 inside -> 58 m3 usable, 26,500 kg
  40HC: 76.3 m3 inside -> 68 m3 usable, 26,500 kg
Planning (`plan_containers`): the suggested lines' cube and weight set how many containers of
the chosen type are needed (the larger of cube and weight, rounded up); the room left in them
is then topped up one CASE at a time, always on the line with the lowest days of cover
((position + planned quantity) / demand per day; a line without demand is never topped up),
skipping a case that no longer fits, until nothing fits or every line has reached
`max_cover_days`. Ties go to the line given first. `best_container` picks the type needing the
fewest containers; at a tie the smaller (cheaper) type.
"""

from __future__ import annotations

import decimal
import heapq
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_CEILING, Decimal

from .rules import PurchasingRuleError


@dataclass(frozen=True)
class ContainerType:
    code: str
    cube_m3: Decimal
    payload_kg: Decimal


CONTAINERS = {
    "20ft": ContainerType("20ft", Decimal("28"), Decimal("21700")),
    "40ft": ContainerType("40ft", Decimal("58"), Decimal("26500")),
    "40HC": ContainerType("40HC", Decimal("68"), Decimal("26500")),
}
_PRECISION = 28


def _context() -> decimal.Context:
    return decimal.Context(prec=_PRECISION, rounding=decimal.ROUND_HALF_EVEN)


# --- order-by date -----------------------------------------------------------------------


@dataclass(frozen=True)
class PreBuyPlan:
    season_start: date
    order_by: date
    total_days: int
    legs: tuple[tuple[str, int], ...]  # (leg, days), in the order the goods travel

    def days_left(self, today: date) -> int:
        """Days until the order-by date: negative means it is already too late."""
        return (self.order_by - today).days


def order_by_date(
    season_start: date,
    *,
    production_days: int,
    transit_days: int,
    customs_days: int = 0,
    dock_to_stock_days: int = 0,
) -> PreBuyPlan:
    """The last day a seasonal order can go out and still be sellable at season start."""
    legs = (
        ("production", production_days),
        ("transit", transit_days),
        ("customs", customs_days),
        ("dock to stock", dock_to_stock_days),
    )
    for name, days in legs:
        if not isinstance(days, int) or isinstance(days, bool) or days < 0:
            raise PurchasingRuleError(
                "invalid_days", f"{name} is a whole number of days, 0 or more", {name: days}
            )
    total = sum(days for _, days in legs)
    return PreBuyPlan(season_start, season_start - timedelta(days=total), total, legs)


# --- containers --------------------------------------------------------------------------


@dataclass(frozen=True)
class ContainerLine:
    """A suggested line in whole cases, with its case's cube and weight and its cover."""

    item_id: int
    quantity: int  # base units, a multiple of case_pack
    case_pack: int
    case_cube_m3: Decimal
    case_weight_kg: Decimal
    position: int  # inventory position before this order
    demand_per_day: Decimal

    def __post_init__(self) -> None:
        if self.case_pack < 1 or self.quantity < 0 or self.quantity % self.case_pack:
            raise PurchasingRuleError(
                "invalid_container_line",
                "a container line is whole cases of a case pack of 1 or more",
                {"item_id": self.item_id, "quantity": self.quantity, "case_pack": self.case_pack},
            )
        if self.case_cube_m3 <= 0 or self.case_weight_kg < 0 or self.demand_per_day < 0:
            raise PurchasingRuleError(
                "invalid_container_line",
                "a case has a cube above 0, a weight and demand of 0 or more",
                {"item_id": self.item_id},
            )

    @property
    def cases(self) -> int:
        return self.quantity // self.case_pack


@dataclass(frozen=True)
class PlannedLine:
    item_id: int
    suggested: int
    topped_up: int  # base units added to fill the container(s)
    days_of_cover: Decimal | None  # after the order; None without demand

    @property
    def quantity(self) -> int:
        return self.suggested + self.topped_up


@dataclass(frozen=True)
class ContainerPlan:
    container: ContainerType
    containers: int
    cube_m3: Decimal
    weight_kg: Decimal
    cube_used: Decimal  # share of the usable cube, 0-1, 4 places
    weight_used: Decimal
    lines: tuple[PlannedLine, ...]


def _totals(lines: Sequence[ContainerLine], cases: Sequence[int]) -> tuple[Decimal, Decimal]:
    with decimal.localcontext(_context()):
        cube = sum((ln.case_cube_m3 * n for ln, n in zip(lines, cases, strict=True)), Decimal(0))
        weight = sum(
            (ln.case_weight_kg * n for ln, n in zip(lines, cases, strict=True)), Decimal(0)
        )
    return cube, weight


def containers_needed(cube: Decimal, weight: Decimal, box: ContainerType) -> int:
    """How many boxes the cube and weight take (at least 1 for anything at all)."""
    with decimal.localcontext(_context()):
        by_cube = (cube / box.cube_m3).to_integral_value(rounding=ROUND_CEILING)
        by_weight = (weight / box.payload_kg).to_integral_value(rounding=ROUND_CEILING)
    return max(int(by_cube), int(by_weight))


def _cover(line: ContainerLine, cases: int) -> Decimal | None:
    if line.demand_per_day == 0:
        return None
    with decimal.localcontext(_context()):
        return (line.position + cases * line.case_pack) / line.demand_per_day


def plan_containers(
    lines: Sequence[ContainerLine],
    container: str,
    *,
    top_up: bool = True,
    max_cover_days: Decimal | None = None,
) -> ContainerPlan:
    """The suggested lines in containers of one type, topped up by lowest days of cover."""
    box = CONTAINERS.get(container)
    if box is None:
        raise PurchasingRuleError(
            "invalid_container",
            "a container is 20ft, 40ft or 40HC",
            {"container": container, "allowed": list(CONTAINERS)},
        )
    with decimal.localcontext(_context()):
        cases = [ln.cases for ln in lines]
        cube, weight = _totals(lines, cases)
        count = containers_needed(cube, weight, box)
        if top_up and count:
            room_cube, room_weight = box.cube_m3 * count - cube, box.payload_kg * count - weight
            # (cover, index): the lowest cover gets the next case; at a tie, the line given first.
            heap: list[tuple[Decimal, int]] = []
            for i, ln in enumerate(lines):
                cover = _cover(ln, cases[i])
                if cover is not None:
                    heap.append((cover, i))
            heapq.heapify(heap)
            while heap:
                cover, i = heapq.heappop(heap)
                ln = lines[i]
                if max_cover_days is not None and cover >= max_cover_days:
                    continue  # the lowest cover is at the cap for this line: it takes no more
                if ln.case_cube_m3 > room_cube or ln.case_weight_kg > room_weight:
                    continue  # this case no longer fits; smaller ones still may
                cases[i] += 1
                room_cube -= ln.case_cube_m3
                room_weight -= ln.case_weight_kg
                heapq.heappush(heap, (cover + Decimal(ln.case_pack) / ln.demand_per_day, i))
            cube, weight = _totals(lines, cases)
        planned = tuple(
            PlannedLine(
                ln.item_id,
                ln.quantity,
                (n - ln.cases) * ln.case_pack,
                None if (c := _cover(ln, n)) is None else c.quantize(Decimal("0.1")),
            )
            for ln, n in zip(lines, cases, strict=True)
        )
        places = Decimal("0.0001")
        used_cube = (cube / (box.cube_m3 * count)).quantize(places) if count else Decimal(0)
        used_weight = (weight / (box.payload_kg * count)).quantize(places) if count else Decimal(0)
    return ContainerPlan(box, count, cube, weight, used_cube, used_weight, planned)


def best_container(lines: Sequence[ContainerLine]) -> str:
    """The type needing the fewest containers for the suggested lines; ties: the smaller."""
    cube, weight = _totals(lines, [ln.cases for ln in lines])
    return min(
        CONTAINERS.values(), key=lambda box: (containers_needed(cube, weight, box), box.cube_m3)
    ).code
