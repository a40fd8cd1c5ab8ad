"""A suggestion run's arithmetic without a database (purchasing/suggest_compute.py): the rule
per policy, the outcome, the explanation, and the grouping into draft POs; and the schedule
(purchasing/suggest_schedule.py)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

import pytest

from scanfloor.purchasing.demand_sql import DemandHistory
from scanfloor.purchasing.leadtime_sql import group_samples
from scanfloor.purchasing.position_sql import PositionRow
from scanfloor.purchasing.suggest_compute import RunInputs, compute_lines, group_orders
from scanfloor.purchasing.suggest_schedule import (
    ScheduleError,
    due_slot,
    parse_purchasing_schedule,
    slot_key,
)
from scanfloor.purchasing.terms_views import PolicyRow, TermsRow

AS_OF = date(2030, 3, 1)
WH = 1


def _policy(item: int, kind: str, **kw: Any) -> PolicyRow:
    values: dict[str, Any] = dict.fromkeys(
        (
            "min_qty",
            "max_qty",
            "service_level",
            "review_days",
            "order_qty",
            "order_cost",
            "holding_rate",
        )
    )
    values.update(kw)
    return PolicyRow(id=item, item_id=item, warehouse_id=WH, policy=kind, **values)


def _terms(item: int, supplier: int = 7, code: str = "ACME", **kw: Any) -> TermsRow:
    values: dict[str, Any] = {
        "supplier_sku": None,
        "unit_cost": Decimal("2.00"),
        "currency": "EUR",
        "moq": 1,
        "case_pack": 1,
        "purchase_unit": "each",
        "units_per_purchase_unit": 1,
        "lead_time_days": 10,
        "case_volume_m3": None,
        "case_weight_kg": None,
        "preferred": True,
    }
    values.update(kw)
    return TermsRow(
        supplier_item_id=item, supplier_id=supplier, supplier_code=code, item_id=item, **values
    )


def _steady(item: int, per_day: int, days: int = 28) -> DemandHistory:
    first = AS_OF - timedelta(days=days)
    return DemandHistory(
        item,
        "shipments",
        tuple(first + timedelta(days=i) for i in range(days)),
        [100] * days,
        [per_day] * days,
        [0] * days,
        [0] * days,
    )


def _inputs(policies: list[PolicyRow], **kw: Any) -> RunInputs:
    values: dict[str, Any] = {
        "as_of": AS_OF,
        "history_days": 28,
        "policies": policies,
        "positions": {},
        "demand": {},
        "terms": {},
        "lead_times": group_samples([]),
        "transit_warehouse": (WH, "WH1"),
        "last_ordered": {},
    }
    values.update(kw)
    return RunInputs(**values)


def test_periodic_review_orders_only_when_a_review_is_due():
    p = _policy(1, "periodic_review", service_level=Decimal("0.95"), review_days=7)
    demand = {WH: {1: _steady(1, 10)}}
    terms = {1: _terms(1)}

    due = compute_lines(_inputs([p], demand=demand, terms=terms))
    waiting = compute_lines(
        _inputs([p], demand=demand, terms=terms, last_ordered={(1, WH): AS_OF - timedelta(3)})
    )

    # S = ceil(10 x (7 + 10) + 1.65 x sqrt(17 x 0)) = 170, position 0.
    assert (due[0].outcome, due[0].quantity) == ("ordered", 170)
    assert (waiting[0].outcome, waiting[0].quantity) == ("no_need", 0)
    assert waiting[0].steps[-1]["label"] == "review due?"
    assert "next review 2030-03-05" in waiting[0].steps[-1]["working"]


def test_buy_to_order_without_backorders_has_no_demand_and_with_them_buys_them():
    p = _policy(1, "buy_to_order")
    terms = {1: _terms(1, case_pack=6)}

    none = compute_lines(_inputs([p], terms=terms))
    some = compute_lines(
        _inputs([p], terms=terms, positions={(1, WH): PositionRow(1, WH, on_hand=2, backordered=9)})
    )

    assert (none[0].outcome, none[0].quantity) == ("no_demand", 0)
    assert (some[0].outcome, some[0].quantity) == ("ordered", 12)  # 7 uncovered, cases of 6


def test_a_rule_that_refuses_its_inputs_orders_nothing_and_says_why():
    # The EOQ needs a holding cost above 0: a free item has none.
    p = _policy(
        1,
        "reorder_point",
        service_level=Decimal("0.95"),
        order_cost=Decimal("20"),
        holding_rate=Decimal("0.25"),
    )

    [line] = compute_lines(
        _inputs([p], demand={WH: {1: _steady(1, 5)}}, terms={1: _terms(1, unit_cost=Decimal(0))})
    )

    assert (line.outcome, line.quantity) == ("no_need", 0)
    assert line.steps[-1]["label"] == "not computed"
    assert "invalid_holding_cost" in line.steps[-1]["working"]


def test_min_max_makes_no_forecast_and_says_so():
    [line] = compute_lines(_inputs([_policy(1, "min_max", min_qty=5, max_qty=10)]))

    assert (line.demand.method, line.outcome, line.quantity) == ("not_used", "no_supplier", 10)
    assert line.steps[0] == {
        "label": "demand per day",
        "working": "not used by min/max",
        "value": "0",
    }
    assert line.lead_time.source == "default"


def test_lead_time_comes_from_the_items_receipts_then_the_suppliers_then_the_promise():
    pairs = [(7, 1, date(2030, 1, 1), date(2030, 1, 5))] * 3 + [
        (7, 2, date(2030, 1, 1), date(2030, 1, 21))
    ] * 2
    samples = group_samples([*pairs, (8, 3, date(2030, 1, 9), date(2030, 1, 1))])
    policies = [_policy(i, "min_max", min_qty=1, max_qty=2) for i in (1, 2, 3)]
    terms = {1: _terms(1), 2: _terms(2), 3: _terms(3, supplier=8, code="BOLT", lead_time_days=6)}

    lines = compute_lines(_inputs(policies, terms=terms, lead_times=samples))

    assert [(ln.lead_time.days, ln.lead_time.source) for ln in lines] == [
        (Decimal("4.000"), "receipts_item"),  # three of its own, 4 days each
        (Decimal("10.400"), "receipts"),  # two of its own: the supplier's five (4,4,4,20,20)
        (Decimal("6"), "promised"),  # a receipt dated before its PO is left out
    ]


def test_ordered_lines_become_one_draft_per_supplier_and_warehouse_numbered_by_supplier():
    policies = [_policy(i, "min_max", min_qty=5, max_qty=10) for i in (1, 2, 3)]
    terms = {
        1: _terms(1, supplier=9, code="ZED", lead_time_days=3),
        2: _terms(2, supplier=7, code="ACME", lead_time_days=12),
        3: _terms(3, supplier=7, code="ACME", lead_time_days=5),
    }

    orders = group_orders(compute_lines(_inputs(policies, terms=terms)))

    assert [(o.n, o.supplier_id, [ln.item_id for ln in o.lines]) for o in orders] == [
        (1, 7, [2, 3]),
        (2, 9, [1]),
    ]
    assert orders[0].expected_date == AS_OF + timedelta(days=12)  # the latest line's


def test_the_schedule_runs_the_latest_slot_and_keys_it():
    times = parse_purchasing_schedule(" 18:00;06:00 ")
    at = datetime(2030, 3, 1, 5, 0, tzinfo=UTC)

    assert times == (time(6), time(18))
    assert due_slot(times, at) == datetime(2030, 2, 28, 18, 0, tzinfo=UTC)
    assert due_slot((), at) is None
    assert parse_purchasing_schedule("  ") == ()
    assert slot_key(datetime(2030, 3, 1, 6, 0, tzinfo=UTC)) == "purchasing:2030-03-01T06:00Z"
    assert slot_key(datetime(2030, 3, 1, 6, 0, tzinfo=UTC), 12).endswith("@12")


@pytest.mark.parametrize("text", ["6", "06:5", "25:00", "06:00,18:00", "*/30"])
def test_a_schedule_that_cannot_be_read_is_refused(text):
    with pytest.raises(ScheduleError) as err:
        parse_purchasing_schedule(text)

    assert "SCANFLOOR_PURCHASING_SCHEDULE" in str(err.value)
