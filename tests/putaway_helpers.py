"""A small warehouse for putaway tests: two storage zones, a dock, stock received onto it."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, text

from scanfloor.catalog.containers_service import create_container
from scanfloor.catalog.items_service import PackSpec, create_item
from scanfloor.catalog.locations_service import create_location
from scanfloor.catalog.lots_service import create_lot
from scanfloor.catalog.results import LocationView
from scanfloor.extensions import db
from scanfloor.ledger.models import Movement
from scanfloor.ledger.rules import MovementLine, PostingRequest
from scanfloor.ledger.verify import verify_ledger
from scanfloor.ledger.writer import PostingResult, post
from tests.factories import virtual

_n = itertools.count(1)


@dataclass
class Site:
    """WH1: zone A (bins A-1..A-3 by walk), zone B (B-1, B-2), a dock, a quarantine bin.

    Bins are looked up by their short name: site.bin("A1") is bin A-1."""

    wh: LocationView
    zone_a: LocationView
    zone_b: LocationView
    dock: LocationView
    bins: dict[str, LocationView] = field(default_factory=dict)

    def bin(self, code: str) -> LocationView:
        return self.bins[code]


def build_site(prefix: str = "", capacities: dict[str, int] | None = None) -> Site:
    caps = capacities or {}
    wh = create_location(code=f"{prefix}WH1", type="warehouse")
    zone_a = create_location(code=f"{prefix}WH1-A", type="zone", parent_id=wh.id)
    zone_b = create_location(code=f"{prefix}WH1-B", type="zone", parent_id=wh.id)
    inbound = create_location(code=f"{prefix}WH1-IN", type="zone", parent_id=wh.id)
    dock = create_location(code=f"{prefix}DOCK-1", type="dock", parent_id=inbound.id)
    site = Site(wh=wh, zone_a=zone_a, zone_b=zone_b, dock=dock)
    plan = [("A1", zone_a, 10), ("A2", zone_a, 20), ("A3", zone_a, 30)]
    plan += [("B1", zone_b, 40), ("B2", zone_b, 50)]
    for code, zone, walk in plan:
        site.bins[code] = create_location(
            code=f"{prefix}{code[0]}-{code[1:]}",
            type="storage",
            parent_id=zone.id,
            walk_sequence=walk,
            capacity=caps.get(code),
        )
    site.bins["QUAR"] = create_location(
        code=f"{prefix}QUAR-1", type="quarantine", parent_id=inbound.id
    )
    return site


def item(*, lots: bool = False, zone: str | None = None, barcode: str | None = None) -> Any:
    n = next(_n)
    packs = [PackSpec("each", 1, (barcode,) if barcode else ())]
    return create_item(
        sku=f"PUT-{n:04d}",
        name=f"Putaway item {n}",
        tracking="lot" if lots else "none",
        attributes={"zone": zone} if zone else {},
        packs=packs,
    )


def lot(item_id: int, code: str) -> Any:
    return create_lot(item_id, code=code)


def receive(
    item_id: int,
    to_location_id: int,
    qty: int,
    *,
    lot_id: int | None = None,
    container_id: int | None = None,
    at: datetime | None = None,
) -> PostingResult:
    """A receipt from the vendor, through the one writer."""
    return post(
        PostingRequest(
            movement_type="receipt",
            lines=(
                MovementLine(
                    item_id=item_id,
                    quantity=qty,
                    from_location_id=virtual("VENDOR").id,
                    to_location_id=to_location_id,
                    lot_id=lot_id,
                    to_container_id=container_id,
                ),
            ),
            occurred_at=at,
        )
    )


def pallet(dock_id: int, code: str | None = None) -> Any:
    return create_container(code=code or f"LPN-P{next(_n):05d}", kind="pallet", location_id=dock_id)


def snapshot() -> tuple[int, list[tuple[Any, ...]]]:
    """Movement count and every balance: equal before and after means nothing was posted."""
    db.session.commit()
    moves = db.session.scalar(select(func.count()).select_from(Movement)) or 0
    rows = db.session.execute(
        text(
            "SELECT item_id, location_id, lot_id, container_id, quantity FROM balances ORDER BY id"
        )
    ).all()
    return int(moves), [tuple(r) for r in rows]


def on_hand(item_id: int, location_id: int, container_id: int | None = None) -> int:
    db.session.commit()
    q = db.session.scalar(
        text(
            "SELECT COALESCE(SUM(quantity), 0) FROM balances WHERE item_id = :i "
            "AND location_id = :l AND COALESCE(container_id, 0) = :c"
        ),
        {"i": item_id, "l": location_id, "c": container_id or 0},
    )
    return int(q or 0)


def ledger_clean() -> bool:
    db.session.commit()
    return bool(verify_ledger().clean)


def tasks_of(client: Any, headers: dict[str, str], **query: Any) -> list[dict[str, Any]]:
    r = client.get("/api/v1/putaway/tasks", query_string=query, headers=headers)
    assert r.status_code == 200, r.get_json()
    return list(r.get_json()["tasks"])
