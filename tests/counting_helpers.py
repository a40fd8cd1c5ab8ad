"""A stocked warehouse with count tasks, workers and the scanner's calls, for count tests.

`count_floor()` is picking's stocked warehouse (WH1, bins A-1..B-3, a channel, totes) with
the worker and supervisor fixtures given rights to it and a second worker ("worker2", for
recounts) with a token. Items come from `costed_item` (a costed receipt, so variances have
a value) or picking's `stock_item` (never costed). Policies and classes are set directly.
The scanner's calls go through the REST API, as the scanner makes them.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select, text, update

from scanfloor.access.service import set_user_warehouses
from scanfloor.auth.service import create_user
from scanfloor.auth.tokens import issue_token
from scanfloor.counting.models import CountLine, CountPolicy, CountTask, ItemClass
from scanfloor.counting.service import raise_count_task
from scanfloor.extensions import db
from scanfloor.ledger.models import Movement
from scanfloor.ledger.rules import MovementLine, PostingRequest
from scanfloor.ledger.verify import verify_ledger
from scanfloor.ledger.writer import post
from tests.api_reply import Reply
from tests.api_reply import post as _post
from tests.factories import virtual
from tests.picking_helpers import Floor, StockedItem, stock_item, stocked_warehouse

_n = itertools.count(1)
Headers = Callable[[str], dict[str, str]]


@dataclass
class CountFloor:
    floor: Floor
    auth: Headers  # auth("worker") / auth("worker2") / auth("supervisor") / ...
    users: dict[str, Any]  # role or username -> user

    @property
    def wh(self) -> Any:
        return self.floor.wh

    def bin(self, short: str) -> Any:
        return self.floor.bin(short)


def count_floor(app: Any, users: dict[str, Any], auth: Headers, prefix: str = "") -> CountFloor:
    """The stocked warehouse, rights for the worker and supervisor, and a second worker."""
    floor = stocked_warehouse(prefix)
    second = create_user(
        username=f"{prefix.lower()}worker2", role="worker", password="worker2-pw-1"
    )
    supervisor2 = create_user(
        username=f"{prefix.lower()}supervisor2", role="supervisor", password="super2-pw-1"
    )
    for u in (users["worker"], users["supervisor"], second, supervisor2):
        set_user_warehouses(u.id, [floor.wh.id])
    everyone = {**users, "worker2": second, "supervisor2": supervisor2}
    tokens: dict[str, dict[str, str]] = {}

    def headers(who: str) -> dict[str, str]:
        if who in ("worker2", "supervisor2"):
            if who not in tokens:
                tok = issue_token(everyone[who].id)
                db.session.commit()
                tokens[who] = {"Authorization": f"Bearer {tok.token}"}
            return tokens[who]
        return auth(who)

    return CountFloor(floor, headers, everyone)


def costed_item(floor: Floor, stock: Mapping[str, int], unit_cost: str = "2.00") -> StockedItem:
    """An item with each/case barcodes, received into bins at this unit cost."""
    it = stock_item(floor)
    for short, qty in stock.items():
        receive(it.id, floor.bin(short).id, qty, unit_cost=unit_cost)
    return it


def receive(
    item_id: int,
    location_id: int,
    qty: int,
    *,
    lot_id: int | None = None,
    unit_cost: str | None = None,
) -> Any:
    return post(
        PostingRequest(
            movement_type="receipt",
            lines=(
                MovementLine(
                    item_id=item_id,
                    quantity=qty,
                    from_location_id=virtual("VENDOR").id,
                    to_location_id=location_id,
                    lot_id=lot_id,
                    unit_cost=None if unit_cost is None else Decimal(unit_cost),
                ),
            ),
        )
    )


def move_out(item_id: int, from_id: int, to_id: int, qty: int) -> Any:
    """Any ledger move out of a bin (a transfer), made while a count is under way."""
    return post(
        PostingRequest(
            movement_type="transfer",
            lines=(
                MovementLine(
                    item_id=item_id, quantity=qty, from_location_id=from_id, to_location_id=to_id
                ),
            ),
        )
    )


def count_task(
    cf: CountFloor, short: str, item_id: int | None = None, reason: str = "adhoc"
) -> int:
    """A count of a bin (or of one item in it), raised as the console or an event does."""
    task_id = raise_count_task(
        warehouse_id=cf.wh.id,
        location_id=cf.bin(short).id,
        item_id=item_id,
        reason=reason,
        source_type=None,
        source_id=None,
        actor_id=cf.users["supervisor"].id,
    )
    db.session.commit()
    return task_id


def set_policy(cls: str, units: int, value: str) -> None:
    """The every-warehouse tolerance of a class."""
    db.session.execute(
        update(CountPolicy)
        .where(CountPolicy.warehouse_key == 0, CountPolicy.abc_class == cls)
        .values(tolerance_units=units, tolerance_value=Decimal(value))
    )
    db.session.commit()


def classify(item_id: int, warehouse_id: int, cls: str) -> None:
    db.session.add(
        ItemClass(
            item_id=item_id,
            warehouse_id=warehouse_id,
            abc_class=cls,
            basis="value",
            metric=Decimal("1"),
            rank=next(_n),
        )
    )
    db.session.commit()


# --- the scanner's and the console's calls --------------------------------------------------


def claim(cf: CountFloor, client: Any, who: str = "worker") -> Reply:
    body = {"warehouse": cf.wh.code, "client_scan_id": f"claim-{next(_n)}"}
    return _post(client, "/api/v1/count-tasks/claim", cf.auth(who), body)


def count(
    cf: CountFloor,
    client: Any,
    task_id: int,
    short: str,
    barcode: str,
    quantity: int,
    who: str = "worker",
    **extra: Any,
) -> Reply:
    body = {
        "location": cf.bin(short).code,
        "barcode": barcode,
        "quantity": quantity,
        "client_scan_id": f"line-{next(_n)}",
        "device_id": f"dev-{who}",
        **extra,
    }
    return _post(client, f"/api/v1/count-tasks/{task_id}/lines", cf.auth(who), body)


def finish(cf: CountFloor, client: Any, task_id: int, who: str = "worker", **extra: Any) -> Reply:
    body = {"client_scan_id": f"finish-{next(_n)}", "device_id": f"dev-{who}", **extra}
    return _post(client, f"/api/v1/count-tasks/{task_id}/finish", cf.auth(who), body)


def decide(
    cf: CountFloor, client: Any, task_id: int, who: str, decision: str = "approve", **extra: Any
) -> Reply:
    body = {"decision": decision, "reason_code": extra.pop("reason_code", "checked"), **extra}
    headers = {**cf.auth(who), "Idempotency-Key": f"decide-{next(_n)}"}
    return _post(client, f"/api/v1/count-tasks/{task_id}/decide", headers, body)


def review(cf: CountFloor, client: Any, task_id: int, who: str = "supervisor") -> dict[str, Any]:
    r = client.get(f"/api/v1/count-tasks/{task_id}/review", headers=cf.auth(who))
    assert r.status_code == 200, r.get_json()
    return dict(r.get_json())


def count_to_approval(
    cf: CountFloor, client: Any, task_id: int, short: str, barcode: str, first: int, second: int
) -> None:
    """The worker counts `first`, worker2 recounts `second`: both beyond tolerance."""
    assert claim(cf, client, "worker").body["task"]["id"] == task_id
    assert count(cf, client, task_id, short, barcode, first).status == 200
    assert finish(cf, client, task_id).body["outcome"] == "recount"
    assert claim(cf, client, "worker2").body["task"]["id"] == task_id
    assert count(cf, client, task_id, short, barcode, second, who="worker2").status == 200
    assert finish(cf, client, task_id, who="worker2").body["outcome"] == "approval"


# --- what the database says -----------------------------------------------------------------


def on_hand(item_id: int, location_id: int) -> int:
    db.session.commit()
    got = db.session.scalar(
        text(
            "SELECT COALESCE(SUM(quantity), 0) FROM balances WHERE item_id = :i "
            "AND location_id = :l AND container_id IS NULL"
        ),
        {"i": item_id, "l": location_id},
    )
    return int(got or 0)


def count_movements(task_id: int) -> list[tuple[int, int, int, int, str, int | None, str]]:
    """(item, quantity, from, to, reason code, actor, movement type) posted for a task."""
    db.session.commit()
    rows = db.session.execute(
        select(
            Movement.item_id,
            Movement.quantity,
            Movement.from_location_id,
            Movement.to_location_id,
            Movement.reason_code,
            Movement.actor_id,
            Movement.movement_type,
        )
        .where(Movement.source_type == "count_task", Movement.source_id == str(task_id))
        .order_by(Movement.id)
    ).all()
    return [tuple(r) for r in rows]  # type: ignore[misc]


def lines_snapshot() -> list[tuple[Any, ...]]:
    """Every count line and task state: a refusal must leave both as they were."""
    db.session.commit()
    lines = db.session.execute(
        select(
            CountLine.task_id,
            CountLine.attempt,
            CountLine.item_id,
            CountLine.lot_key,
            CountLine.counted_qty,
            CountLine.system_qty,
            CountLine.outcome,
        ).order_by(CountLine.id)
    ).all()
    tasks = db.session.execute(
        select(
            CountTask.id, CountTask.status, CountTask.attempt, CountTask.assigned_to,
            CountTask.posting_id,
        ).order_by(CountTask.id)
    ).all()  # fmt: skip
    return [tuple(r) for r in lines] + [tuple(r) for r in tasks]


def task_row(task_id: int) -> Any:
    db.session.commit()
    return db.session.execute(select(CountTask).where(CountTask.id == task_id)).scalar_one()


def tasks_of_bin(location_id: int) -> list[tuple[int, str]]:
    db.session.commit()
    q = select(CountTask.id, CountTask.status).where(CountTask.location_id == location_id)
    return [(int(i), str(s)) for i, s in db.session.execute(q.order_by(CountTask.id))]


def movement_total() -> int:
    db.session.commit()
    return int(db.session.scalar(select(func.count()).select_from(Movement)) or 0)


def ledger_clean() -> bool:
    db.session.commit()
    return bool(verify_ledger().clean)


# --- cases for the command-path table (tests/integration/test_command_path.py) --------------

Case = tuple[str, dict[str, dict[str, Any]], str, str]  # url, bodies "a"/"b", role, other role


def _setup_floor(app: Any) -> tuple[Floor, dict[str, Any], StockedItem, int]:
    """WH1 with 10 of an A item in A-1, a count task of A-1, and the users with rights."""
    from scanfloor.auth.models import User

    floor = stocked_warehouse()
    people = {u.username: u for u in db.session.scalars(select(User))}
    people["recounter"] = create_user(username="recounter", role="worker", password="recount-pw-1")
    for name in ("worker", "supervisor", "recounter"):
        set_user_warehouses(people[name].id, [floor.wh.id])
    it = costed_item(floor, {"A-1": 10})
    classify(it.id, floor.wh.id, "A")
    task_id = raise_count_task(
        warehouse_id=floor.wh.id, location_id=floor.bin("A-1").id, item_id=None,
        reason="adhoc", source_type=None, source_id=None, actor_id=None,
    )  # fmt: skip
    db.session.commit()
    return floor, people, it, task_id


def _count_as(user_id: int, floor: Floor, task_id: int, barcode: str, qty: int) -> None:
    from scanfloor.counting.claim_service import claim_next_task
    from scanfloor.counting.count_service import CountScan, record_count

    claim_next_task(floor.wh.id, actor_id=user_id)
    record_count(CountScan(task_id, floor.bin("A-1").code, barcode, qty), actor_id=user_id)


def claim_case(app: Any) -> Case:
    """The worker claims in WH1 ("a") or in another warehouse ("b")."""
    floor, people, _it, _task_id = _setup_floor(app)
    other = stocked_warehouse("X", channel=None)
    set_user_warehouses(people["worker"].id, [floor.wh.id, other.wh.id])
    bodies = {"a": {"warehouse": floor.wh.code}, "b": {"warehouse": other.wh.code}}
    return "/api/v1/count-tasks/claim", bodies, "worker", "manager"


def record_case(app: Any) -> Case:
    """The worker holds the task; "a" counts 1 of the item, "b" 2."""
    from scanfloor.counting.claim_service import claim_next_task

    floor, people, it, task_id = _setup_floor(app)
    claim_next_task(floor.wh.id, actor_id=people["worker"].id)
    bodies = {
        v: {"location": floor.bin("A-1").code, "barcode": it.each_barcode, "quantity": q}
        for v, q in (("a", 1), ("b", 2))
    }
    return f"/api/v1/count-tasks/{task_id}/lines", bodies, "worker", "supervisor"


def finish_case(app: Any) -> Case:
    """The worker counted the bin right; "a" finishes, "b" says the bin is empty."""
    floor, people, it, task_id = _setup_floor(app)
    _count_as(people["worker"].id, floor, task_id, it.each_barcode, 10)
    bodies = {"a": {"empty": False}, "b": {"empty": True, "location": floor.bin("A-1").code}}
    return f"/api/v1/count-tasks/{task_id}/finish", bodies, "worker", "supervisor"


def decide_case(app: Any) -> Case:
    """Counted and recounted 4 of 10: "a" approves, "b" rejects."""
    from scanfloor.counting.finish_service import finish_count

    floor, people, it, task_id = _setup_floor(app)
    for name in ("worker", "recounter"):
        _count_as(people[name].id, floor, task_id, it.each_barcode, 4)
        finish_count(task_id, actor_id=people[name].id)
    bodies = {
        "a": {"decision": "approve", "reason_code": "shrinkage"},
        "b": {"decision": "reject", "reason_code": "miscount"},
    }
    return f"/api/v1/count-tasks/{task_id}/decide", bodies, "supervisor", "manager"
