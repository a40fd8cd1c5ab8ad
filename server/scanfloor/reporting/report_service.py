"""Running a KPI of the catalogue: one procedure for every figure, so each answers alike.

A KPI's *runner* (registered with @runner in its reporting/*_report.py module) reads the
records its rule counts (from the daily facts and the tables that are already one row per
order, return or count: never the whole ledger) and returns a Report: the table a person
reads (columns with their types, one row per group of the breakdown, the total) and the
records behind it, each with the group it fell in, for the drill-down.

run_report checks, before any read: the KPI exists (404 unknown_kpi), the role may read it
(reporting/dashboards.py; 403), a runner is registered for it (404 kpi_not_available: the
data it needs is not recorded yet), and the filters and breakdown are ones it takes (422
from its rules). Dimension filters arrive as codes (warehouse WH1, channel WEB, zone,
supplier, worker's username, ABC class) and are compared as codes.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, fields, is_dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from ..errors import Forbidden, NotFound, ValidationFailed
from ..timeutil import utcnow
from .catalogue import CATALOGUE, Kpi
from .dashboards import may_read, roles_reading
from .filter_rules import Filters, check_filters
from .stats_rules import ReportingRuleError

INTEGER, DECIMAL, TEXT, DATE = "integer", "decimal", "text", "date"


@dataclass(frozen=True)
class Column:
    name: str
    title: str
    type: str  # integer | decimal | text | date


@dataclass(frozen=True)
class Row:
    label: str | None  # the group (None: all records, or those with no value for it)
    cells: Mapping[str, Any]


@dataclass(frozen=True)
class Report:
    kpi: Kpi
    filters: Filters
    by: str | None
    as_of: date
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]
    total: Row | None
    notes: tuple[str, ...] = ()
    # The records behind the figures, each with the label of the row it counts in; or, for
    # a figure counted in SQL (order facts), how to read them when the drill-down asks: the
    # figure's own answer then never assembles thousands of records it does not show.
    records: tuple[tuple[str | None, Any], ...] = field(default=(), repr=False)
    load_records: Callable[[], tuple[tuple[str | None, Any], ...]] | None = field(
        default=None, repr=False, compare=False
    )

    def labelled_records(self) -> tuple[tuple[str | None, Any], ...]:
        """Every record with the label of its row (read now when the report loads lazily)."""
        return self.records if self.load_records is None else self.load_records()

    def records_of(self, label: str | None) -> list[dict[str, Any]]:
        """The drill-down: the records behind one row (all of them for label None)."""
        return [
            record_dict(r)
            for lbl, r in self.labelled_records()
            if label is None or _label(lbl) == label
        ]


Runner = Callable[[Filters, str | None, date], Report]
_RUNNERS: dict[str, Runner] = {}


def runner(kpi_id: str) -> Callable[[Runner], Runner]:
    """Register the function that runs one KPI (module docstring)."""
    if kpi_id not in {k.id for k in CATALOGUE}:
        raise ValueError(f"no KPI {kpi_id!r} in the catalogue")

    def register(fn: Runner) -> Runner:
        _RUNNERS[kpi_id] = fn
        return fn

    return register


def kpi_by_id(kpi_id: str) -> Kpi:
    for k in CATALOGUE:
        if k.id == kpi_id:
            return k
    raise NotFound("no such figure", {"kpi": kpi_id, "code": "unknown_kpi"})


def available(kpi_id: str) -> bool:
    _load_runners()
    return kpi_id in _RUNNERS


def run_report(
    kpi_id: str, role: str, filters: Filters, by: str | None, as_of: date | None = None
) -> Report:
    """The KPI's report under the filters and breakdown (module docstring)."""
    kpi = kpi_by_id(kpi_id)
    if not may_read(role, kpi_id):
        raise Forbidden(
            "your role does not see this figure",
            {"kpi": kpi_id, "role": role, "allowed_roles": list(roles_reading(kpi_id))},
        )
    if not available(kpi_id):
        raise NotFound(
            "this figure is not available yet: what it counts is not recorded",
            {"kpi": kpi_id, "code": "kpi_not_available"},
        )
    try:
        check_filters(filters, kpi.filters)
        if by is not None and by not in kpi.breakdowns:
            raise ReportingRuleError(
                "unsupported_breakdown",
                "this figure cannot be broken down that way",
                {"by": by, "allowed": list(kpi.breakdowns)},
            )
        return _RUNNERS[kpi_id](filters, by, as_of or utcnow().date())
    except ReportingRuleError as exc:
        raise ValidationFailed(str(exc), {"code": exc.code, **exc.details}) from exc


def record_dict(record: Any) -> dict[str, Any]:
    """A record as plain JSON-able values: dates ISO, decimals as text."""
    if not is_dataclass(record) or isinstance(record, type):
        raise TypeError("a report's records are dataclass instances")
    return {f.name: cell(getattr(record, f.name)) for f in fields(record)}


def cell(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, tuple | list):
        return [cell(v) for v in value]
    if is_dataclass(value) and not isinstance(value, type):
        return record_dict(value)
    return value


def _label(value: Any) -> str | None:
    return None if value is None else str(value)


def rows_by(
    groups: Mapping[Any, Sequence[Any]], figures: Callable[[Sequence[Any]], Mapping[str, Any]]
) -> tuple[tuple[Row, ...], tuple[tuple[str | None, Any], ...]]:
    """One row per group (figures computed over its records) and the records labelled: the
    common shape of a breakdown's table and its drill-down."""
    rows = tuple(Row(_label(k), figures(v)) for k, v in groups.items())
    records = tuple((_label(k), r) for k, v in groups.items() for r in v)
    return rows, records


def _load_runners() -> None:
    # The runner modules register themselves on import; imported here, not at the top, so
    # the pure rule modules never depend on the queries.
    from . import report_runners  # noqa: F401
