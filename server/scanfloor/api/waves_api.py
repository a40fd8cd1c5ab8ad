"""Waves: previewing and releasing allocated orders into pick tasks, and reading waves."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from ..auth.guard import current_principal, requires
from ..picking import wave_service
from ..picking.queries import require_rights, warehouse
from ..picking.views import WavePreview, WaveView
from ..picking.wave_rules import WaveRules
from .idempotency import replay_header, request_key
from .picking_schemas import (
    WaveListArgsSchema,
    WaveListSchema,
    WavePreviewSchema,
    WaveRulesInSchema,
    WaveSchema,
)

blp = Blueprint("waves_api", __name__, url_prefix="/api/v1/waves", description="Wave release")

_RULE_FIELDS = (
    "mode",
    "ship_by_before",
    "max_orders",
    "max_lines",
    "max_units",
    "max_pickers",
    "orders_per_picker",
    "lines_per_picker",
)


def _rules(body: dict[str, Any]) -> tuple[int, WaveRules]:
    wh = warehouse(body["warehouse"])
    require_rights(current_principal().user_id, wh)
    rules = wave_service.wave_rules(body["channels"], **{k: body[k] for k in _RULE_FIELDS})
    return wh.id, rules


@blp.route("/preview")
class Preview(MethodView):
    @blp.arguments(WaveRulesInSchema)
    @blp.response(200, WavePreviewSchema)
    @requires("supervisor")
    def post(self, body: dict[str, Any]) -> WavePreview:
        """What releasing a wave with these rules would take now (changes nothing)."""
        warehouse_id, rules = _rules(body)
        return wave_service.preview_wave(warehouse_id, rules)


@blp.route("")
class Waves(MethodView):
    @blp.arguments(WaveListArgsSchema, location="query")
    @blp.response(200, WaveListSchema)
    @requires("supervisor")
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """Waves, newest first, optionally of one warehouse and status."""
        ref = args.get("warehouse")
        if ref is not None:
            require_rights(current_principal().user_id, warehouse(ref))
        return {"waves": wave_service.list_waves(ref, args.get("status"))}

    @replay_header
    @blp.arguments(WaveRulesInSchema)
    @blp.response(201, WaveSchema)
    @requires("supervisor")
    def post(self, body: dict[str, Any]) -> WaveView:
        """Release the allocated orders that fit these rules as one wave of pick tasks."""
        warehouse_id, rules = _rules(body)
        actor = current_principal().user_id
        return wave_service.release_wave(
            warehouse_id,
            rules,
            actor_id=actor,
            via=f"user:{actor}",
            idempotency_key=request_key(body["client_scan_id"]),
        )


@blp.route("/<bigid:wave_id>")
class WaveById(MethodView):
    @blp.response(200, WaveSchema)
    @requires("supervisor")
    def get(self, wave_id: int) -> WaveView:
        """One wave with its orders, totes and tasks."""
        wave = wave_service.get_wave(wave_id)
        require_rights(current_principal().user_id, wave.warehouse)
        return wave
