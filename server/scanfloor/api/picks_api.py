"""Confirming picks and reporting shorts on a pick task (the scanner's calls)."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from ..auth.guard import current_principal, requires
from ..picking.batch_service import BatchResult, confirm_picks
from ..picking.pick_service import PickResult, PickScan, confirm_pick
from ..picking.short_service import ShortReport, ShortResult, report_short
from .idempotency import replay_header, request_key
from .pick_schemas import (
    PickBatchInSchema,
    PickBatchOutSchema,
    PickInSchema,
    PickOutSchema,
    PickShortInSchema,
    PickShortOutSchema,
)

blp = Blueprint("picks_api", __name__, url_prefix="/api/v1/pick-tasks", description="Picking")


def _scan(task_id: int, body: dict[str, Any]) -> PickScan:
    return PickScan(
        task_id=task_id,
        line_id=body["line_id"],
        bin=body["bin"],
        item=body["item"],
        quantity=body["quantity"],
        tote=body["tote"],
    )


@blp.route("/<bigid:task_id>/picks")
class Picks(MethodView):
    @replay_header
    @blp.arguments(PickInSchema())  # an instance: webargs would build one per request
    @blp.response(200, PickOutSchema)
    @requires("worker")
    def post(self, body: dict[str, Any], task_id: int) -> PickResult:
        """Pick units of a line from its bin into the order's tote (the task must be yours)."""
        principal = current_principal()
        return confirm_pick(
            _scan(task_id, body),
            actor_id=principal.user_id,
            device_id=body["device_id"] or principal.device_id,
            idempotency_key=request_key(body["client_scan_id"]),
        )


@blp.route("/<bigid:task_id>/picks/batch")
class PickBatch(MethodView):
    @replay_header
    @blp.arguments(PickBatchInSchema())
    @blp.response(200, PickBatchOutSchema)
    @requires("worker")
    def post(self, body: dict[str, Any], task_id: int) -> BatchResult:
        """Confirm many picks of one task at once: one posting, all of them or none."""
        principal = current_principal()
        return confirm_picks(
            task_id,
            [_scan(task_id, p) for p in body["picks"]],
            actor_id=principal.user_id,
            device_id=body["device_id"] or principal.device_id,
            idempotency_key=request_key(body["client_scan_id"]),
        )


@blp.route("/<bigid:task_id>/shorts")
class Shorts(MethodView):
    @replay_header
    @blp.arguments(PickShortInSchema())
    @blp.response(200, PickShortOutSchema)
    @requires("worker")
    def post(self, body: dict[str, Any], task_id: int) -> ShortResult:
        """The bin holds less than the line needs: pick what is there, re-allocate the rest."""
        principal = current_principal()
        return report_short(
            ShortReport(
                task_id=task_id,
                line_id=body["line_id"],
                bin=body["bin"],
                found_quantity=body["found_quantity"],
                tote=body["tote"],
            ),
            actor_id=principal.user_id,
            device_id=body["device_id"] or principal.device_id,
            idempotency_key=request_key(body["client_scan_id"]),
        )
