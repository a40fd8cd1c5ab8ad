"""Supplier items: each supplier's terms for the items it sells, and the preferred one."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from ..auth.guard import requires
from ..catalog.results import Page
from ..purchasing import terms_service
from ..purchasing.terms_views import SupplierItemView
from .idempotency import idempotent
from .terms_schemas import (
    SupplierItemCreateSchema,
    SupplierItemListArgs,
    SupplierItemPageSchema,
    SupplierItemPatchSchema,
    SupplierItemSchema,
)

blp = Blueprint(
    "supplier_items_api", __name__, url_prefix="/api/v1", description="Supplier items (terms)"
)


@blp.route("/suppliers/<int:supplier_id>/items")
class SupplierItems(MethodView):
    @blp.arguments(SupplierItemListArgs, location="query")
    @blp.response(200, SupplierItemPageSchema)
    @requires("worker", also=("finance",))
    def get(self, args: dict[str, Any], supplier_id: int) -> Page[SupplierItemView]:
        """List a supplier's items and terms, by id."""
        return terms_service.list_supplier_items(supplier_id, **args)

    @idempotent
    @blp.arguments(SupplierItemCreateSchema)
    @blp.response(201, SupplierItemSchema)
    @requires("manager")
    def post(self, args: dict[str, Any], supplier_id: int) -> SupplierItemView:
        """Add a supplier's terms for an item (one row per supplier and item)."""
        return terms_service.add_supplier_item(supplier_id, **args)


@blp.route("/items/<int:item_id>/supplier-items")
class ItemSupplierItems(MethodView):
    @blp.arguments(SupplierItemListArgs, location="query")
    @blp.response(200, SupplierItemPageSchema)
    @requires("worker", also=("finance",))
    def get(self, args: dict[str, Any], item_id: int) -> Page[SupplierItemView]:
        """List every supplier's terms for an item, by id."""
        return terms_service.list_item_supplier_items(item_id, **args)


@blp.route("/supplier-items/<int:supplier_item_id>")
class SupplierItemById(MethodView):
    @idempotent
    @blp.arguments(SupplierItemPatchSchema)
    @blp.response(200, SupplierItemSchema)
    @requires("manager")
    def patch(self, args: dict[str, Any], supplier_item_id: int) -> SupplierItemView:
        """Change a supplier item's terms, or make it the item's preferred supplier."""
        return terms_service.update_supplier_item(supplier_item_id, args)
