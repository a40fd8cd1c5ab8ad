"""A stocked warehouse and allocated orders for picking, packing and shipping tests.

`stocked_warehouse()` builds, through the catalog services:
  WH1 (prefix + "WH1")
    zone A: bins A-1, A-2, A-3 (walk 10, 20, 30)   <- aisle 1 (the bins' parent zone)
    zone B: bins B-1, B-2, B-3 (walk 40, 50, 60)   <- aisle 2
    zone OUT: PACK-1 (pack_station), STAGE-1 (staging), DOCK-OUT (shipping)
  a channel (default "WEB") shipping from WH1, and totes TOTE-1..n (kind tote) in PACK-1.
Bins are sellable storage bins. `stock_item()` makes an item with barcodes (each + case)
and receives stock into bins through the ledger writer; `allocated_order()` captures an
order through allocation's service, so it gets real reservations.

Codes carry the prefix so two warehouses can live in one test: stocked_warehouse("X").
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from scanfloor.allocation.channels_service import create_channel
from scanfloor.allocation.order_views import OrderView
from scanfloor.allocation.orders_service import LineInput, OrderInput, capture_order
from scanfloor.catalog.containers_service import create_container
from scanfloor.catalog.items_service import PackSpec, create_item
from scanfloor.catalog.locations_service import create_location
from scanfloor.catalog.lots_service import create_lot
from scanfloor.catalog.results import ContainerView, ItemView, LocationView, LotView
from scanfloor.ledger.rules import MovementLine, PostingRequest
from scanfloor.ledger.writer import PostingResult, post
from tests.factories import virtual

_n = itertools.count(1)

AISLES: dict[str, tuple[int, ...]] = {"A": (10, 20, 30), "B": (40, 50, 60)}


@dataclass
class Floor:
    """One stocked warehouse. floor.bin("A-1") is bin A-1 (without the prefix)."""

    prefix: str
    wh: LocationView
    zones: dict[str, LocationView]
    bins: dict[str, LocationView]
    pack_station: LocationView
    staging: LocationView
    shipping: LocationView
    channel: str
    totes: list[ContainerView] = field(default_factory=list)

    def bin(self, short: str) -> LocationView:
        return self.bins[short]

    def tote(self, n: int) -> ContainerView:
        """Tote n (1-based)."""
        return self.totes[n - 1]


def stocked_warehouse(
    prefix: str = "",
    *,
    channel: str | None = "WEB",
    ship_within_hours: int | None = 24,
    allow_partial_shipment: bool = True,
    channel_priority: int = 0,
    totes: int = 4,
    aisles: Mapping[str, Sequence[int]] | None = None,
) -> Floor:
    """A warehouse with two aisles of sellable bins, a pack station, staging, a shipping
    dock, totes, and a channel shipping from it (channel=None: none made)."""
    p = prefix.upper()
    wh = create_location(code=f"{p}WH1", type="warehouse")
    zones: dict[str, LocationView] = {}
    bins: dict[str, LocationView] = {}
    for aisle, walks in (aisles or AISLES).items():
        zone = create_location(code=f"{p}WH1-{aisle}", type="zone", parent_id=wh.id)
        zones[aisle] = zone
        for n, walk in enumerate(walks, start=1):
            bins[f"{aisle}-{n}"] = create_location(
                code=f"{p}{aisle}-{n}", type="storage", parent_id=zone.id, walk_sequence=walk
            )
    out = create_location(code=f"{p}WH1-OUT", type="zone", parent_id=wh.id)
    zones["OUT"] = out
    pack = create_location(
        code=f"{p}PACK-1", type="pack_station", parent_id=out.id, walk_sequence=900
    )
    stage = create_location(code=f"{p}STAGE-1", type="staging", parent_id=out.id)
    ship = create_location(code=f"{p}DOCK-OUT", type="shipping", parent_id=out.id)
    floor = Floor(p, wh, zones, bins, pack, stage, ship, channel or "")
    if channel is not None:
        floor.channel = channel.upper()
        create_channel(
            floor.channel,
            warehouses=[wh.code],
            name=f"{floor.channel} channel",
            kind="web",
            priority=channel_priority,
            ship_within_hours=ship_within_hours,
            allow_partial_shipment=allow_partial_shipment,
        )
    floor.totes = [add_tote(floor, f"{p}TOTE-{n}") for n in range(1, totes + 1)]
    return floor


def add_tote(floor: Floor, code: str | None = None) -> ContainerView:
    """An empty tote waiting at the pack station."""
    return create_container(
        code=code or f"{floor.prefix}TOTE-X{next(_n)}",
        kind="tote",
        location_id=floor.pack_station.id,
    )


def add_channel(
    floor: Floor,
    code: str,
    *,
    ship_within_hours: int | None = 24,
    allow_partial_shipment: bool = True,
    priority: int = 0,
) -> str:
    """Another channel shipping from this warehouse; returns its code."""
    create_channel(
        code,
        warehouses=[floor.wh.code],
        name=f"{code} channel",
        kind="marketplace",
        priority=priority,
        ship_within_hours=ship_within_hours,
        allow_partial_shipment=allow_partial_shipment,
    )
    return code.upper()


@dataclass(frozen=True)
class StockedItem:
    item: ItemView
    each_barcode: str
    case_barcode: str
    case_quantity: int
    lots: dict[str, LotView]

    @property
    def id(self) -> int:
        return self.item.id

    @property
    def sku(self) -> str:
        return self.item.sku


def stock_item(
    floor: Floor,
    stock: Mapping[str, int] | None = None,
    *,
    lots: Mapping[str, date | None] | None = None,
    lot_stock: Mapping[tuple[str, str], int] | None = None,
    case_quantity: int = 6,
    sku: str | None = None,
) -> StockedItem:
    """An item with an each barcode and a case barcode, stocked into bins.

    stock: {"A-1": 10} loose units per bin (untracked items).
    lots: {"L1": date(2030, 1, 1)} makes the item lot-tracked and expiry-tracked (a None
    expiry makes it lot-tracked only), and lot_stock: {("A-1", "L1"): 5} stocks those lots.
    """
    n = next(_n)
    sku = sku or f"{floor.prefix}PICK-{n:04d}"
    each_code = f"{floor.prefix}EA-{n:05d}"
    case_code = f"{floor.prefix}CS-{n:05d}"
    tracked = lots is not None
    expiry_tracked = tracked and any(e is not None for e in (lots or {}).values())
    made = create_item(
        sku=sku,
        name=f"Picking item {n}",
        tracking="lot" if tracked else "none",
        expiry_tracked=expiry_tracked,
        packs=[PackSpec("each", 1, (each_code,)), PackSpec("case", case_quantity, (case_code,))],
    )
    made_lots = {
        code: create_lot(made.id, code=code, expiry=expiry) for code, expiry in (lots or {}).items()
    }
    for short, qty in (stock or {}).items():
        receive_into(made.id, floor.bin(short).id, qty)
    for (short, code), qty in (lot_stock or {}).items():
        receive_into(made.id, floor.bin(short).id, qty, lot_id=made_lots[code].id)
    return StockedItem(made, each_code, case_code, case_quantity, made_lots)


def receive_into(
    item_id: int, location_id: int, qty: int, *, lot_id: int | None = None
) -> PostingResult:
    """Stock arrives in a location from the vendor, through the one writer."""
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
                ),
            ),
        )
    )


def allocated_order(
    floor: Floor,
    lines: Sequence[tuple[StockedItem | ItemView | str, int]],
    *,
    external_id: str | None = None,
    channel: str | None = None,
    ordered_at: datetime | None = None,
    promised: date | None = None,
    actor_id: int | None = None,
) -> OrderView:
    """An order captured through allocation's service (so it is reserved as it lands).

    lines: (item or sku, quantity). Whether it ends up allocated depends on the stock."""
    inp = OrderInput(
        channel=channel or floor.channel,
        external_id=external_id or f"{floor.prefix}SO-{next(_n):05d}",
        lines=[LineInput(quantity=q, sku=_sku(it), promised_ship_date=promised) for it, q in lines],
        ordered_at=ordered_at,
    )
    return capture_order(inp, actor_id).order


def _sku(it: StockedItem | ItemView | str) -> str:
    return it if isinstance(it, str) else it.sku


def order_line_statuses(order_id: int) -> list[str]:
    """The order's line statuses, in line order (read fresh)."""
    from scanfloor.allocation.order_views import order_view
    from scanfloor.extensions import db

    db.session.commit()
    return [ln.status for ln in order_view(order_id).lines]


def active_reservations(order_id: int) -> list[tuple[int, int, int | None, int]]:
    """(reservation id, order line id, lot id, quantity) of the order's active reservations."""
    from sqlalchemy import select

    from scanfloor.allocation.models import OrderLine, Reservation
    from scanfloor.extensions import db

    db.session.commit()
    rows = db.session.execute(
        select(Reservation.id, Reservation.order_line_id, Reservation.lot_id, Reservation.quantity)
        .join(OrderLine, OrderLine.id == Reservation.order_line_id)
        .where(OrderLine.order_id == order_id, Reservation.status == "active")
        .order_by(Reservation.id)
    ).all()
    return [(int(r[0]), int(r[1]), r[2], int(r[3])) for r in rows]
