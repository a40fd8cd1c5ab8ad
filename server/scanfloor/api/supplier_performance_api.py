"""Supplier performance (on time in full, fill rate, lead time) and seasonal pre-buy."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from ..auth.guard import requires
from ..purchasing import performance_service, prebuy_service
from ..purchasing.performance_service import PerformanceReport, SupplierPerformanceDetail
from ..purchasing.prebuy_service import PreBuy
from .performance_schemas import (
    PerformanceArgsSchema,
    PerformanceDetailArgsSchema,
    PerformanceReportSchema,
    PreBuyArgsSchema,
    PreBuySchema,
    SupplierPerformanceDetailSchema,
)

blp = Blueprint(
    "supplier_performance_api",
    __name__,
    url_prefix="/api/v1",
    description="Supplier performance and seasonal pre-buy",
)


@blp.route("/purchasing/supplier-performance")
class SupplierPerformance(MethodView):
    @blp.arguments(PerformanceArgsSchema, location="query")
    @blp.response(200, PerformanceReportSchema)
    @requires("supervisor")
    def get(self, args: dict[str, Any]) -> PerformanceReport:
        """On time in full, fill rate and lead time per supplier over a window."""
        return performance_service.supplier_performance(args.get("date_from"), args.get("date_to"))


@blp.route("/suppliers/<int:supplier_id>/performance")
class SupplierPerformanceById(MethodView):
    @blp.arguments(PerformanceDetailArgsSchema, location="query")
    @blp.response(200, SupplierPerformanceDetailSchema)
    @requires("supervisor")
    def get(self, args: dict[str, Any], supplier_id: int) -> SupplierPerformanceDetail:
        """One supplier's performance by month, with every judged PO line."""
        return performance_service.supplier_performance_detail(supplier_id, args["months"])


@blp.route("/suppliers/<int:supplier_id>/pre-buy")
class SupplierPreBuy(MethodView):
    @blp.arguments(PreBuyArgsSchema, location="query")
    @blp.response(200, PreBuySchema)
    @requires("supervisor")
    def get(self, args: dict[str, Any], supplier_id: int) -> PreBuy:
        """The order-by date for a season, leg by leg, and an import supplier's containers."""
        return prebuy_service.pre_buy(supplier_id, args["season_start"], args.get("warehouse"))
