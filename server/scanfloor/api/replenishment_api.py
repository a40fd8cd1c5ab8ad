"""Replenishment tasks: listing, claiming, confirming moves, finishing, giving back."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from ..auth.guard import current_principal, requires
from ..replenishment import tasks_service
from ..replenishment.move_service import MoveResult, MoveScan, confirm_move
from ..replenishment.views import TaskView
from .idempotency import idempotent, replay_header, request_key
from .replenishment_schemas import (
    ReplClaimInSchema,
    ReplClaimOutSchema,
    ReplFinishInSchema,
    ReplMoveInSchema,
    ReplMoveOutSchema,
    ReplTaskListArgsSchema,
    ReplTaskListSchema,
    ReplTaskSchema,
)

blp = Blueprint(
    "replenishment_api", __name__, url_prefix="/api/v1", description="Replenishment tasks"
)


def _device(body: dict[str, Any]) -> str | None:
    return body.get("device_id") or current_principal().device_id


@blp.route("/replenishment-tasks")
class Tasks(MethodView):
    @blp.arguments(ReplTaskListArgsSchema, location="query")
    @blp.response(200, ReplTaskListSchema)
    @requires("worker")
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """A warehouse's replenishment tasks, oldest first (default: open and claimed)."""
        tasks = tasks_service.list_tasks(
            args["warehouse"], args.get("status"), viewer_id=current_principal().user_id
        )
        return {"items": tasks, "total": len(tasks)}


@blp.route("/replenishment-tasks/claim")
class Claim(MethodView):
    @replay_header
    @blp.arguments(ReplClaimInSchema())  # an instance: webargs would build one per request
    @blp.response(200, ReplClaimOutSchema)
    @requires("worker")
    def post(self, body: dict[str, Any]) -> dict[str, Any]:
        """The task you hold in this warehouse, else the oldest open one (null: no work)."""
        task = tasks_service.claim_next_task(
            body["warehouse"],
            actor_id=current_principal().user_id,
            device_id=_device(body),
            idempotency_key=request_key(body["client_scan_id"]),
        )
        return {"task": task}


@blp.route("/replenishment-tasks/<int:task_id>")
class TaskById(MethodView):
    @blp.response(200, ReplTaskSchema)
    @requires("worker")
    def get(self, task_id: int) -> TaskView:
        """One task with its face, item barcodes, sources and the next instruction."""
        return tasks_service.get_task(task_id, viewer_id=current_principal().user_id)


@blp.route("/replenishment-tasks/<int:task_id>/moves")
class Moves(MethodView):
    @replay_header
    @blp.arguments(ReplMoveInSchema())
    @blp.response(201, ReplMoveOutSchema)
    @requires("worker")
    def post(self, body: dict[str, Any], task_id: int) -> MoveResult:
        """Move stock from a reserve bin to the task's face (one transfer posting)."""
        scan = MoveScan(
            task_id=task_id,
            from_bin=body["from_bin"],
            item=body["item"],
            quantity=body["quantity"],
            to_bin=body["to_bin"],
        )
        return confirm_move(
            scan,
            actor_id=current_principal().user_id,
            device_id=_device(body),
            idempotency_key=request_key(body["client_scan_id"]),
        )


@blp.route("/replenishment-tasks/<int:task_id>/finish")
class Finish(MethodView):
    @replay_header
    @blp.arguments(ReplFinishInSchema())
    @blp.response(200, ReplTaskSchema)
    @requires("worker")
    def post(self, body: dict[str, Any], task_id: int) -> TaskView:
        """Close the task short: what moved stays moved (its holder or a supervisor)."""
        return tasks_service.finish_task(
            task_id,
            actor_id=current_principal().user_id,
            idempotency_key=request_key(body["client_scan_id"]),
        )


@blp.route("/replenishment-tasks/<int:task_id>/release")
class Release(MethodView):
    @idempotent
    @blp.response(200, ReplTaskSchema)
    @requires("worker")
    def post(self, task_id: int) -> TaskView:
        """Give a claimed task back to the queue (its holder, or a supervisor)."""
        return tasks_service.release_task(task_id, actor_id=current_principal().user_id)


@blp.route("/replenishment-tasks/<int:task_id>/cancel")
class Cancel(MethodView):
    @idempotent
    @blp.response(200, ReplTaskSchema)
    @requires("supervisor")
    def post(self, task_id: int) -> TaskView:
        """Withdraw a live task (a supervisor): nothing more moves on it."""
        return tasks_service.cancel_task(task_id, actor_id=current_principal().user_id)
