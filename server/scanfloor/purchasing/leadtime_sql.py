"""Planning lead times per supplier and per (supplier, item), from receipts against PO dates.

Samples are supplier performance's (performance_sql.lead_time_samples: one per delivery of a
PO line on a business date, against its PO's date = sent_at, else opened_at, else
created_at), read once for every supplier over the history window, so the suggestions plan
with the lead times the supplier page shows. A sample dated before its PO is bad data (a
receipt typed against the wrong PO, a clock off) and is left out rather than refusing the
whole run.

The lead time a suggestion plans with (supplier_rules.planning_lead_time), most specific
first:
1. the item's own receipts from this supplier, when there are at least
   MIN_LEAD_TIME_SAMPLES of them (`receipts_item`);
2. else the supplier's receipts over all its items, when enough (`receipts`);
3. else the promise: the supplier item's lead time, else the supplier's (`promised`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from .performance_sql import lead_time_samples
from .supplier_rules import (
    MIN_LEAD_TIME_SAMPLES,
    PROMISED,
    LeadTimeStats,
    planning_lead_time,
)

ITEM_RECEIPTS, SUPPLIER_RECEIPTS = "receipts_item", "receipts"

Pairs = list[tuple[date, date]]


@dataclass(frozen=True)
class PlannedLeadTime:
    stats: LeadTimeStats
    source: str  # receipts_item | receipts | promised
    promised_days: int

    def working(self) -> str:
        if self.source == PROMISED:
            return f"promised by the supplier ({self.stats.samples} receipts, too few)"
        whose = "this item's" if self.source == ITEM_RECEIPTS else "the supplier's"
        return f"mean of {whose} {self.stats.samples} receipts (promised {self.promised_days})"


@dataclass
class LeadTimeSamples:
    """(PO date, receipt date) pairs per supplier and per (supplier, item)."""

    by_supplier: dict[int, Pairs]
    by_item: dict[tuple[int, int], Pairs]

    def plan(self, supplier_id: int, item_id: int, promised_days: int) -> PlannedLeadTime:
        """The lead time to plan this item from this supplier with (module docstring)."""
        own = self.by_item.get((supplier_id, item_id), [])
        if len(own) >= MIN_LEAD_TIME_SAMPLES:
            return PlannedLeadTime(
                planning_lead_time(own, promised_days), ITEM_RECEIPTS, promised_days
            )
        stats = planning_lead_time(self.by_supplier.get(supplier_id, []), promised_days)
        source = PROMISED if stats.source == PROMISED else SUPPLIER_RECEIPTS
        return PlannedLeadTime(stats, source, promised_days)


def group_samples(samples: Iterable[tuple[int, int, date, date]]) -> LeadTimeSamples:
    """(supplier_id, item_id, ordered_on, received_on) rows -> pairs per supplier and item;
    a receipt dated before its PO is dropped (module docstring)."""
    by_supplier: dict[int, Pairs] = defaultdict(list)
    by_item: dict[tuple[int, int], Pairs] = defaultdict(list)
    for supplier_id, item_id, ordered_on, received_on in samples:
        if received_on < ordered_on:
            continue
        by_supplier[supplier_id].append((ordered_on, received_on))
        by_item[(supplier_id, item_id)].append((ordered_on, received_on))
    return LeadTimeSamples(dict(by_supplier), dict(by_item))


def lead_time_history(as_of: date, days: int) -> LeadTimeSamples:
    """Every supplier's samples received in the `days` before `as_of` (and on it)."""
    rows = lead_time_samples(as_of - timedelta(days=days), as_of)
    return group_samples((s.supplier_id, s.item_id, s.ordered_on, s.received_on) for s in rows)
