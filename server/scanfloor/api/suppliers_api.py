"""Suppliers: who ships to us, and their over-receipt tolerance."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from ..auth.guard import requires
from ..catalog.results import Page
from ..purchasing import suppliers_service
from ..purchasing.results import SupplierView
from .idempotency import idempotent
from .supplier_schemas import (
    SupplierCreateSchema,
    SupplierDetailSchema,
    SupplierListArgs,
    SupplierPageSchema,
    SupplierPatchSchema,
)

blp = Blueprint("suppliers_api", __name__, url_prefix="/api/v1", description="Suppliers")


@blp.route("/suppliers")
class Suppliers(MethodView):
    @blp.arguments(SupplierListArgs, location="query")
    @blp.response(200, SupplierPageSchema)
    @requires("worker", also=("finance",))
    def get(self, args: dict[str, Any]) -> Page[SupplierView]:
        """List suppliers; q matches part of the code or name."""
        return suppliers_service.list_suppliers(**args)

    @idempotent
    @blp.arguments(SupplierCreateSchema)
    @blp.response(201, SupplierDetailSchema)
    @requires("manager")
    def post(self, args: dict[str, Any]) -> SupplierView:
        """Register a supplier (code unique; over-receipt tolerance defaults to 0%)."""
        return suppliers_service.create_supplier(**args)


@blp.route("/suppliers/<int:supplier_id>")
class SupplierById(MethodView):
    @blp.response(200, SupplierDetailSchema)
    @requires("worker", also=("finance",))
    def get(self, supplier_id: int) -> SupplierView:
        """One supplier."""
        return suppliers_service.get_supplier(supplier_id)

    @idempotent
    @blp.arguments(SupplierPatchSchema)
    @blp.response(200, SupplierDetailSchema)
    @requires("manager")
    def patch(self, args: dict[str, Any], supplier_id: int) -> SupplierView:
        """Change a supplier's name, tolerance, active flag, contact or terms."""
        return suppliers_service.update_supplier(supplier_id, args)
