"""Items, their pack levels and their barcodes."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from ..auth.guard import requires
from ..catalog import items_service, packs_service
from ..catalog.results import ItemBarcodeView, ItemView, PackView, Page
from .catalog_schemas import (
    ItemBarcodeCreateSchema,
    ItemBarcodeSchema,
    ItemCreateSchema,
    ItemListArgsSchema,
    ItemPageSchema,
    ItemPatchSchema,
    ItemSchema,
    PackCreateSchema,
    PackPatchSchema,
    PackSchema,
)
from .idempotency import idempotent

blp = Blueprint("items_api", __name__, url_prefix="/api/v1", description="Items and packs")


@blp.route("/items")
class Items(MethodView):
    @blp.arguments(ItemListArgsSchema, location="query")
    @blp.response(200, ItemPageSchema)
    @requires("worker", also=("finance",))
    def get(self, args: dict[str, Any]) -> Page[ItemView]:
        """List items; q matches SKU, name or any barcode (a scanned GTIN finds its item)."""
        return items_service.list_items(**args)

    @idempotent
    @blp.arguments(ItemCreateSchema)
    @blp.response(201, ItemSchema)
    @requires("manager")
    def post(self, args: dict[str, Any]) -> ItemView:
        """Create an item with its pack levels and barcodes ('each' is added if missing)."""
        return items_service.create_item(**args)


@blp.route("/items/<int:item_id>")
class ItemById(MethodView):
    @blp.response(200, ItemSchema)
    @requires("worker", also=("finance",))
    def get(self, item_id: int) -> ItemView:
        """One item with its packs and barcodes."""
        return items_service.get_item(item_id)

    @idempotent
    @blp.arguments(ItemPatchSchema)
    @blp.response(200, ItemSchema)
    @requires("manager")
    def patch(self, args: dict[str, Any], item_id: int) -> ItemView:
        """Change an item; base unit and tracking are fixed once it has stock movements."""
        return items_service.update_item(item_id, args)

    @idempotent
    @blp.response(200, ItemSchema)
    @requires("manager")
    def delete(self, item_id: int) -> ItemView:
        """Deactivate an item (soft delete: items are never removed; PATCH active=true undoes)."""
        return items_service.deactivate_item(item_id)


@blp.route("/items/<int:item_id>/packs")
class ItemPacks(MethodView):
    @idempotent
    @blp.arguments(PackCreateSchema)
    @blp.response(201, PackSchema)
    @requires("manager")
    def post(self, args: dict[str, Any], item_id: int) -> PackView:
        """Add a pack level; quantities must rise each < inner < case < pallet."""
        return packs_service.add_pack(item_id, **args)


@blp.route("/items/<int:item_id>/packs/<int:pack_id>")
class ItemPackById(MethodView):
    @idempotent
    @blp.arguments(PackPatchSchema)
    @blp.response(200, PackSchema)
    @requires("manager")
    def patch(self, args: dict[str, Any], item_id: int, pack_id: int) -> PackView:
        """Change how many base units a pack level holds."""
        return packs_service.change_pack(item_id, pack_id, **args)

    @idempotent
    @blp.response(204)
    @requires("manager")
    def delete(self, item_id: int, pack_id: int) -> None:
        """Remove a pack level and its barcodes (never the 'each' level)."""
        packs_service.remove_pack(item_id, pack_id)


@blp.route("/items/<int:item_id>/barcodes")
class ItemBarcodes(MethodView):
    @idempotent
    @blp.arguments(ItemBarcodeCreateSchema)
    @blp.response(201, ItemBarcodeSchema)
    @requires("manager")
    def post(self, args: dict[str, Any], item_id: int) -> ItemBarcodeView:
        """Add a barcode to one of the item's pack levels (default: each)."""
        return packs_service.add_item_barcode(item_id, **args)


@blp.route("/items/<int:item_id>/barcodes/<int:barcode_id>")
class ItemBarcodeById(MethodView):
    @idempotent
    @blp.response(204)
    @requires("manager")
    def delete(self, item_id: int, barcode_id: int) -> None:
        """Remove a barcode from the item; the code becomes free."""
        packs_service.remove_item_barcode(item_id, barcode_id)
