"""Reading waves: one wave with its orders, totes and tasks, or a list of them."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from sqlalchemy import bindparam, select

from ..allocation.models import Order
from ..auth.models import User
from ..catalog.models import Container, Location
from ..extensions import db
from . import queries
from .errors import WaveNotFound
from .models import PickLine, Wave, WaveOrder
from .views import OrderRef, Ref, SkippedOrder, UserRef, WaveOrderView, WaveView

_W = Wave.__table__
_WO = WaveOrder.__table__
_PL = PickLine.__table__
_O = Order.__table__
_C = Container.__table__
_U = User.__table__
_LOC = Location.__table__

MAX_LIST = 200

_WAVES = (
    select(_W, _LOC.c.code.label("warehouse_code"), _U.c.username)
    .join(_LOC, _LOC.c.id == _W.c.warehouse_id)
    .outerjoin(_U, _U.c.id == _W.c.released_by)
)
_ORDERS = (
    select(
        _WO.c.wave_id, _WO.c.order_id, _O.c.external_id, _WO.c.slot, _WO.c.open, _C.c.id, _C.c.code
    )
    .join(_O, _O.c.id == _WO.c.order_id)
    .outerjoin(_C, _C.c.id == _WO.c.tote_container_id)
    .where(_WO.c.wave_id.in_(bindparam("ids", expanding=True)))
    .order_by(_WO.c.wave_id, _WO.c.slot, _WO.c.order_id)
)
# The first task of each order (the one with its lowest line: zone waves have several).
_TASK_OF = (
    select(_PL.c.wave_id, _PL.c.order_id, _PL.c.task_id)
    .where(_PL.c.wave_id.in_(bindparam("ids", expanding=True)))
    .order_by(_PL.c.task_id)
)


def _views(rows: Sequence[Any], skipped: list[SkippedOrder] | None = None) -> list[WaveView]:
    ids = [int(r.id) for r in rows]
    if not ids:
        return []
    orders: dict[int, list[Any]] = defaultdict(list)
    for r in db.session.execute(_ORDERS, {"ids": ids}):
        orders[int(r[0])].append(r)
    task_of: dict[tuple[int, int], int] = {}
    for wave_id, order_id, task_id in db.session.execute(_TASK_OF, {"ids": ids}):
        task_of.setdefault((int(wave_id), int(order_id)), int(task_id))
    tasks: dict[int, list[Any]] = defaultdict(list)
    for t in queries.task_summaries_of_waves(ids):
        tasks[t.wave_id].append(t)
    return [
        WaveView(
            id=int(r.id),
            warehouse=Ref(int(r.warehouse_id), str(r.warehouse_code)),
            status=str(r.status),
            mode=str(r.mode),
            rules=dict(r.rules or {}),
            order_count=int(r.order_count),
            line_count=int(r.line_count),
            unit_count=int(r.unit_count),
            path_length=int(r.path_length),
            released_by=None if r.released_by is None else UserRef(r.released_by, r.username),
            released_via=str(r.released_via),
            released_at=r.released_at,
            completed_at=r.completed_at,
            orders=[
                WaveOrderView(
                    order=OrderRef(int(o[1]), str(o[2])),
                    slot=int(o[3]),
                    task_id=task_of.get((int(r.id), int(o[1]))),
                    tote=None if o[5] is None else Ref(int(o[5]), str(o[6])),
                    open=bool(o[4]),
                )
                for o in orders[int(r.id)]
            ],
            tasks=tasks[int(r.id)],
            skipped=list(skipped or []),
        )
        for r in rows
    ]


def get_wave(wave_id: int, *, skipped: list[SkippedOrder] | None = None) -> WaveView:
    """One wave with its orders (slot, tote) and tasks."""
    rows = db.session.execute(_WAVES.where(_W.c.id == wave_id)).all()
    if not rows:
        raise WaveNotFound("no such wave", {"wave_id": wave_id})
    return _views(rows, skipped)[0]


def list_waves(
    warehouse_id: int | str | None = None, status: str | None = None, limit: int = MAX_LIST
) -> list[WaveView]:
    """Waves, newest first (a warehouse's, of one status, when asked)."""
    q = _WAVES.order_by(_W.c.id.desc()).limit(limit)
    if warehouse_id is not None:
        q = q.where(_W.c.warehouse_id == queries.warehouse(warehouse_id).id)
    if status is not None:
        q = q.where(_W.c.status == status)
    return _views(db.session.execute(q).all())
