"""Shipping's named errors (the one JSON error shape carries their code)."""

from __future__ import annotations

from ..errors import Conflict, NotFound, ValidationFailed


class TrackingRangeExhausted(Conflict):
    """Every number of the carrier's tracking range is issued: configure a new range."""

    code = "tracking_range_exhausted"


class ShipmentNotOpen(Conflict):
    """A confirmed or cancelled shipment takes no more changes."""

    code = "shipment_not_open"


class CartonNotClosed(Conflict):
    """An open carton is still being packed: close (and weigh) it first."""

    code = "carton_not_closed"


class CartonShipped(Conflict):
    code = "carton_shipped"


class CartonOnAnotherShipment(Conflict):
    code = "carton_on_another_shipment"


class CartonWrongWarehouse(Conflict):
    code = "wrong_warehouse"


class NotACarton(ValidationFailed):
    """The scan is a known code, but not a carton's (a tote, a bin, an item...)."""

    code = "not_a_carton"


class CartonNotOnShipment(NotFound):
    code = "carton_not_on_shipment"


class EmptyShipment(Conflict):
    code = "empty_shipment"


class PartialShipmentRefused(Conflict):
    """The order's channel ships orders whole, and this shipment does not carry all of it."""

    code = "partial_shipment_refused"


class NotADockDoor(ValidationFailed):
    code = "not_a_dock_door"


class UnknownService(ValidationFailed):
    code = "unknown_service"


class DuplicateCarrier(Conflict):
    code = "duplicate_code"


class EmptyCarton(Conflict):
    code = "empty_carton"


class OrderCancelled(Conflict):
    """The carton's order is cancelled: its units go back to stock, never to the customer."""

    code = "order_cancelled"


class TrackingRangeOverlap(Conflict):
    """Another carrier issues the same tracking numbers (same prefix, overlapping range)."""

    code = "tracking_range_overlap"


class TrackingNumberTaken(Conflict):
    """The carrier's next tracking number is already on a carton (another carrier issued
    it): its range must be moved, or two parcels would share one number."""

    code = "tracking_number_taken"
