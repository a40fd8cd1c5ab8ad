"""What the pack station shows: an order found by a tote, a carton or its id, with what was
picked, what is packed where, and what is missing. Reads only."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from ..catalog.resolve import resolve_barcode
from ..errors import InvalidBarcode, NotFound
from . import queries
from .errors import AmbiguousCode
from .queries import CartonRow, ItemInfo, OrderHead
from .rules import Line, Packed, missing, packed_by_line, to_pack

MAX_BIGINT = 2**63 - 1  # order ids are BIGINT


@dataclass(frozen=True)
class Ref:
    id: int
    code: str


@dataclass(frozen=True)
class OrderRef:
    id: int
    external_id: str


@dataclass(frozen=True)
class ItemRef:
    id: int
    sku: str


@dataclass(frozen=True)
class TypeRef:
    code: str
    name: str


@dataclass(frozen=True)
class CartonLine:
    item: ItemRef
    quantity: int


@dataclass(frozen=True)
class CartonView:
    id: int
    sscc: str
    order: OrderRef
    seq: int
    of: int
    status: str
    carton_type: TypeRef | None
    weight_g: int | None
    lines: list[CartonLine]
    tracking_number: str | None
    station: Ref


@dataclass(frozen=True)
class PackItem:
    id: int
    sku: str
    name: str
    barcodes: list[str]


@dataclass(frozen=True)
class PackLine:
    order_line_id: int
    item: PackItem
    status: str
    ordered: int
    picked: int
    packed: int
    to_pack: int


@dataclass(frozen=True)
class MissingView:
    order_line_id: int
    sku: str
    quantity: int
    reason: str


@dataclass(frozen=True)
class OrderSummary:
    id: int
    external_id: str
    channel: str


@dataclass(frozen=True)
class PackView:
    order: OrderSummary
    status: str
    lines: list[PackLine]
    totes: list[Ref]
    cartons: list[CartonView]
    missing: list[MissingView]


@dataclass(frozen=True)
class OrderState:
    """Everything the views and the rules need of one order, read once."""

    head: OrderHead
    lines: list[Line]
    totes: list[tuple[int, str]]
    cartons: list[CartonRow]
    packed: list[Packed]
    items: dict[int, ItemInfo]


def load_state(order_id: int) -> OrderState:
    head = queries.order_head(order_id)
    if head is None:
        raise NotFound("order not found", {"order_id": order_id})
    lines = queries.lines(order_id)
    cartons = queries.cartons_of_order(order_id)
    packed = queries.packed(cartons)
    item_ids = [ln.item_id for ln in lines] + [p.item_id for p in packed]
    return OrderState(
        head, lines, queries.totes(order_id), cartons, packed, queries.items(item_ids)
    )


def carton_view(state: OrderState, carton: CartonRow) -> CartonView:
    per_item: dict[int, int] = defaultdict(int)
    for p in state.packed:
        if p.carton_id == carton.id:
            per_item[p.item_id] += p.quantity
    station = queries.place(carton.location_id)
    return CartonView(
        id=carton.id,
        sscc=carton.sscc,
        order=OrderRef(state.head.id, state.head.external_id),
        seq=carton.seq,
        of=len(state.cartons),
        status=carton.status,
        carton_type=(
            None
            if carton.carton_type_code is None
            else TypeRef(carton.carton_type_code, carton.carton_type_name or "")
        ),
        weight_g=carton.weight_g,
        lines=[
            CartonLine(ItemRef(i, state.items[i].sku), q) for i, q in sorted(per_item.items()) if q
        ],
        tracking_number=carton.tracking_number,
        station=Ref(carton.location_id, station.code if station is not None else ""),
    )


def pack_lines(state: OrderState) -> list[PackLine]:
    done = packed_by_line(state.lines, state.packed)
    left = to_pack(state.lines, state.packed)
    return [
        PackLine(
            order_line_id=ln.id,
            item=_item(state.items[ln.item_id]),
            status=ln.status,
            ordered=ln.ordered,
            picked=ln.picked,
            packed=done[ln.id],
            to_pack=left[ln.id],
        )
        for ln in state.lines
        if ln.live
    ]


def _item(info: ItemInfo) -> PackItem:
    return PackItem(info.id, info.sku, info.name, list(info.barcodes))


def pack_view(state: OrderState) -> PackView:
    return PackView(
        order=OrderSummary(state.head.id, state.head.external_id, state.head.channel),
        status=state.head.status,
        lines=pack_lines(state),
        totes=[Ref(i, code) for i, code in state.totes],
        cartons=[carton_view(state, c) for c in state.cartons],
        missing=[
            MissingView(m.order_line_id, state.items[m.item_id].sku, m.quantity, m.reason)
            for m in missing(state.lines, state.packed)
        ],
    )


def get_carton(carton_id: int) -> CartonView:
    """One carton as the pack station shows it."""
    found = queries.carton(carton_id)
    if found is None:
        raise NotFound("carton not found", {"carton_id": carton_id})
    state = load_state(found.order_id)
    return carton_view(state, next(c for c in state.cartons if c.id == found.id))


def order_for_code(code: str) -> int:
    """The order a pack station scan names: a tote bound to an open wave order, one of the
    order's cartons, an order's external id, or its id (in that order of preference)."""
    text = code.strip()
    if not text:
        raise NotFound("nothing has this code", {"code": code})
    try:
        found = resolve_barcode(text)
    except InvalidBarcode:
        found = None  # an external id need not be a valid barcode
    if found is not None and found.kind == "container" and found.container is not None:
        cid = int(found.container["id"])
        order_id = queries.order_of_tote(cid) or queries.order_of_carton_container(cid)
        if order_id is not None:
            return order_id
        if found.container["kind"] == "tote":
            raise NotFound("this tote holds no open order", {"code": text, "container_id": cid})
    matches = queries.orders_by_external_id(text)
    if len(matches) > 1:
        raise AmbiguousCode(
            "several channels have an order with this id: scan its tote or give the order id",
            {"code": text, "order_ids": matches},
        )
    if matches:
        return matches[0]
    numeric = text.isdigit() and len(text) <= 19 and 0 < int(text) <= MAX_BIGINT
    if numeric and queries.order_head(int(text)) is not None:
        return int(text)
    raise NotFound("no order has this tote, carton or order id", {"code": text})


def pack_lookup(code: str) -> PackView:
    """The order behind a tote barcode, a carton's SSCC, an external order id or an id."""
    return pack_view(load_state(order_for_code(code)))


def views_for(order_id: int, carton_ids: Sequence[int]) -> tuple[OrderState, list[CartonView]]:
    state = load_state(order_id)
    by_id = {c.id: c for c in state.cartons}
    return state, [carton_view(state, by_id[i]) for i in carton_ids]
