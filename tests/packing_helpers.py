"""Picked orders waiting at the pack station, for packing tests.

`picked_order()` builds the state a pick leaves (what picking's confirm_pick does per scan),
without going through picking's services, so packing is tested on its own:
- the order is captured through allocation's service (so its lines are reserved);
- each picked quantity posts bin -> (the warehouse's pack station, the order's tote) through
  the one ledger writer (movement type "pick"), and the line's reservation is consumed in
  the same transaction (allocation.changes_service.consume_reservation): lines go
  picking/picked;
- a waves row and a wave_orders row bind the tote to the order (tote_container_id, open).
The warehouse, its items (each and case barcodes) and the channel come from
tests/picking_helpers.py.
"""

from __future__ import annotations

import io
import itertools
import re
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import zxingcpp
from PIL import Image
from sqlalchemy import func, select

from scanfloor.allocation.changes_service import consume_reservation
from scanfloor.allocation.models import OrderLine, Reservation
from scanfloor.allocation.orders_service import LineInput, OrderInput, capture_order
from scanfloor.catalog.results import ContainerView
from scanfloor.database import write_transaction
from scanfloor.extensions import db
from scanfloor.ledger.rules import MovementLine, PostingRequest
from scanfloor.ledger.writer import post
from scanfloor.packing.cartons_service import create_carton_type
from scanfloor.picking.models import Wave, WaveOrder
from tests.factories import ledger_snapshot
from tests.picking_helpers import Floor, StockedItem, stock_item, stocked_warehouse

GS1_PREFIX = "0614141"
SHIP_TO = {
    "name": "Ada Lovelace",
    "address1": "12 Analytical Row",
    "city": "London",
    "postcode": "N1 7AA",
    "country": "GB",
    "region": "south",
}
_n = itertools.count(1)


@dataclass
class Picked:
    """An order whose lines were picked into its tote, at the pack station."""

    floor: Floor
    order_id: int
    external_id: str
    tote: ContainerView
    items: list[StockedItem]
    line_ids: list[int] = field(default_factory=list)


def configure_sscc(app: Any, monkeypatch: Any) -> None:
    """Cartons get SSCCs: give the app a GS1 company prefix."""
    monkeypatch.delenv("SCANFLOOR_GS1_COMPANY_PREFIX", raising=False)
    monkeypatch.delenv("SCANFLOOR_SSCC_EXTENSION_DIGIT", raising=False)
    app.config["SCANFLOOR_GS1_COMPANY_PREFIX"] = GS1_PREFIX


def carton_types() -> None:
    """A small box (100 g, up to 5 kg) and a large one (300 g, up to 20 kg)."""
    create_carton_type(
        code="BOX-S", name="Small box", length_mm=300, width_mm=200, height_mm=150, tare_g=100,
        max_weight_g=5000,
    )  # fmt: skip
    create_carton_type(
        code="BOX-L", name="Large box", length_mm=600, width_mm=400, height_mm=400, tare_g=300,
        max_weight_g=20000,
    )  # fmt: skip


def picked_order(
    floor: Floor | None = None,
    ordered: Sequence[int] = (10,),
    picked: Sequence[int] | None = None,
    *,
    external_id: str | None = None,
    tote: int = 1,
) -> Picked:
    """An order of one new item per entry of `ordered` (units ordered), with `picked` units
    of each picked into tote number `tote` (default: all of it)."""
    floor = floor or stocked_warehouse()
    items = [stock_item(floor, {"A-1": q + 20}) for q in ordered]
    ext = external_id or f"{floor.prefix}SO-P{next(_n):04d}"
    order = capture_order(
        OrderInput(
            channel=floor.channel,
            external_id=ext,
            lines=[LineInput(quantity=q, sku=it.sku) for it, q in zip(items, ordered, strict=True)],
            ship_to=dict(SHIP_TO),
        )
    ).order
    result = Picked(floor, order.id, ext, floor.tote(tote), items, [ln.id for ln in order.lines])
    for ln, it, q in zip(order.lines, items, picked or ordered, strict=True):
        if q:
            pick(result, ln.id, it, q)
    return result


def pick(p: Picked, line_id: int, item: StockedItem, quantity: int) -> None:
    """What one pick does: bin A-1 -> (pack station, tote), the reservation consumed, the
    tote bound to the order (first time)."""
    floor = p.floor
    with write_transaction():
        bound = db.session.scalar(
            select(WaveOrder.wave_id).where(WaveOrder.order_id == p.order_id, WaveOrder.open)
        )
        if bound is None:
            wave = Wave(warehouse_id=floor.wh.id, status="picking", mode="single")
            db.session.add(wave)
            db.session.flush()
            db.session.add(
                WaveOrder(wave_id=wave.id, order_id=p.order_id, tote_container_id=p.tote.id)
            )
            db.session.flush()
        post(
            PostingRequest(
                movement_type="pick",
                lines=(
                    MovementLine(
                        item_id=item.id,
                        quantity=quantity,
                        from_location_id=floor.bin("A-1").id,
                        to_location_id=floor.pack_station.id,
                        to_container_id=p.tote.id,
                    ),
                ),
                source_type="test_pick",
                source_id=str(line_id),
            )
        )
        consume_reservation(line_id, quantity, warehouse_id=floor.wh.id)


def state() -> tuple[Any, ...]:
    """The ledger, the reservations, the lines and the cartons: a refusal leaves all as
    they were."""
    from scanfloor.packing.models import Carton

    count, balances = ledger_snapshot()
    reservations = db.session.execute(
        select(Reservation.id, Reservation.status, Reservation.quantity).order_by(Reservation.id)
    ).all()
    lines = db.session.execute(
        select(OrderLine.id, OrderLine.status, OrderLine.consumed_qty).order_by(OrderLine.id)
    ).all()
    cartons = db.session.execute(
        select(Carton.id, Carton.status, Carton.weight_g).order_by(Carton.id)
    ).all()
    db.session.rollback()
    return (
        count,
        balances,
        [tuple(r) for r in reservations],
        [tuple(r) for r in lines],
        [tuple(r) for r in cartons],
    )


def line_statuses(order_id: int) -> list[str]:
    db.session.rollback()
    rows = db.session.scalars(
        select(OrderLine.status).where(OrderLine.order_id == order_id).order_by(OrderLine.id)
    ).all()
    db.session.rollback()
    return list(rows)


def count_rows(model: Any) -> int:
    db.session.rollback()
    return int(db.session.scalar(select(func.count()).select_from(model)) or 0)


def decode(png: bytes) -> list[str]:
    """What a scanner reads off a PNG: symbology identifier + text, per barcode."""
    image = Image.open(io.BytesIO(png)).convert("L")
    found = zxingcpp.read_barcodes(image, text_mode=zxingcpp.TextMode.Plain)
    return [r.symbology_identifier + r.text for r in found]


def pdf_strings(pdf: bytes) -> list[str]:
    """The text shown by a PDF's content streams (Flate or plain): each Tj string."""
    shown: list[str] = []
    for raw in re.findall(rb"stream\n(.*?)\nendstream", pdf, re.S):
        try:
            body = zlib.decompress(raw)
        except zlib.error:
            body = raw
        for s in re.findall(rb"\(((?:\\.|[^\\)])*)\) Tj", body):
            text = re.sub(rb"\\(.)", rb"\1", s)
            shown.append(text.decode("cp1252"))
    return shown


# --- the pack station's API calls -----------------------------------------------------------


def ok(r: Any, status: int = 200) -> Any:
    assert r.status_code == status, r.get_json()
    return r.get_json()


def open_carton(client: Any, auth: Any, order_id: int, key: str | None = None, **body: Any) -> Any:
    return client.post(
        f"/api/v1/pack/orders/{order_id}/cartons",
        json={"client_scan_id": key, **body},
        headers=auth("worker"),
    )


def pack(client: Any, auth: Any, carton_id: int, item: str, quantity: int | None = None, key=None):
    body = {"item": item, "client_scan_id": key}
    if quantity is not None:
        body["quantity"] = quantity
    return client.post(f"/api/v1/pack/cartons/{carton_id}/items", json=body, headers=auth("worker"))


def close(client: Any, auth: Any, carton_id: int, carton_type="BOX-S", weight_g=900, key=None):
    return client.post(
        f"/api/v1/pack/cartons/{carton_id}/close",
        json={"carton_type": carton_type, "weight_g": weight_g, "client_scan_id": key},
        headers=auth("worker"),
    )


# --- cases for tests/integration/test_command_path.py ----------------------------------------


def _cases_app(app: Any) -> Picked:
    app.config["SCANFLOOR_GS1_COMPANY_PREFIX"] = GS1_PREFIX
    carton_types()
    return picked_order(ordered=(10,))


def open_carton_case(app: Any) -> tuple[str, dict[str, Any]]:
    """packing.open_carton: (url, bodies "a" and "b"); b names the station explicitly."""
    p = _cases_app(app)
    url = f"/api/v1/pack/orders/{p.order_id}/cartons"
    return url, {"a": {}, "b": {"station": p.floor.pack_station.code}}


def pack_case(app: Any) -> tuple[str, dict[str, Any]]:
    """packing.pack: one unit (a), or two (b), into an open carton."""
    from scanfloor.packing.service import open_carton as open_

    p = _cases_app(app)
    carton = open_(p.order_id, actor_id=None)
    item = p.items[0].each_barcode
    bodies = {"a": {"item": item, "quantity": 1}, "b": {"item": item, "quantity": 2}}
    return f"/api/v1/pack/cartons/{carton.id}/items", bodies


def close_carton_case(app: Any) -> tuple[str, dict[str, Any]]:
    """packing.close_carton: a packed carton closed at 500 g (a) or 600 g (b)."""
    from scanfloor.packing.service import open_carton as open_
    from scanfloor.packing.service import pack_item

    p = _cases_app(app)
    carton = open_(p.order_id, actor_id=None)
    pack_item(carton.id, p.items[0].each_barcode, 2, actor_id=None)
    bodies = {
        "a": {"carton_type": "BOX-S", "weight_g": 500},
        "b": {"carton_type": "BOX-S", "weight_g": 600},
    }
    return f"/api/v1/pack/cartons/{carton.id}/close", bodies
