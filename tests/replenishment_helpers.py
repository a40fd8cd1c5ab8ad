"""A stocked warehouse with a pick face, and the scanner's replenishment calls, for tests.

`repl_floor()` is picking's stocked warehouse (WH1, storage bins A-1..B-3, a channel, totes)
plus a pick-face bin P-1 (walk 5: picked before the aisles), an item with an each barcode
and a case barcode (case of 12), reserve stock in storage bins and stock on the face, the
face set up through the service (min 10, max 40 by default), and the worker and supervisor
given rights to the warehouse. The scanner's calls go through the REST API.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from scanfloor.access.service import set_user_warehouses
from scanfloor.catalog.locations_service import create_location
from scanfloor.catalog.results import LocationView
from scanfloor.extensions import db
from scanfloor.replenishment.faces_service import upsert_pick_face
from scanfloor.replenishment.models import ReplenishmentTask
from tests.api_reply import Reply, post
from tests.picking_helpers import Floor, StockedItem, receive_into, stock_item, stocked_warehouse

_n = itertools.count(1)
Headers = Callable[[str], dict[str, str]]


@dataclass
class ReplFloor:
    floor: Floor
    face: LocationView
    item: StockedItem
    face_id: int

    @property
    def wh(self) -> Any:
        return self.floor.wh

    def bin(self, short: str) -> LocationView:
        return self.face if short == "P-1" else self.floor.bin(short)


def _people() -> dict[str, Any]:
    from scanfloor.auth.models import User

    return {u.username: u for u in db.session.scalars(select(User))}


def repl_floor(
    prefix: str = "",
    *,
    face_stock: int = 12,
    reserve: Mapping[str, int] | None = None,
    min_qty: int = 10,
    max_qty: int = 40,
    case_quantity: int = 12,
    channel: str | None = "WEB",
) -> ReplFloor:
    floor = stocked_warehouse(prefix, channel=channel)
    people = _people()
    for name in ("worker", "supervisor"):
        if name in people:
            set_user_warehouses(people[name].id, [floor.wh.id])
    face = create_location(
        code=f"{floor.prefix}P-1", type="pick_face", parent_id=floor.zones["A"].id, walk_sequence=5
    )
    it = stock_item(
        floor, {"A-2": 24, "B-1": 30} if reserve is None else reserve, case_quantity=case_quantity
    )
    if face_stock:
        receive_into(it.id, face.id, face_stock)
    view = upsert_pick_face(
        bin=face.code,
        sku=it.sku,
        min_qty=min_qty,
        max_qty=max_qty,
        actor_id=people["supervisor"].id,
    )
    return ReplFloor(floor, face, it, view.id)


def tasks_of_face(face_id: int) -> list[Any]:
    db.session.commit()
    return list(
        db.session.scalars(
            select(ReplenishmentTask)
            .where(ReplenishmentTask.pick_face_id == face_id)
            .order_by(ReplenishmentTask.id)
        )
    )


def claim(client: Any, headers: dict[str, str], warehouse: str) -> Reply:
    body = {"warehouse": warehouse, "client_scan_id": f"rclaim-{next(_n)}"}
    return post(client, "/api/v1/replenishment-tasks/claim", headers, body)


def move(
    client: Any,
    headers: dict[str, str],
    task_id: int,
    *,
    from_bin: str,
    item: str,
    quantity: int | None,
    to_bin: str,
    key: str | None = None,
) -> Reply:
    body = {
        "from_bin": from_bin,
        "item": item,
        "quantity": quantity,
        "to_bin": to_bin,
        "client_scan_id": key or f"rmove-{next(_n)}",
    }
    return post(client, f"/api/v1/replenishment-tasks/{task_id}/moves", headers, body)


def lower_face(rf: ReplFloor, units: int) -> None:
    """Take stock off the face the way any posting does (a transfer to the pack station)."""
    from scanfloor.ledger.rules import MovementLine, PostingRequest
    from scanfloor.ledger.writer import post as ledger_post

    ledger_post(
        PostingRequest(
            movement_type="transfer",
            lines=(
                MovementLine(
                    item_id=rf.item.id,
                    quantity=units,
                    from_location_id=rf.face.id,
                    to_location_id=rf.floor.pack_station.id,
                ),
            ),
        )
    )


# --- cases for the command-path table (tests/integration/test_command_path.py) --------------

Case = tuple[str, dict[str, dict[str, Any]], str, str]  # url, bodies "a"/"b", role, other role


def claim_case(app: Any) -> Case:
    """A task is open in WH1; the worker claims in WH1 ("a") or in another warehouse ("b")."""
    rf = repl_floor()
    other = repl_floor("X", channel=None)
    set_user_warehouses(_people()["worker"].id, [rf.wh.id, other.wh.id])
    lower_face(rf, 5)
    bodies = {"a": {"warehouse": rf.wh.code}, "b": {"warehouse": other.wh.code}}
    return "/api/v1/replenishment-tasks/claim", bodies, "worker", "manager"


def move_case(app: Any) -> Case:
    """The worker holds the face's task; "a" moves 1 unit from A-2, "b" 2 units."""
    from scanfloor.replenishment.tasks_service import claim_next_task

    rf = repl_floor()
    lower_face(rf, 5)
    task = claim_next_task(rf.wh.id, actor_id=_people()["worker"].id)
    assert task is not None
    bodies = {
        v: {"from_bin": rf.bin("A-2").code, "item": rf.item.each_barcode, "quantity": q,
            "to_bin": rf.face.code}
        for v, q in (("a", 1), ("b", 2))
    }  # fmt: skip
    return f"/api/v1/replenishment-tasks/{task.id}/moves", bodies, "worker", "supervisor"
