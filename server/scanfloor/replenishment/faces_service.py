"""Setting up pick faces: a bin and an item with a min and a max, per warehouse.

A face's bin is a bin-level storage or pick-face location of a warehouse (named by its code
or barcode); the item by its SKU. Upserting by (bin, item) changes the limits (and
reactivates a face); a face already below its new min gets its task at once (in the same
transaction), as a posting would raise it. Deactivating a face cancels its live task."""

from __future__ import annotations

from typing import Any

from sqlalchemy import bindparam, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from ..catalog.models import Location
from ..database import write_transaction
from ..errors import NotFound, ValidationFailed
from ..extensions import db
from ..floor_events import announce_floor_change
from ..timeutil import utcnow
from . import queries
from .errors import PickFaceNotFound
from .models import LIVE_STATUSES, PickFace, ReplenishmentTask
from .rules import FACE_BIN_TYPES, FaceRuleError, check_face_limits
from .scans import item_id_by_sku, scanned_bin
from .trigger import QUEUE, raise_for_face
from .views import PickFaceView, face_view, faces_of

_PF = PickFace.__table__
_RT = ReplenishmentTask.__table__
_LOC = Location.__table__
_UPSERTS: dict[str, Any] = {}
_CANCEL_LIVE = (
    update(_RT)
    .where(_RT.c.pick_face_id == bindparam("face"), _RT.c.status.in_(LIVE_STATUSES))
    .values(status="cancelled", done_at=bindparam("now"), done_by=bindparam("who"))
)


def _upsert(dialect: str) -> Any:
    stmt = _UPSERTS.get(dialect)
    if stmt is None:
        insert = pg_insert(_PF) if dialect == "postgresql" else sqlite_insert(_PF)
        cols = ("location_id", "item_id", "warehouse_id", "min_qty", "max_qty", "active",
                "updated_at")  # fmt: skip
        base = insert.values({c: bindparam(c) for c in cols})
        stmt = base.on_conflict_do_update(
            index_elements=[_PF.c.location_id, _PF.c.item_id],
            set_={c: base.excluded[c] for c in cols if c not in ("location_id", "item_id")},
        ).returning(_PF.c.id)
        _UPSERTS[dialect] = stmt
    return stmt


def _face_bin(raw: str) -> tuple[int, int]:
    """(bin id, warehouse id) of a bin that may be a face."""
    found = scanned_bin(raw)
    row = db.session.connection().execute(_LOC.select().where(_LOC.c.id == found.id)).first()
    if row is None:
        raise NotFound("no such bin", {"bin": raw})
    details = {"bin": row.code, "level": row.level, "type": row.type}
    if row.level != "bin" or row.type not in FACE_BIN_TYPES or row.is_virtual:
        raise ValidationFailed("a pick face is a storage or pick-face bin", details)
    if row.warehouse_id is None:
        raise ValidationFailed("this bin is in no warehouse", details)
    if not row.active:
        raise ValidationFailed("this bin is inactive", details)
    return int(row.id), int(row.warehouse_id)


def upsert_pick_face(
    *,
    bin: str,
    sku: str,
    min_qty: int,
    max_qty: int,
    active: bool = True,
    actor_id: int,
) -> PickFaceView:
    """Create or change the face of an item in a bin (a supervisor of its warehouse)."""
    try:
        check_face_limits(min_qty, max_qty)
    except FaceRuleError as exc:
        raise ValidationFailed(str(exc), {"min_qty": min_qty, "max_qty": max_qty}) from exc
    item_id = item_id_by_sku(sku)
    if item_id is None:
        raise NotFound("no item has this SKU", {"sku": sku})
    location_id, warehouse_id = _face_bin(bin)
    queries.require_rights(actor_id, warehouse_id)
    with write_transaction():
        conn = db.session.connection()
        face_id = conn.execute(
            _upsert(conn.dialect.name),
            {
                "location_id": location_id,
                "item_id": item_id,
                "warehouse_id": warehouse_id,
                "min_qty": min_qty,
                "max_qty": max_qty,
                "active": active,
                "updated_at": utcnow(),
            },
        ).scalar_one()
        if not active:
            _cancel_live(int(face_id), warehouse_id, actor_id)
        else:
            for face in queries.touched_faces(conn, [location_id], [item_id]):
                raise_for_face(conn, face, int(face.quantity), "below_min")
        view = face_view(conn, int(face_id))
    assert view is not None
    return view


def _cancel_live(face_id: int, warehouse_id: int, actor_id: int) -> None:
    result = db.session.connection().execute(
        _CANCEL_LIVE, {"face": face_id, "now": utcnow(), "who": actor_id}
    )
    if result.rowcount:
        announce_floor_change(warehouse_id, QUEUE)


def list_pick_faces(
    warehouse: int | str, *, viewer_id: int, active: bool | None = True, sku: str | None = None
) -> list[PickFaceView]:
    """A warehouse's faces with what each bin holds now, in walk order."""
    wh = queries.warehouse(warehouse)
    queries.require_rights(viewer_id, wh.id)
    item_id = None
    if sku is not None:
        item_id = item_id_by_sku(sku)
        if item_id is None:
            return []
    return faces_of(db.session.connection(), wh.id, active=active, item_id=item_id)


def deactivate_pick_face(face_id: int, *, actor_id: int) -> PickFaceView:
    """A face no longer kept filled: inactive, and its live task cancelled."""
    with write_transaction():
        conn = db.session.connection()
        row = conn.execute(_PF.select().where(_PF.c.id == face_id).with_for_update()).first()
        if row is None:
            raise PickFaceNotFound("no such pick face", {"pick_face_id": face_id})
        queries.require_rights(actor_id, int(row.warehouse_id))
        conn.execute(
            _PF.update().where(_PF.c.id == face_id).values(active=False, updated_at=utcnow())
        )
        _cancel_live(face_id, int(row.warehouse_id), actor_id)
        view = face_view(conn, face_id)
    assert view is not None
    return view
