"""Which figures each dashboard shows, and which roles see which dashboards: the one place
that says who may read a KPI (the API refuses the rest with 403; the console shows a role
only its dashboards).

- operations (supervisors and above): queues, exceptions, ageing alerts, throughput;
- purchasing (managers and admins): suppliers' performance, stock-outs, days of supply;
- finance (finance, managers and admins): margin, working capital, shrink in money;
- executive (managers, finance and admins): trends, service level, working capital and the
  exception summary.
Workers read no dashboard. A KPI belongs to every dashboard that lists it.
"""

from __future__ import annotations

from collections.abc import Iterable

OPERATIONS, PURCHASING, FINANCE, EXECUTIVE = "operations", "purchasing", "finance", "executive"

DASHBOARDS: dict[str, tuple[str, ...]] = {
    OPERATIONS: (
        "order_cycle_time",
        "dock_to_stock",
        "backorder_ageing",
        "return_disposition_time",
        "uninspected_queue_age",
        "inventory_record_accuracy",
        "adjustment_trend",
        "pick_productivity",
        "unusual_losses",
        "repeated_small_losses",
        "exception_priority",
    ),
    PURCHASING: (
        "supplier_performance",
        "stockout_days",
        "days_of_supply",
        "backorder_ageing",
    ),
    FINANCE: (
        "gross_margin",
        "inventory_turns",
        "days_of_supply",
        "adjustment_trend",
        "inventory_record_accuracy",
    ),
    EXECUTIVE: (
        "line_fill",
        "unit_fill",
        "order_fill",
        "order_cycle_time",
        "inventory_turns",
        "days_of_supply",
        "gross_margin",
        "backorder_ageing",
        "exception_priority",
    ),
}

ROLE_DASHBOARDS: dict[str, tuple[str, ...]] = {
    "worker": (),
    "supervisor": (OPERATIONS,),
    "manager": (OPERATIONS, PURCHASING, FINANCE, EXECUTIVE),
    "finance": (FINANCE, EXECUTIVE),
    "admin": (OPERATIONS, PURCHASING, FINANCE, EXECUTIVE),
}

READERS = tuple(role for role, boards in ROLE_DASHBOARDS.items() if boards)


def dashboards_of(role: str) -> tuple[str, ...]:
    """The dashboards a role sees (none for a role not listed)."""
    return ROLE_DASHBOARDS.get(role, ())


def kpis_of(role: str) -> tuple[str, ...]:
    """Every KPI a role may read, in dashboard order, each once."""
    return tuple(dict.fromkeys(k for board in dashboards_of(role) for k in DASHBOARDS[board]))


def may_read(role: str, kpi_id: str) -> bool:
    return kpi_id in kpis_of(role)


def roles_reading(kpi_id: str) -> tuple[str, ...]:
    return tuple(role for role in ROLE_DASHBOARDS if may_read(role, kpi_id))


def every_kpi() -> Iterable[str]:
    return dict.fromkeys(k for ids in DASHBOARDS.values() for k in ids)
