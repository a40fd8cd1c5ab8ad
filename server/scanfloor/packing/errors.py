"""Packing's named errors (HTTP status and code), and the rule refusals they stand for."""

from __future__ import annotations

from ..errors import Conflict, NotFound, ScanfloorError, ValidationFailed
from .rules import PackRefused


class WrongItem(Conflict):
    """Not on the order, or nothing of it left to pack."""

    code = "wrong_item"


class OverPack(Conflict):
    code = "over_pack"


class WrongLot(Conflict):
    code = "wrong_lot"


class NotInTote(Conflict):
    """Picked units the order's totes no longer hold (moved elsewhere)."""

    code = "not_in_tote"


class CartonClosed(Conflict):
    code = "carton_closed"


class CartonEmpty(Conflict):
    code = "carton_empty"


class NothingToPack(Conflict):
    code = "nothing_to_pack"


class NotOnShipment(Conflict):
    """A shipping label needs the carton's shipment (carrier, service) and tracking number."""

    code = "not_on_shipment"


class AmbiguousCode(Conflict):
    code = "ambiguous_code"


class CartonTypeInactive(Conflict):
    code = "carton_type_inactive"


class UnknownCartonType(NotFound):
    code = "unknown_carton_type"


class NotAnItem(ValidationFailed):
    code = "not_an_item"


class NotAPackStation(ValidationFailed):
    code = "not_a_pack_station"


class BadWeight(ValidationFailed):
    code = "bad_weight"


class WeightBelowTare(ValidationFailed):
    code = "weight_below_tare"


class OverMaxWeight(ValidationFailed):
    code = "over_max_weight"


_BY_RULE: dict[str, type[ScanfloorError]] = {
    "wrong_item": WrongItem,
    "over_pack": OverPack,
    "wrong_lot": WrongLot,
    "not_in_tote": NotInTote,
    "carton_empty": CartonEmpty,
    "carton_type_inactive": CartonTypeInactive,
    "bad_weight": BadWeight,
    "weight_below_tare": WeightBelowTare,
    "over_max_weight": OverMaxWeight,
}


def refused(exc: PackRefused) -> ScanfloorError:
    """The named error for a rule's refusal (an unlisted rule: a 422 naming it)."""
    cls = _BY_RULE.get(exc.code)
    if cls is None:
        return ValidationFailed(exc.message, {"rule": exc.code, **exc.details})
    return cls(exc.message, exc.details)
