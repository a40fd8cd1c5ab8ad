"""Putaway: the tasks waiting on the docks, where each should go, and confirming it."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from ..auth.guard import current_principal, requires
from ..putaway import tasks
from ..putaway.service import ConfirmResult, PutawayScan, confirm_putaway
from .idempotency import replay_header, request_key
from .putaway_schemas import (
    PutawayConfirmInSchema,
    PutawayConfirmOutSchema,
    PutawayQueueSummarySchema,
    PutawaySuggestArgsSchema,
    PutawaySuggestOutSchema,
    PutawaySummaryArgsSchema,
    PutawayTaskDetailSchema,
    PutawayTaskListArgsSchema,
    PutawayTaskListSchema,
)

blp = Blueprint(
    "putaway_api", __name__, url_prefix="/api/v1/putaway", description="Directed putaway"
)


@blp.route("/tasks")
class Tasks(MethodView):
    @blp.arguments(PutawayTaskListArgsSchema, location="query")
    @blp.response(200, PutawayTaskListSchema)
    @requires("worker")
    def get(self, args: dict[str, Any]) -> tasks.TaskList:
        """Open putaway tasks, oldest first, each with the bin the rules suggest."""
        return tasks.list_tasks(**args)


@blp.route("/tasks/<task_id>")
class TaskById(MethodView):
    @blp.response(200, PutawayTaskDetailSchema)
    @requires("worker")
    def get(self, task_id: str) -> tasks.TaskDetail:
        """One task with its suggestion and every barcode a scanner may check offline."""
        return tasks.get_task(task_id)


@blp.route("/confirm")
class Confirm(MethodView):
    @replay_header
    @blp.arguments(PutawayConfirmInSchema())  # an instance: webargs would build one per request
    @blp.response(201, PutawayConfirmOutSchema)
    @requires("worker")
    def post(self, body: dict[str, Any]) -> ConfirmResult:
        """Put a task's stock into the scanned bin (another bin needs override_reason)."""
        principal = current_principal()
        return confirm_putaway(
            PutawayScan(
                task_id=body["task_id"],
                to_location=body["to_location"],
                quantity=body["quantity"],
                override_reason=body["override_reason"],
                suggested_location_id=body["suggested_location_id"],
            ),
            actor_id=principal.user_id,
            device_id=body["device_id"] or principal.device_id,
            idempotency_key=request_key(body["client_scan_id"]),
        )


@blp.route("/suggest")
class Suggest(MethodView):
    @blp.arguments(PutawaySuggestArgsSchema, location="query")
    @blp.response(200, PutawaySuggestOutSchema)
    @requires("worker")
    def get(self, args: dict[str, Any]) -> tasks.SuggestAnswer:
        """Where the rules would put a quantity of an item (and lot) in a warehouse."""
        return tasks.suggest_location(**args)


@blp.route("/queue-summary")
class QueueSummary(MethodView):
    @blp.arguments(PutawaySummaryArgsSchema, location="query")
    @blp.response(200, PutawayQueueSummarySchema)
    @requires("supervisor")
    def get(self, args: dict[str, Any]) -> tasks.QueueSummary:
        """Open tasks, units waiting and the age of the oldest, in total and per dock."""
        return tasks.queue_summary(**args)
