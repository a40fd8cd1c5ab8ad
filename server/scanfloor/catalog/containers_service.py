"""Container use cases: totes, cartons and pallets, each with an LPN or SSCC barcode."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import select

from ..database import in_write_transaction, write_transaction
from ..errors import (
    Conflict,
    DuplicateCode,
    InvalidBarcode,
    NotFound,
    ScanfloorError,
    ValidationFailed,
)
from ..extensions import db
from ..ledger.models import Balance
from .barcode_registry import ensure_free, explain_clash, guarded_write
from .codes import CodeError
from .models import CONTAINER_KINDS, Barcode, Container, Location
from .results import ContainerView, Page, cursor_id, next_cursor, page_limit
from .rules import canonical_container_code, container_symbology

CONTAINER_FIELDS = ("location_id", "active")


def _view(c: Container) -> ContainerView:
    return ContainerView(
        id=c.id,
        code=c.code,
        symbology=container_symbology(c.code),
        kind=c.kind,
        location_id=c.location_id,
        active=c.active,
    )


def _load(container_id: int) -> Container:
    found = db.session.get(Container, container_id)
    if found is None:
        raise NotFound("container not found", {"container_id": container_id})
    return found


def _place(location_id: int | None) -> None:
    """Containers sit in real, active places; the ledger moves them to virtual ones."""
    if location_id is None:
        return
    loc = db.session.get(Location, location_id)
    if loc is None:
        raise NotFound("location not found", {"location_id": location_id})
    if loc.is_virtual or not loc.active:
        raise ValidationFailed(
            "a container can only be placed in an active, physical location",
            {"location_id": location_id, "code": loc.code},
        )


def _explain_code(code: str) -> ScanfloorError | None:
    taken = db.session.scalar(select(Container.id).where(Container.code == code))
    if taken is None:
        return None
    return DuplicateCode(f"container {code} already exists", {"code": code, "container_id": taken})


def create_container(*, code: str, kind: str, location_id: int | None = None) -> ContainerView:
    """Register a container by its LPN or SSCC, optionally placed in a location."""
    if kind not in CONTAINER_KINDS:
        raise ValidationFailed(
            "unknown container kind", {"kind": kind, "allowed": list(CONTAINER_KINDS)}
        )
    try:
        symbology, stored = canonical_container_code(code)
    except CodeError as exc:
        raise InvalidBarcode(str(exc), {"code": code}) from exc
    with write_transaction():
        _place(location_id)
        duplicate = _explain_code(stored)
        if duplicate is not None:
            raise duplicate
        ensure_free([stored])
        container = Container(code=stored, kind=kind, location_id=location_id, active=True)
        with guarded_write(lambda: _explain_code(stored), lambda: explain_clash([stored])):
            db.session.add(container)
            db.session.flush()
            db.session.add(
                Barcode(
                    code=stored, symbology=symbology, target="container", container_id=container.id
                )
            )
        return _view(container)


def get_container(container_id: int) -> ContainerView:
    """One container."""
    return _view(_load(container_id))


def list_containers(
    *,
    location_id: int | None = None,
    kind: str | None = None,
    q: str | None = None,
    active: bool | None = None,
    limit: int | None = None,
    cursor: str | None = None,
) -> Page[ContainerView]:
    """Containers by id, filtered; q matches part of the code."""
    size = page_limit(limit)
    stmt = select(Container).where(Container.id > cursor_id(cursor))
    if location_id is not None:
        stmt = stmt.where(Container.location_id == location_id)
    if kind is not None:
        stmt = stmt.where(Container.kind == kind)
    if active is not None:
        stmt = stmt.where(Container.active == active)
    if q is not None and q.strip():
        stmt = stmt.where(Container.code.contains(q.strip().upper(), autoescape=True))
    rows = list(db.session.scalars(stmt.order_by(Container.id).limit(size + 1)))
    return Page(
        rows=[_view(c) for c in rows[:size]], next_cursor=next_cursor([c.id for c in rows], size)
    )


def _holds_stock(container_id: int) -> bool:
    hit = db.session.scalar(
        select(Balance.id)
        .where(Balance.container_id == container_id, Balance.quantity != 0)
        .limit(1)
    )
    return hit is not None


def update_container(container_id: int, changes: Mapping[str, Any]) -> ContainerView:
    """Place an empty container somewhere else, or (de)activate it. Moves no stock."""
    unknown = sorted(set(changes) - set(CONTAINER_FIELDS))
    if unknown:
        raise ValidationFailed("these fields cannot be changed here", {"fields": unknown})
    with write_transaction():
        container = _load(container_id)
        moving = "location_id" in changes and changes["location_id"] != container.location_id
        retiring = changes.get("active") is False and container.active
        if (moving or retiring) and _holds_stock(container.id):
            # Its balances name its location: only a ledger transfer may move that stock.
            raise Conflict(
                "this container holds stock: move it with a transfer, not by editing it",
                {"container_id": container.id, "code": container.code},
            )
        if moving:
            _place(changes["location_id"])
            container.location_id = changes["location_id"]
        if changes.get("active") is not None:
            container.active = changes["active"]
        db.session.flush()
        return _view(container)


def follow_stock(container_id: int, location_id: int) -> None:
    """Record that a container now stands where a posting just moved all its stock.

    For workflows (putaway) that move a full container through the ledger: call it inside
    that posting's write transaction, so the container and its stock never disagree.
    """
    if not in_write_transaction():
        raise RuntimeError("follow_stock runs inside the posting's write transaction")
    container = _load(container_id)
    container.location_id = location_id
    db.session.flush()
