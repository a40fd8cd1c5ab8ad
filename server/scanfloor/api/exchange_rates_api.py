"""Exchange rates: finance enters a foreign currency's rate for a day; a receipt on a PO in
that currency is costed in the functional one at the rate of its day (the latest entered on
or before it). Read by supervisors and above and finance; entered by finance and admins,
like the rest of finance."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from ..auth.guard import current_principal, requires
from ..finance import fx_service
from ..finance.fx_service import RateView
from .exchange_rates_schemas import (
    ExchangeRateListArgs,
    ExchangeRateListSchema,
    ExchangeRatePutSchema,
    ExchangeRateSchema,
)
from .idempotency import idempotent

blp = Blueprint(
    "exchange_rates_api",
    __name__,
    url_prefix="/api/v1/finance/exchange-rates",
    description="Finance: exchange rates foreign purchases are received at",
)


@blp.route("")
class ExchangeRates(MethodView):
    @blp.arguments(ExchangeRateListArgs, location="query")
    @blp.response(200, ExchangeRateListSchema)
    @requires("supervisor", also=("finance",))
    def get(self, args: dict[str, Any]) -> dict[str, list[RateView]]:
        """Exchange rates by currency, newest day first (one currency's with `currency`)."""
        return {"rates": fx_service.list_rates(args["currency"])}


@blp.route("/<currency>/<date>")
class ExchangeRateOfDay(MethodView):
    @idempotent
    @blp.arguments(ExchangeRatePutSchema)
    @blp.response(200, ExchangeRateSchema)
    @requires("admin", also=("finance",))
    def put(self, body: dict[str, Any], currency: str, date: str) -> RateView:
        """Set a foreign currency's rate from a day (YYYY-MM-DD) on, replacing that day's;
        receipts already made keep the rate they used."""
        return fx_service.set_rate(currency, date, body["rate"], current_principal().user_id)
