"""The supervisor's live board: queues, waves, exceptions, pickers' rates and the latest
postings of one warehouse (the page then follows `board.update` on the /live socket)."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from ..auth.guard import current_principal, requires
from ..board.service import Board, open_board
from .board_schemas import BoardArgsSchema, BoardSchema

blp = Blueprint("board_api", __name__, url_prefix="/api/v1", description="Live board")


@blp.route("/board")
class BoardView(MethodView):
    @blp.arguments(BoardArgsSchema, location="query")
    @blp.response(200, BoardSchema)
    @requires("supervisor")
    def get(self, args: dict[str, Any]) -> Board:
        """The board of a warehouse you may see (id or code; default: your first)."""
        principal = current_principal()
        raw = args.get("warehouse")
        ref: int | str | None = None
        if raw is not None:
            ref = int(raw) if raw.strip().isdigit() else raw.strip().upper()
        return open_board(ref, user_id=principal.user_id, role=principal.role)
