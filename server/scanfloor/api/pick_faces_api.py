"""Pick faces (a bin's min/max of an item) and the warehouse's low-stock alerts."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from ..auth.guard import current_principal, requires
from ..replenishment.faces_service import (
    deactivate_pick_face,
    list_pick_faces,
    upsert_pick_face,
)
from ..replenishment.low_stock import LowStock, low_stock
from ..replenishment.views import PickFaceView
from .idempotency import idempotent
from .replenishment_schemas import (
    LowStockArgsSchema,
    LowStockSchema,
    PickFaceInSchema,
    PickFaceListArgsSchema,
    PickFaceListSchema,
    PickFaceSchema,
)

blp = Blueprint("pick_faces_api", __name__, url_prefix="/api/v1", description="Pick faces")


@blp.route("/pick-faces")
class Faces(MethodView):
    @blp.arguments(PickFaceListArgsSchema, location="query")
    @blp.response(200, PickFaceListSchema)
    @requires("worker")
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """A warehouse's pick faces with what each bin holds now, in walk order."""
        faces = list_pick_faces(
            args["warehouse"],
            viewer_id=current_principal().user_id,
            active=args["active"],
            sku=args.get("item"),
        )
        return {"items": faces, "total": len(faces)}

    @idempotent
    @blp.arguments(PickFaceInSchema)
    @blp.response(200, PickFaceSchema)
    @requires("supervisor")
    def put(self, body: dict[str, Any]) -> PickFaceView:
        """Set an item's min and max in a bin (creates the face, or changes it)."""
        return upsert_pick_face(**body, actor_id=current_principal().user_id)


@blp.route("/pick-faces/<int:face_id>")
class FaceById(MethodView):
    @idempotent
    @blp.response(200, PickFaceSchema)
    @requires("supervisor")
    def delete(self, face_id: int) -> PickFaceView:
        """Stop keeping a face filled: inactive, and its live task cancelled."""
        return deactivate_pick_face(face_id, actor_id=current_principal().user_id)


@blp.route("/purchasing/low-stock")
class LowStockList(MethodView):
    @blp.arguments(LowStockArgsSchema, location="query")
    @blp.response(200, LowStockSchema)
    @requires("supervisor")
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """Pick faces below min, and items at or below their reorder min (or out with demand)."""
        found: LowStock = low_stock(args["warehouse"], viewer_id=current_principal().user_id)
        return {
            "warehouse": found.warehouse,
            "pick_faces": found.pick_faces,
            "items": found.items,
            "total": found.total,
        }
