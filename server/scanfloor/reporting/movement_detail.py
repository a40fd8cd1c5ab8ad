"""The drill-down of one movement (issue 14): the movement as the ledger lists it, and who
posted it (name and role), from which device and when, the other lines of its posting, the
movement that reverses it and the one it reverses, its source document and the approvals
recorded for that document (movement_sources.py). Reading only.

An actor's role is the role the user holds now: the app keeps no history of roles. The
posting's other lines are listed up to MAX_POSTING_LINES (`more` says when there are more);
`line_count` is every line of the posting, this one included.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from ..auth.models import User
from ..catalog.models import Container, Item, Location
from ..errors import NotFound
from ..extensions import db
from ..ledger.models import Movement, Posting
from ..ledger.queries import movements_by_ids
from .movement_sources import DocRef, Origin, Page, Step, find_source

MAX_POSTING_LINES = 100
_FROM = aliased(Location, name="from_loc")
_TO = aliased(Location, name="to_loc")
_FROM_C = aliased(Container, name="from_c")
_TO_C = aliased(Container, name="to_c")


class MovementNotFound(NotFound):
    code = "movement_not_found"


@dataclass(frozen=True)
class Person:
    id: int
    username: str
    display_name: str
    role: str


@dataclass(frozen=True)
class Approval:
    step: str
    what: str
    by: Person | None
    at: datetime | None
    reason_code: str | None
    note: str | None


def _people(ids: Iterable[int | None]) -> dict[int, Person]:
    wanted = sorted({int(i) for i in ids if i is not None})
    if not wanted:
        return {}
    rows = db.session.execute(
        select(User.id, User.username, User.display_name, User.role).where(User.id.in_(wanted))
    )
    return {int(r.id): Person(int(r.id), r.username, r.display_name, r.role) for r in rows}


def _line(m: Movement, sku: str, from_code: str, to_code: str) -> dict[str, Any]:
    """A movement in short: what another movement of the drill-down is shown with."""
    return {
        "id": m.id, "posting_id": m.posting_id, "item_id": m.item_id, "sku": sku,
        "quantity": m.quantity, "from_location_code": from_code, "to_location_code": to_code,
        "movement_type": m.movement_type, "reason_code": m.reason_code,
        "actor_id": m.actor_id, "occurred_at": m.occurred_at,
    }  # fmt: skip


_LINES = (
    select(Movement, Item.sku, _FROM.code, _TO.code)
    .join(Item, Item.id == Movement.item_id)
    .join(_FROM, _FROM.id == Movement.from_location_id)
    .join(_TO, _TO.id == Movement.to_location_id)
)


def _posting(m: dict[str, Any]) -> dict[str, Any]:
    head = db.session.execute(
        select(Posting.id, Posting.movement_type, Posting.recorded_at).where(
            Posting.id == m["posting_id"]
        )
    ).one()
    count = db.session.scalar(
        select(func.count()).select_from(Movement).where(Movement.posting_id == head.id)
    )
    others = db.session.execute(
        _LINES.where(Movement.posting_id == head.id, Movement.id != m["id"])
        .order_by(Movement.id)
        .limit(MAX_POSTING_LINES + 1)
    ).all()
    return {
        "id": int(head.id),
        "movement_type": head.movement_type,
        "recorded_at": head.recorded_at,
        "line_count": int(count or 0),
        "movements": [_line(*row) for row in others[:MAX_POSTING_LINES]],
        "more": len(others) > MAX_POSTING_LINES,
    }


def _reversal(m: dict[str, Any]) -> dict[str, Any]:
    by = db.session.execute(_LINES.where(Movement.reverses_movement_id == m["id"])).first()
    of = None
    if m["reverses_movement_id"] is not None:
        of = db.session.execute(_LINES.where(Movement.id == m["reverses_movement_id"])).first()
    return {
        "reversed_by": None if by is None else _line(*by),
        "reverses": None if of is None else _line(*of),
    }


def _doc(ref: DocRef) -> dict[str, Any]:
    page: Page | None = ref.page
    return {"type": ref.type, "id": ref.id, "label": ref.label, "page": page}


def _source(m: dict[str, Any], recorded_at: datetime) -> tuple[dict[str, Any] | None, list[Step]]:
    if not m["source_type"]:
        return None, []
    found = find_source(
        Origin(
            source_type=m["source_type"],
            source_id=m["source_id"],
            posting_id=m["posting_id"],
            actor_id=m["actor_id"],
            recorded_at=recorded_at,
            reason_code=m["reason_code"],
        )
    )
    return {**_doc(found.doc), "related": [_doc(r) for r in found.related]}, found.steps


def _extras(m: dict[str, Any]) -> dict[str, Any]:
    row = db.session.execute(
        select(Item.name, _FROM_C.code, _TO_C.code)
        .select_from(Movement)
        .join(Item, Item.id == Movement.item_id)
        .outerjoin(_FROM_C, _FROM_C.id == Movement.from_container_id)
        .outerjoin(_TO_C, _TO_C.id == Movement.to_container_id)
        .where(Movement.id == m["id"])
    ).one()
    return {"item_name": row[0], "from_container_code": row[1], "to_container_code": row[2]}


def movement_detail(movement_id: int) -> dict[str, Any]:
    """One movement with who, which device, when, its posting, reversal, source document
    and approvals (module docstring); MovementNotFound (404) for an unknown id."""
    found = movements_by_ids([movement_id])
    if not found:
        raise MovementNotFound("no movement has this id", {"movement_id": movement_id})
    m = found[0]
    posting = _posting(m)
    reversal = _reversal(m)
    source, steps = _source(m, posting["recorded_at"])
    linked = [r for r in reversal.values() if r is not None]
    people = _people([m["actor_id"], *(r["actor_id"] for r in linked), *(s.by_id for s in steps)])
    for r in linked:
        r["actor"] = people.get(r.pop("actor_id"))
    for r in posting["movements"]:
        r.pop("actor_id")
    approvals = [
        Approval(s.step, s.what, people.get(s.by_id) if s.by_id is not None else None, s.at,
                 s.reason_code, s.note)
        for s in steps
    ]  # fmt: skip
    approvals.sort(key=lambda a: (a.at is None, a.at.timestamp() if a.at else 0.0))
    return {
        **m,
        **_extras(m),
        "actor": people.get(m["actor_id"]) if m["actor_id"] is not None else None,
        "posting": posting,
        "reversal": reversal,
        "source": source,
        "approvals": approvals,
    }
