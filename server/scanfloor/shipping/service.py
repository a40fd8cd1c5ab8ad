"""Shipping's use cases in one place (CONTRACT.md): carriers, shipments, ship confirm."""

from __future__ import annotations

from .carriers_service import CarrierView, create_carrier, list_carriers
from .confirm_service import confirm_shipment
from .queries import ShipmentView
from .shipments_service import (
    add_carton,
    get_shipment,
    list_shipments,
    open_shipment,
    remove_carton,
)

__all__ = [
    "CarrierView",
    "ShipmentView",
    "add_carton",
    "confirm_shipment",
    "create_carrier",
    "get_shipment",
    "list_carriers",
    "list_shipments",
    "open_shipment",
    "remove_carton",
]
