"""Movements: post manual transfers and adjustments, list the ledger, reverse a movement."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from ..auth.guard import current_principal, requires
from ..ledger import queries
from ..ledger.service import ManualLine, post_manual_movements, reverse_movement
from ..ledger.writer import PostingResult
from .idempotency import replay_header, request_key
from .ledger_schemas import MovementPageOut, MovementPostIn, MovementQuery, PostingOut, ReverseIn

blp = Blueprint(
    "movements",
    __name__,
    url_prefix="/api/v1/movements",
    description="The stock ledger's movements (append-only)",
)


def _posting_out(result: PostingResult) -> dict[str, Any]:
    return {
        "posting_id": result.posting_id,
        "replayed": result.replayed,
        "movements": queries.movements_by_ids(result.movement_ids),
    }


@blp.route("")
class Movements(MethodView):
    @blp.arguments(MovementQuery, location="query")
    @blp.response(200, MovementPageOut)
    @requires("worker", also=("finance",))
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """List movements, newest first (filters: item, location, type, since, until; cursor)."""
        page = queries.movements_page(
            item_id=args.get("item_id"),
            location_id=args.get("location_id"),
            movement_type=args.get("type"),
            since=args.get("since"),
            until=args.get("until"),
            posting_id=args.get("posting_id"),
            cursor=args.get("cursor"),
            limit=args["limit"],
        )
        return {"movements": page.rows, "next_cursor": page.next_cursor}

    @replay_header
    @blp.arguments(MovementPostIn)
    @blp.response(201, PostingOut)
    @requires("manager")
    def post(self, body: dict[str, Any]) -> dict[str, Any]:
        """Post a manual transfer, adjustment, scrap or receipt: all lines or none."""
        principal = current_principal()
        result = post_manual_movements(
            body["type"],
            [ManualLine(**line) for line in body["lines"]],
            actor_id=principal.user_id,
            device_id=body.get("device_id") or principal.device_id,
            idempotency_key=request_key(),
            occurred_at=body.get("occurred_at"),
            source_id=body.get("source_id"),
        )
        return _posting_out(result)


@blp.route("/<bigid:movement_id>/reverse")
class ReverseMovement(MethodView):
    @replay_header
    @blp.arguments(ReverseIn)
    @blp.response(201, PostingOut)
    @requires("manager")
    def post(self, body: dict[str, Any], movement_id: int) -> dict[str, Any]:
        """Reverse a movement with a new, opposite movement (once only)."""
        principal = current_principal()
        result = reverse_movement(
            movement_id,
            actor_id=principal.user_id,
            device_id=body.get("device_id") or principal.device_id,
            idempotency_key=request_key(),
            reason=body.get("reason"),
        )
        return _posting_out(result)
