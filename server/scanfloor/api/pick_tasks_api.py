"""Pick tasks: claiming the next one, reading them, and supervisors moving them."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from ..auth.guard import current_principal, requires
from ..picking import task_service
from ..picking.pickers import list_pickers
from ..picking.queries import warehouse
from ..picking.views import TaskView
from .idempotency import idempotent, replay_header, request_key
from .picking_schemas import (
    PickAssignInSchema,
    PickClaimInSchema,
    PickClaimOutSchema,
    PickerListSchema,
    PickersArgsSchema,
    PickTaskListArgsSchema,
    PickTaskListSchema,
    PickTaskSchema,
)

blp = Blueprint(
    "pick_tasks_api", __name__, url_prefix="/api/v1/pick-tasks", description="Pick tasks"
)


@blp.route("")
class Tasks(MethodView):
    @blp.arguments(PickTaskListArgsSchema, location="query")
    @blp.response(200, PickTaskListSchema)
    @requires("supervisor")
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """A warehouse's pick tasks by priority, optionally of one status."""
        viewer = current_principal().user_id
        tasks = task_service.list_tasks(args["warehouse"], args.get("status"), viewer_id=viewer)
        return {"tasks": tasks}


@blp.route("/pickers")
class Pickers(MethodView):
    @blp.arguments(PickersArgsSchema, location="query")
    @blp.response(200, PickerListSchema)
    @requires("supervisor")
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """Active users who may pick in a warehouse, with the open tasks each holds there."""
        viewer = current_principal().user_id
        return {"pickers": list_pickers(args["warehouse"], viewer_id=viewer)}


@blp.route("/claim")
class Claim(MethodView):
    @replay_header
    @blp.arguments(PickClaimInSchema())  # an instance: webargs would build one per request
    @blp.response(200, PickClaimOutSchema)
    @requires("worker")
    def post(self, body: dict[str, Any]) -> dict[str, Any]:
        """The task you hold in this warehouse, else the next open one (null: no work)."""
        principal = current_principal()
        task = task_service.claim_next_task(
            warehouse(body["warehouse"]).id,
            actor_id=principal.user_id,
            device_id=body["device_id"] or principal.device_id,
            idempotency_key=request_key(body["client_scan_id"]),
        )
        return {"task": task}


@blp.route("/<bigid:task_id>")
class TaskById(MethodView):
    @blp.response(200, PickTaskSchema)
    @requires("worker")
    def get(self, task_id: int) -> TaskView:
        """One task with every barcode a scanner checks offline (its holder or a supervisor)."""
        return task_service.get_task(task_id, viewer_id=current_principal().user_id)


@blp.route("/<bigid:task_id>/assign")
class Assign(MethodView):
    @idempotent
    @blp.arguments(PickAssignInSchema)
    @blp.response(200, PickTaskSchema)
    @requires("supervisor")
    def post(self, body: dict[str, Any], task_id: int) -> TaskView:
        """Hand a task to a picker: it is claimed on their behalf."""
        actor = current_principal().user_id
        user = body["user"] if "user" in body else body["user_id"]
        return task_service.reassign_task(task_id, user, actor_id=actor)


@blp.route("/<bigid:task_id>/unassign")
class Unassign(MethodView):
    @idempotent
    @blp.response(200, PickTaskSchema)
    @requires("worker")
    def post(self, task_id: int) -> TaskView:
        """Give a task back to the queue (its holder, or a supervisor)."""
        return task_service.unassign_task(task_id, actor_id=current_principal().user_id)
