"""The state packing leaves, built for shipping tests without the packing services.

`shipping_site()` makes a warehouse (a sellable bin, a pack station, a dock door of type
shipping), a channel shipping from it (with a webhook URL, so it gets outbox messages) and a
manual carrier with a tracking range. `packed_order()` then takes an order the whole way
to where packing leaves it, each step through the context that owns it:
- captured through allocation's service (real reservations);
- a wave (status picking) with the order's wave_orders row bound to a tote;
- picked: stock posts bin -> (pack station, tote) through ledger.writer.post and the
  reservation is consumed (allocation.changes_service.consume_reservation), one
  transaction, the writer first;
- packed: an SSCC carton container (labels.sscc_service.allocate_sscc, kind carton), stock
  posts (pack station, tote) -> (pack station, carton), and a `cartons` row closed with its
  weight;
- lines whose every picked unit is in closed cartons set to `packed` through allocation's
  order history (reserve.restate, which records the transitions).
The order's lines may be picked and packed only in part (`picked`, `cartons`), for the
partial-shipment rules.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from scanfloor.allocation.changes_service import consume_reservation
from scanfloor.allocation.channels_service import create_channel
from scanfloor.allocation.engine import load_orders
from scanfloor.allocation.models import Channel, OrderLine
from scanfloor.allocation.order_history import Actor
from scanfloor.allocation.orders_service import LineInput, OrderInput, capture_order
from scanfloor.allocation.reserve import restate
from scanfloor.catalog.containers_service import create_container
from scanfloor.catalog.models import Item, Location
from scanfloor.database import write_transaction
from scanfloor.extensions import db
from scanfloor.labels.sscc_service import allocate_sscc
from scanfloor.ledger.rules import MovementLine, PostingRequest
from scanfloor.ledger.writer import post
from scanfloor.packing.models import Carton
from scanfloor.picking.models import Wave, WaveOrder
from scanfloor.shipping.carriers_service import create_carrier
from scanfloor.timeutil import utcnow
from tests.factories import make_bin_in, make_item, make_warehouse, receive

GS1_PREFIX = "0614141"
WEBHOOK = "https://shop.example.com/hooks/scanfloor"
_n = itertools.count(1)


@dataclass
class Site:
    warehouse: Location
    bin: Location
    pack_station: Location
    dock_door: Location
    channel: str
    carrier: str


@dataclass
class PackedOrder:
    order_id: int
    external_id: str
    line_ids: list[int]
    tote_id: int
    cartons: list[Carton]  # closed, in seq order

    @property
    def ssccs(self) -> list[str]:
        return [sscc_of(c) for c in self.cartons]


def shipping_site(
    app: Any,
    prefix: str = "",
    *,
    allow_partial_shipment: bool = True,
    tracking_next: int | None = 1,
    tracking_last: int | None = 999_999,
    carrier: str | None = "OWN",
) -> Site:
    """A warehouse, a channel shipping from it and (unless carrier=None) a manual carrier."""
    app.config["SCANFLOOR_GS1_COMPANY_PREFIX"] = GS1_PREFIX
    app.config["SCANFLOOR_OUTBOX_KICK"] = False  # messages stay in the outbox for the tests
    p = prefix.upper()
    wh = make_warehouse(f"{p}WH")
    bin_ = make_bin_in(wh, f"{p}A-1")
    pack = make_bin_in(wh, f"{p}PACK-1", type="pack_station", sellable=False)
    door = make_bin_in(wh, f"{p}DOOR-1", type="shipping", sellable=False)
    channel = f"{p}WEB"
    create_channel(
        channel,
        kind="web",
        name=f"Web shop {p}",
        warehouses=[wh.code],
        allow_partial_shipment=allow_partial_shipment,
    )
    # Set on the row: saving through the service would look the host up (webhook policy).
    ch = db.session.scalar(select(Channel).where(Channel.code == channel))
    assert ch is not None
    ch.webhook_url, ch.webhook_secret = WEBHOOK, "s3cret"
    db.session.commit()
    if carrier is not None:
        create_carrier(
            code=f"{p}{carrier}",
            name="Own fleet",
            services=["standard", "express"],
            tracking_prefix="SF",
            tracking_next=tracking_next,
            tracking_last=tracking_last,
            tracking_url_template="https://track.example.com/t/{tracking_number}",
            settings={"digits": 8},
        )
    return Site(wh, bin_, pack, door, channel, f"{p}{carrier or ''}")


def stock(site: Site, quantity: int, sku: str | None = None) -> Item:
    """An item with `quantity` units in the site's sellable bin."""
    item = make_item(sku)
    receive(item, site.bin, quantity)
    return item


def packed_order(
    site: Site,
    lines: Sequence[tuple[Item, int]],
    *,
    picked: Mapping[int, int] | None = None,
    cartons: Sequence[Mapping[int, int]] | None = None,
    weight_g: int = 1200,
) -> PackedOrder:
    """An order packed as packing leaves it (module docstring).

    lines: (item, quantity ordered). picked: units picked per item (default: all ordered).
    cartons: per closed carton, units per item id (default: one carton with all picked)."""
    n = next(_n)
    external_id = f"W-{n}"
    captured = capture_order(
        OrderInput(
            channel=site.channel,
            external_id=external_id,
            lines=[LineInput(quantity=q, sku=item.sku) for item, q in lines],
        )
    )
    order_id = captured.order.id
    line_ids = [
        int(i)
        for i in db.session.scalars(
            select(OrderLine.id).where(OrderLine.order_id == order_id).order_by(OrderLine.id)
        )
    ]
    want = dict(picked) if picked is not None else {}
    for item, q in lines:
        want.setdefault(item.id, q)
    tote = create_container(code=f"TOTE-{n:04d}", kind="tote", location_id=site.pack_station.id)
    _bind_tote(site, order_id, tote.id)
    for (item, _q), line_id in zip(lines, line_ids, strict=True):
        if want[item.id]:
            _pick(site, item.id, line_id, want[item.id], tote.id)
    boxes = cartons if cartons is not None else [{i: q for i, q in want.items() if q}]
    made = [
        _pack(site, order_id, seq, contents, tote.id, weight_g)
        for seq, contents in enumerate(boxes, 1)
    ]
    packed = {i: 0 for i in want}
    for contents in boxes:
        for i, q in contents.items():
            packed[i] += q
    _mark_packed(order_id, {item.id for item, q in lines if packed[item.id] >= q})
    db.session.commit()
    return PackedOrder(order_id, external_id, line_ids, tote.id, made)


def _bind_tote(site: Site, order_id: int, tote_id: int) -> None:
    with write_transaction():
        wave = Wave(warehouse_id=site.warehouse.id, status="picking", mode="single")
        db.session.add(wave)
        db.session.flush()
        db.session.add(WaveOrder(wave_id=wave.id, order_id=order_id, tote_container_id=tote_id))


def _pick(site: Site, item_id: int, line_id: int, quantity: int, tote_id: int) -> None:
    with write_transaction():
        post(
            PostingRequest(
                movement_type="pick",
                lines=(
                    MovementLine(
                        item_id=item_id,
                        quantity=quantity,
                        from_location_id=site.bin.id,
                        to_location_id=site.pack_station.id,
                        to_container_id=tote_id,
                    ),
                ),
                source_type="order_line",
                source_id=str(line_id),
            )
        )
        consume_reservation(line_id, quantity, warehouse_id=site.warehouse.id)


def _pack(
    site: Site,
    order_id: int,
    seq: int,
    contents: Mapping[int, int],
    tote_id: int,
    weight_g: int,
) -> Carton:
    box = allocate_sscc(kind="carton", location_id=site.pack_station.id)
    with write_transaction():
        carton = Carton(
            container_id=box.id,
            order_id=order_id,
            warehouse_id=site.warehouse.id,
            location_id=site.pack_station.id,
            seq=seq,
            status="open",
        )
        db.session.add(carton)
        db.session.flush()
        post(
            PostingRequest(
                movement_type="pack",
                lines=tuple(
                    MovementLine(
                        item_id=i,
                        quantity=q,
                        from_location_id=site.pack_station.id,
                        to_location_id=site.pack_station.id,
                        from_container_id=tote_id,
                        to_container_id=box.id,
                    )
                    for i, q in sorted(contents.items())
                ),
                source_type="carton",
                source_id=str(carton.id),
            )
        )
        carton.status, carton.weight_g, carton.closed_at = "closed", weight_g, utcnow()
    db.session.refresh(carton)
    return carton


def open_carton(site: Site, order_id: int) -> Carton:
    """A carton still being packed (status open, empty)."""
    box = allocate_sscc(kind="carton", location_id=site.pack_station.id)
    with write_transaction():
        carton = Carton(
            container_id=box.id,
            order_id=order_id,
            warehouse_id=site.warehouse.id,
            location_id=site.pack_station.id,
            seq=99,
            status="open",
        )
        db.session.add(carton)
    db.session.refresh(carton)
    return carton


def _mark_packed(order_id: int, item_ids: set[int]) -> None:
    with write_transaction():
        conn = db.session.connection()
        [order] = load_orders(conn, [order_id])
        changed = {
            ln.id: (ln.quantity, ln.reserved, ln.consumed, "packed")
            for ln in order.lines
            if ln.item_id in item_ids and ln.consumed == ln.quantity
        }
        if changed:
            restate(conn, [order], changed, Actor(), utcnow(), "packed (test set-up)")


def sscc_of(carton: Carton) -> str:
    from scanfloor.catalog.models import Container

    code = db.session.scalar(select(Container.code).where(Container.id == carton.container_id))
    assert code is not None
    return str(code)


def add_carton_case(app: Any) -> tuple[str, dict[str, dict[str, str]]]:
    """For the command-path table: an open shipment's carton URL, and two bodies (variants
    "a" and "b") scanning two different closed cartons."""
    site = shipping_site(app, "CMD")
    item = stock(site, 10)
    a, b = packed_order(site, [(item, 1)]), packed_order(site, [(item, 1)])
    from scanfloor.shipping.service import open_shipment

    shipment = open_shipment(site.warehouse.id, site.carrier, "standard", actor_id=None)
    url = f"/api/v1/shipments/{shipment.id}/cartons"
    return url, {"a": {"carton": a.ssccs[0]}, "b": {"carton": b.ssccs[0]}}


def confirm_case(app: Any) -> dict[str, str]:
    """For the command-path table: the confirm URLs of two loaded shipments ("a", "b")."""
    from scanfloor.shipping.service import add_carton, open_shipment

    site = shipping_site(app, "CMD")
    item = stock(site, 10)
    urls = {}
    for variant in ("a", "b"):
        order = packed_order(site, [(item, 1)])
        shipment = open_shipment(site.warehouse.id, site.carrier, "standard", actor_id=None)
        add_carton(shipment.id, order.ssccs[0], actor_id=None)
        urls[variant] = f"/api/v1/shipments/{shipment.id}/confirm"
    return urls
