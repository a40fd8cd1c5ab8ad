"""Outbound documents: a carton's SSCC label, its shipping label, an order's packing slip.
Reads only.

Ship-from is the carton's warehouse: its name, then the address lines from the setting
SCANFLOOR_SHIP_FROM_<WAREHOUSE CODE> (else SCANFLOOR_SHIP_FROM), lines separated by "|"
(Flask config, else the environment); the catalog keeps no postal address for a location.
"""

from __future__ import annotations

import os
import re
from collections import defaultdict

from flask import current_app

from ..errors import LabelNotPrintable, NotFound, ValidationFailed
from ..extensions import db
from ..labels.base import LabelRuleError
from ..labels.layouts import sscc_layout
from ..labels.packing_slip import (
    PackingSlip,
    SlipCarton,
    SlipLine,
    SlipOrderLine,
    packing_slip_pdf,
)
from ..labels.service import LabelFile, file_name, render
from ..labels.shipping_layouts import ShippingLabel, address_lines, shipping_layout, weight_text
from ..shipping.models import Carrier, Shipment
from ..timeutil import utcnow
from . import queries
from .errors import NotOnShipment
from .lookup import OrderState, load_state
from .queries import CartonRow
from .rules import packed_by_line

SHIP_FROM_SETTING = "SCANFLOOR_SHIP_FROM"
PAPERS = ("a4", "letter")


def _carton(carton_id: int) -> tuple[CartonRow, OrderState]:
    found = queries.carton(carton_id)
    if found is None:
        raise NotFound("carton not found", {"carton_id": carton_id})
    return found, load_state(found.order_id)


def _setting(name: str) -> str:
    value = current_app.config.get(name)
    if value is None:
        value = os.environ.get(name, "")
    return str(value).strip()


def ship_from_lines(warehouse_id: int) -> tuple[str, ...]:
    """The warehouse's name and its address lines from the settings (see the docstring)."""
    wh = queries.place(warehouse_id)
    if wh is None:
        return ()
    own = re.sub(r"[^A-Z0-9]+", "_", wh.code.upper())
    raw = _setting(f"{SHIP_FROM_SETTING}_{own}") or _setting(SHIP_FROM_SETTING)
    lines = [wh.name or wh.code]
    lines += [part.strip() for part in raw.split("|") if part.strip()]
    return tuple(lines)


def carton_label(carton_id: int, *, fmt: str = "png", dpi: int = 203) -> LabelFile:
    """The carton's GS1 logistic label: its SSCC as GS1-128 (00), the order and n of m."""
    carton, state = _carton(carton_id)
    where = f"ORDER {state.head.external_id} | {carton.seq} OF {len(state.cartons)}"
    try:
        layout = sscc_layout(sscc=carton.sscc, kind="carton", where=where, dpi=dpi)
    except LabelRuleError as exc:
        raise LabelNotPrintable(exc.message, {**exc.details, "carton_id": carton.id}) from exc
    return render([layout], fmt, f"carton-{carton.sscc}")


def shipping_label(carton_id: int, *, fmt: str = "png", dpi: int = 203) -> LabelFile:
    """The carrier label, once the carton is on a shipment with a tracking number."""
    carton, state = _carton(carton_id)
    shipment = None if carton.shipment_id is None else db.session.get(Shipment, carton.shipment_id)
    if shipment is None or not carton.tracking_number:
        raise NotOnShipment(
            "the carton is not on a shipment yet: scan it onto one to get its tracking number",
            {"carton_id": carton.id, "sscc": carton.sscc},
        )
    carrier = db.session.get(Carrier, shipment.carrier_id)
    label = ShippingLabel(
        ship_from=ship_from_lines(carton.warehouse_id),
        ship_to=address_lines(state.head.ship_to),
        carrier=carrier.name if carrier is not None else "",
        service=shipment.service,
        order=state.head.external_id,
        carton_seq=carton.seq,
        carton_of=len(state.cartons),
        weight_g=carton.weight_g,
        tracking_number=carton.tracking_number,
        sscc=carton.sscc,
    )
    try:
        layout = shipping_layout(label, dpi)
    except LabelRuleError as exc:
        raise LabelNotPrintable(exc.message, {**exc.details, "carton_id": carton.id}) from exc
    return render([layout], fmt, f"shipping-{carton.tracking_number}")


def packing_slip(order_id: int, *, paper: str = "a4") -> LabelFile:
    """The order's packing slip as a PDF (A4 or Letter)."""
    if paper not in PAPERS:
        raise ValidationFailed("paper is a4 or letter", {"paper": paper})
    state = load_state(order_id)
    done = packed_by_line(state.lines, state.packed)
    per_carton: dict[int, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for p in state.packed:
        per_carton[p.carton_id][p.item_id] += p.quantity
    items = state.items
    warehouse = state.cartons[0].warehouse_id if state.cartons else None
    slip = PackingSlip(
        order_id=state.head.id,
        external_id=state.head.external_id,
        channel=state.head.channel,
        printed_on=utcnow().strftime("%Y-%m-%d"),
        ship_to=address_lines(state.head.ship_to),
        ship_from=() if warehouse is None else ship_from_lines(warehouse),
        lines=tuple(
            SlipOrderLine(items[ln.item_id].sku, items[ln.item_id].name, ln.ordered, done[ln.id])
            for ln in state.lines
            if ln.live
        ),
        cartons=tuple(
            SlipCarton(
                seq=c.seq,
                of=len(state.cartons),
                sscc=c.sscc,
                weight=weight_text(c.weight_g),
                tracking_number=c.tracking_number,
                lines=tuple(
                    SlipLine(items[i].sku, items[i].name, q)
                    for i, q in sorted(per_carton[c.id].items())
                    if q
                ),
            )
            for c in state.cartons
        ),
    )
    body = packing_slip_pdf(slip, paper)
    return LabelFile(
        file_name(f"packing-slip-{state.head.external_id}", "pdf"), "application/pdf", body
    )
