"""A small outbound floor driven through the real services, for scenario tests: one item
in bin A-2, an order released (single mode) and claimed, then picks, packs and shipments
of a few units at a time (test_shipping_guards.py, test_picking_cancel_packed.py)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from scanfloor.packing.cartons_service import create_carton_type
from scanfloor.packing.service import close_carton, open_carton, pack_item
from scanfloor.picking.pick_service import PickScan, confirm_pick
from scanfloor.picking.task_service import claim_next_task
from scanfloor.picking.wave_rules import WaveRules
from scanfloor.picking.wave_service import release_wave
from scanfloor.shipping.service import add_carton, confirm_shipment, create_carrier, open_shipment
from tests.picking_helpers import Floor, StockedItem, allocated_order, stock_item, stocked_warehouse

GS1_PREFIX = "0614141"


@dataclass
class Scenario:
    floor: Floor
    item: StockedItem
    order: Any
    task: Any
    actor: int

    def line(self, n: int) -> int:
        """The order's n-th line id (1-based)."""
        return sorted(ln.id for ln in self.order.lines)[n - 1]

    def pick(self, order_line_id: int, quantity: int) -> None:
        pick_line = next(ln.id for ln in self.task.lines if ln.order_line_id == order_line_id)
        scan = PickScan(
            self.task.id,
            pick_line,
            self.floor.bin("A-2").code,
            self.item.each_barcode,
            quantity,
            self.floor.tote(1).code,
        )
        confirm_pick(scan, actor_id=self.actor)

    def pack(self, quantity: int, *, close: bool = True) -> Any:
        carton = open_carton(self.order.id, actor_id=self.actor)
        pack_item(carton.id, self.item.each_barcode, quantity, actor_id=self.actor)
        if close:
            carton = close_carton(carton.id, "SC-BOX", 900, actor_id=self.actor)
        return carton

    def ship(self, carton: Any) -> Any:
        shipment = open_shipment(self.floor.wh.id, "SCCAR", "standard", actor_id=self.actor)
        add_carton(shipment.id, carton.sscc, actor_id=self.actor)
        return confirm_shipment(shipment.id, actor_id=self.actor)


def released_order(app: Any, actor: int, quantities: list[int]) -> Scenario:
    """5 units in A-2; an order of one line per quantity, released and claimed by `actor`;
    a carton type SC-BOX and a manual carrier SCCAR."""
    app.config["SCANFLOOR_GS1_COMPANY_PREFIX"] = GS1_PREFIX
    create_carton_type(
        code="SC-BOX", name="Box", length_mm=300, width_mm=200, height_mm=150, tare_g=100,
        max_weight_g=5000,
    )  # fmt: skip
    create_carrier(
        code="SCCAR", name="Van", services=["standard"], tracking_prefix="SC",
        tracking_next=1, tracking_last=999,
    )  # fmt: skip
    floor = stocked_warehouse("SC")
    item = stock_item(floor, {"A-2": 5})
    order = allocated_order(floor, [(item, n) for n in quantities])
    release_wave(floor.wh.id, WaveRules(mode="single"), actor_id=actor)
    task = claim_next_task(floor.wh.id, actor_id=actor)
    assert task is not None
    return Scenario(floor, item, order, task, actor)
