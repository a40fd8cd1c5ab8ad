"""Lots of lot-tracked items."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from ..auth.guard import requires
from ..catalog import lots_service
from ..catalog.results import LotView, Page
from .catalog_schemas import (
    LotCreateSchema,
    LotListArgsSchema,
    LotPageSchema,
    LotPatchSchema,
    LotSchema,
)
from .idempotency import idempotent

blp = Blueprint("lots_api", __name__, url_prefix="/api/v1", description="Lots")


@blp.route("/items/<int:item_id>/lots")
class ItemLots(MethodView):
    @blp.arguments(LotListArgsSchema, location="query")
    @blp.response(200, LotPageSchema)
    @requires("worker", also=("finance",))
    def get(self, args: dict[str, Any], item_id: int) -> Page[LotView]:
        """List an item's lots."""
        return lots_service.list_lots(item_id, **args)

    @idempotent
    @blp.arguments(LotCreateSchema)
    @blp.response(201, LotSchema)
    @requires("manager")
    def post(self, args: dict[str, Any], item_id: int) -> LotView:
        """Record a lot of a lot-tracked item (expiry required if the item tracks it)."""
        return lots_service.create_lot(item_id, **args)


@blp.route("/lots/<int:lot_id>")
class LotById(MethodView):
    @blp.response(200, LotSchema)
    @requires("worker", also=("finance",))
    def get(self, lot_id: int) -> LotView:
        """One lot."""
        return lots_service.get_lot(lot_id)

    @idempotent
    @blp.arguments(LotPatchSchema)
    @blp.response(200, LotSchema)
    @requires("manager")
    def patch(self, args: dict[str, Any], lot_id: int) -> LotView:
        """Correct a lot's expiry date."""
        return lots_service.update_lot(lot_id, args)
