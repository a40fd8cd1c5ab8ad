"""Count tasks: claiming, counting blind, finishing, and supervisors deciding variances."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from ..auth.guard import current_principal, requires
from ..counting import claim_service
from ..counting.count_service import CountScan, RecordResult, record_count
from ..counting.decide_service import Decision, decide_count
from ..counting.finish_service import FinishResult, finish_count
from ..counting.task_views import SupervisorView, WorkerView
from .count_task_schemas import (
    CountApprovalArgsSchema,
    CountApprovalListSchema,
    CountAssignInSchema,
    CountClaimInSchema,
    CountClaimOutSchema,
    CountDecideInSchema,
    CountFinishInSchema,
    CountFinishOutSchema,
    CountLineInSchema,
    CountLineOutSchema,
    CountReviewSchema,
    CountTaskListArgsSchema,
    CountTaskListSchema,
    CountTaskSchema,
)
from .idempotency import idempotent, replay_header, request_key

blp = Blueprint("count_tasks_api", __name__, url_prefix="/api/v1", description="Count tasks")


def _device(body: dict[str, Any]) -> str | None:
    return body.get("device_id") or current_principal().device_id


@blp.route("/count-tasks")
class Tasks(MethodView):
    @blp.arguments(CountTaskListArgsSchema, location="query")
    @blp.response(200, CountTaskListSchema)
    @requires("supervisor")
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """A warehouse's count tasks, oldest first (default: those not yet settled)."""
        viewer = current_principal().user_id
        tasks = claim_service.list_tasks(args["warehouse"], args.get("status"), viewer_id=viewer)
        return {"tasks": tasks}


@blp.route("/count-tasks/claim")
class Claim(MethodView):
    @replay_header
    @blp.arguments(CountClaimInSchema())  # an instance: webargs would build one per request
    @blp.response(200, CountClaimOutSchema)
    @requires("worker")
    def post(self, body: dict[str, Any]) -> dict[str, Any]:
        """The count task you hold in this warehouse, else the next free one (null: no work)."""
        task = claim_service.claim_next_task(
            body["warehouse"],
            actor_id=current_principal().user_id,
            device_id=_device(body),
            idempotency_key=request_key(body["client_scan_id"]),
        )
        return {"task": task}


@blp.route("/count-tasks/<bigid:task_id>")
class TaskById(MethodView):
    @blp.response(200, CountTaskSchema)
    @requires("worker")
    def get(self, task_id: int) -> WorkerView:
        """One count task, blind (its holder or a supervisor)."""
        return claim_service.get_task(task_id, viewer_id=current_principal().user_id)


@blp.route("/count-tasks/<bigid:task_id>/review")
class Review(MethodView):
    @blp.response(200, CountReviewSchema)
    @requires("supervisor")
    def get(self, task_id: int) -> SupervisorView:
        """One count task with every line, the ledger's quantities and the variances."""
        return claim_service.review_task(task_id, viewer_id=current_principal().user_id)


@blp.route("/count-tasks/<bigid:task_id>/lines")
class Lines(MethodView):
    @replay_header
    @blp.arguments(CountLineInSchema())
    @blp.response(200, CountLineOutSchema)
    @requires("worker")
    def post(self, body: dict[str, Any], task_id: int) -> RecordResult:
        """Count an item in the task's bin (again: the new count replaces the line)."""
        scan = CountScan(
            task_id=task_id,
            location=body["location"],
            barcode=body["barcode"],
            quantity=body["quantity"],
            lot=body["lot"],
            expiry=body["expiry"],
        )
        return record_count(
            scan,
            actor_id=current_principal().user_id,
            device_id=_device(body),
            idempotency_key=request_key(body["client_scan_id"]),
        )


@blp.route("/count-tasks/<bigid:task_id>/finish")
class Finish(MethodView):
    @replay_header
    @blp.arguments(CountFinishInSchema())
    @blp.response(200, CountFinishOutSchema)
    @requires("worker")
    def post(self, body: dict[str, Any], task_id: int) -> FinishResult:
        """Finish counting: the uncounted are zero, small variances post, big ones recount."""
        return finish_count(
            task_id,
            empty=body["empty"],
            location=body["location"],
            actor_id=current_principal().user_id,
            device_id=_device(body),
            idempotency_key=request_key(body["client_scan_id"]),
        )


@blp.route("/count-tasks/<bigid:task_id>/decide")
class Decide(MethodView):
    @replay_header
    @blp.arguments(CountDecideInSchema())
    @blp.response(200, CountReviewSchema)
    @requires("supervisor")
    def post(self, body: dict[str, Any], task_id: int) -> SupervisorView:
        """Approve (post) or reject a variance the recount confirmed."""
        decision = Decision(
            task_id=task_id,
            decision=body["decision"],
            reason_code=body["reason_code"],
            note=body["note"],
            recount=body["recount"],
        )
        return decide_count(
            decision,
            actor_id=current_principal().user_id,
            device_id=_device(body),
            idempotency_key=request_key(),
        )


@blp.route("/count-tasks/<bigid:task_id>/assign")
class Assign(MethodView):
    @idempotent
    @blp.arguments(CountAssignInSchema)
    @blp.response(200, CountReviewSchema)
    @requires("supervisor")
    def post(self, body: dict[str, Any], task_id: int) -> SupervisorView:
        """Hand a count task to a worker (a recount never to the one who counted)."""
        actor = current_principal().user_id
        return claim_service.assign_task(task_id, body["user"], actor_id=actor)


@blp.route("/count-tasks/<bigid:task_id>/unassign")
class Unassign(MethodView):
    @idempotent
    @blp.response(200, CountTaskSchema)
    @requires("worker")
    def post(self, task_id: int) -> WorkerView:
        """Give a count task back to the queue (its holder, or a supervisor)."""
        return claim_service.unassign_task(task_id, actor_id=current_principal().user_id)


@blp.route("/count-tasks/<bigid:task_id>/cancel")
class Cancel(MethodView):
    @idempotent
    @blp.response(200, CountReviewSchema)
    @requires("supervisor")
    def post(self, task_id: int) -> SupervisorView:
        """Withdraw a count not yet counted (open or recount): nothing posts."""
        return claim_service.cancel_task(task_id, actor_id=current_principal().user_id)


@blp.route("/count-approvals")
class Approvals(MethodView):
    @blp.arguments(CountApprovalArgsSchema, location="query")
    @blp.response(200, CountApprovalListSchema)
    @requires("supervisor")
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """Count variances waiting for a decision in a warehouse, the longest waiting first."""
        viewer = current_principal().user_id
        return {"tasks": claim_service.approvals(args["warehouse"], viewer_id=viewer)}
