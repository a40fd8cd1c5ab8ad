"""Finance: what the stock is worth (per item and place, FIFO layers, how each movement was
costed), the journal, the trial balance, CSV exports of both, and accounting periods.

Reads are for supervisors and above and finance; finance (or an admin) closes a month, only
an admin reopens one (docs/decisions/0026). The books are the company's, whole: no
warehouse rights are checked here, whoever reads them."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from flask import Response
from flask.views import MethodView
from flask_smorest import Blueprint

from ..auth.guard import current_principal, requires
from ..catalog.items_service import get_item
from ..catalog.locations_service import get_location
from ..catalog.results import MAX_PAGE, Page
from ..finance import periods_service, queries
from ..finance.errors import InvalidPeriod
from ..finance.history_service import value_history
from ..finance.views import (
    EntryView,
    MovementValueRow,
    PeriodView,
    TrialBalance,
    ValuationRow,
)
from ..picking.queries import warehouse
from ..timeutil import utcnow
from .finance_csv import MEDIA_TYPE, journal_csv, trial_balance_csv
from .finance_schemas import (
    PERIOD_PATTERN,
    FiscalPeriodListSchema,
    FiscalPeriodSchema,
    ItemLayersSchema,
    JournalArgs,
    JournalCsvArgs,
    JournalPageSchema,
    LayerArgs,
    MovementValueArgs,
    MovementValuePageSchema,
    StockValuePageSchema,
    TrialBalanceArgs,
    TrialBalanceSchema,
    ValuationArgs,
    ValueHistoryArgs,
    ValueHistorySchema,
)
from .idempotency import idempotent

blp = Blueprint(
    "finance_api",
    __name__,
    url_prefix="/api/v1/finance",
    description="Finance: valuation, journal, trial balance, periods",
)

_CSV_DOC = {
    "200": {
        "description": "The CSV file (a header row first), with a Content-Disposition name",
        "content": {"text/csv": {"schema": {"type": "string", "format": "binary"}}},
    }
}


def _csv(body: str, filename: str) -> Response:
    return Response(
        body,
        content_type=MEDIA_TYPE,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@blp.route("/valuation")
class Valuation(MethodView):
    @blp.arguments(ValuationArgs, location="query")
    @blp.response(200, StockValuePageSchema)
    @requires("supervisor", also=("finance",))
    def get(self, args: dict[str, Any]) -> Page[ValuationRow]:
        """Stock value per item and place (warehouse or IN-TRANSIT): quantity, value, unit
        cost and cost method, by item then place."""
        wh = None if args["warehouse"] is None else warehouse(args["warehouse"]).id
        return queries.valuation(
            warehouse_id=wh,
            item_id=args["item"],
            limit=args.get("limit"),
            cursor=args.get("cursor"),
        )


@blp.route("/valuation/history")
class ValueHistory(MethodView):
    @blp.arguments(ValueHistoryArgs, location="query")
    @blp.response(200, ValueHistorySchema)
    @requires("supervisor", also=("finance",))
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """The stock's value at the end of each day of a period (at most 366 days)."""
        end = args["date_to"] or utcnow().date()
        start = args["date_from"] or end - timedelta(days=29)
        wh = None if args["warehouse"] is None else warehouse(args["warehouse"])
        days = value_history(start, end, None if wh is None else wh.id)
        return {
            "warehouse": None if wh is None else wh.code,
            "days": [{"day": d, "value": v} for d, v in days],
        }


@blp.route("/valuation/<int:item_id>/layers")
class ItemLayers(MethodView):
    @blp.arguments(LayerArgs, location="query")
    @blp.response(200, ItemLayersSchema)
    @requires("supervisor", also=("finance",))
    def get(self, args: dict[str, Any], item_id: int) -> dict[str, Any]:
        """An item's FIFO cost layers with units left at one place, oldest first."""
        return {
            "item": get_item(item_id),
            "place": get_location(args["place"]),
            "layers": queries.layers(item_id, args["place"]),
        }


@blp.route("/valuation/<int:item_id>/movements")
class ItemMovementValues(MethodView):
    @blp.arguments(MovementValueArgs, location="query")
    @blp.response(200, MovementValuePageSchema)
    @requires("supervisor", also=("finance",))
    def get(self, args: dict[str, Any], item_id: int) -> Page[MovementValueRow]:
        """How each of an item's valued movements was costed (at one place with `place`),
        newest first."""
        get_item(item_id)  # an unknown item is a 404, not an empty page
        return queries.movement_values(
            item_id, args["place"], limit=args.get("limit"), cursor=args.get("cursor")
        )


@blp.route("/journal")
class Journal(MethodView):
    @blp.arguments(JournalArgs, location="query")
    @blp.response(200, JournalPageSchema)
    @requires("supervisor", also=("finance",))
    def get(self, args: dict[str, Any]) -> Page[EntryView]:
        """Journal entries with their lines, newest first (by period, account, movement, entry)."""
        return queries.journal(
            args["period"],
            args["account"],
            args["movement"],
            limit=args.get("limit"),
            cursor=args.get("cursor"),
            entry_id=args["entry"],
        )


def _every_entry(args: dict[str, Any]) -> list[EntryView]:
    """Every entry the filters select, oldest first (the query pages newest first)."""
    found: list[EntryView] = []
    cursor: str | None = None
    while True:
        page = queries.journal(
            args["period"],
            args["account"],
            args["movement"],
            limit=MAX_PAGE,
            cursor=cursor,
            entry_id=args["entry"],
        )
        found += page.rows
        cursor = page.next_cursor
        if cursor is None:
            return found[::-1]


@blp.route("/journal.csv")
class JournalCsv(MethodView):
    @blp.arguments(JournalCsvArgs, location="query")
    @blp.doc(
        responses=_CSV_DOC,
        description=(
            "One row per journal line, oldest entry first. Columns: entry_id, entry_date "
            "(YYYY-MM-DD), period (YYYY-MM), kind, movement_id (empty when no movement "
            "caused the entry), account_code, account_name, debit, credit (decimal text "
            'to the cent, "0.00" on the unused side), warehouse (code, empty if none), memo.'
        ),
    )
    @requires("supervisor", also=("finance",))
    def get(self, args: dict[str, Any]) -> Response:
        """The journal as CSV for an accounting system (filters as the journal's)."""
        name = f"journal-{args['period'] or 'all'}.csv"
        return _csv(journal_csv(_every_entry(args)), name)


@blp.route("/trial-balance")
class TrialBalanceView(MethodView):
    @blp.arguments(TrialBalanceArgs, location="query")
    @blp.response(200, TrialBalanceSchema)
    @requires("supervisor", also=("finance",))
    def get(self, args: dict[str, Any]) -> TrialBalance:
        """Every account's debits, credits and balance up to the end of `period` (or all),
        with the totals and whether they balance."""
        return queries.trial_balance(args["period"])


@blp.route("/trial-balance.csv")
class TrialBalanceCsv(MethodView):
    @blp.arguments(TrialBalanceArgs, location="query")
    @blp.doc(
        responses=_CSV_DOC,
        description=(
            "One row per account, ordered by code, no totals row. Columns: account_code, "
            "account_name, kind (asset, liability, equity, revenue, expense), debit, credit, "
            "balance (debit - credit), amounts as decimal text to the cent."
        ),
    )
    @requires("supervisor", also=("finance",))
    def get(self, args: dict[str, Any]) -> Response:
        """The trial balance as CSV for an accounting system."""
        name = f"trial-balance-{args['period'] or 'all'}.csv"
        return _csv(trial_balance_csv(queries.trial_balance(args["period"])), name)


@blp.route("/periods")
class Periods(MethodView):
    @blp.response(200, FiscalPeriodListSchema)
    @requires("supervisor", also=("finance",))
    def get(self) -> dict[str, list[PeriodView]]:
        """Accounting months, newest first: open or closed, with their entry counts."""
        return {"periods": queries.periods()}


def _month(period: str) -> str:
    """The path's period, strictly YYYY-MM: the URL may carry what a query string's schema
    would refuse (a trailing %0A), and a closed "2024-01\n" would be no month at all."""
    if not re.match(PERIOD_PATTERN, period):
        raise InvalidPeriod("a period is a month written YYYY-MM", {"period": period})
    return period


@blp.route("/periods/<period>/close")
class ClosePeriod(MethodView):
    @idempotent
    @blp.response(200, FiscalPeriodSchema)
    @requires("admin", also=("finance",))
    def post(self, period: str) -> PeriodView:
        """Close a month (YYYY-MM, this one or earlier) once every finance check passes;
        entries dated in it are refused from then on. Closing a closed month changes nothing."""
        return periods_service.close_period(_month(period), current_principal().user_id)


@blp.route("/periods/<period>/reopen")
class ReopenPeriod(MethodView):
    @idempotent
    @blp.response(200, FiscalPeriodSchema)
    @requires("admin")
    def post(self, period: str) -> PeriodView:
        """Reopen a closed month (admins only)."""
        return periods_service.reopen_period(_month(period), current_principal().user_id)
