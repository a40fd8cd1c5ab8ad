"""Carrier adapters: what Scanfloor asks of a carrier, and the built-in manual one.

`CarrierAdapter` is the interface a real carrier plugs in through (docs/decisions/0015):
`rate` (what a service costs for some cartons), `create_label` (a tracking number, and for
network carriers the label they print, for one carton), `void` (cancel a label) and
`tracking_url`. An adapter is built per carrier row by `adapter_for(config)` from the
registry (`register_adapter(name, factory)`), keyed by the row's `adapter` column.

`create_label` and `void` run inside the shipping transaction that records their result
(add_carton / remove_carton), so a refused scan keeps no label. The manual adapter needs
that: its number is issued by a conditional UPDATE of the carrier row, which takes the
row's lock until the carton row holding the number commits, so two cartons never get one
number, and a rolled-back scan leaves no gap.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from sqlalchemy import bindparam, select, update

from ..errors import NotConfigured
from ..extensions import db
from .errors import TrackingRangeExhausted
from .models import Carrier
from .rules import DEFAULT_DIGITS, RateQuote, manual_rate, tracking_number, tracking_url

_C = Carrier.__table__
# Built once: issued per carton scan. The WHERE is the range check, so the check and the
# increment are one statement under the row's lock (PostgreSQL), one writer (SQLite).
_ISSUE = (
    update(_C)
    .where(
        _C.c.id == bindparam("carrier_id"),
        _C.c.tracking_next.is_not(None),
        (_C.c.tracking_last.is_(None)) | (_C.c.tracking_next <= _C.c.tracking_last),
    )
    .values(tracking_next=_C.c.tracking_next + 1)
    .returning(_C.c.tracking_next)
)
_RANGE = select(_C.c.tracking_next, _C.c.tracking_last).where(_C.c.id == bindparam("carrier_id"))


@dataclass(frozen=True)
class CarrierConfig:
    """A carrier row as adapters see it (no ORM object leaves the service)."""

    id: int
    code: str
    name: str
    adapter: str
    services: tuple[str, ...]
    tracking_prefix: str = ""
    tracking_url_template: str | None = None
    settings: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def of(cls, row: Any) -> CarrierConfig:
        return cls(
            id=int(row.id),
            code=row.code,
            name=row.name,
            adapter=row.adapter,
            services=tuple(row.services or ()),
            tracking_prefix=row.tracking_prefix or "",
            tracking_url_template=row.tracking_url_template,
            settings=dict(row.settings or {}),
        )


@dataclass(frozen=True)
class Parcel:
    """One carton as a carrier prices and labels it."""

    carton_id: int
    sscc: str
    weight_g: int | None


@dataclass(frozen=True)
class LabelRequest:
    shipment_id: int
    service: str
    parcel: Parcel
    order_external_id: str
    ship_to: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Label:
    """What a carrier answers for one carton. tracking_number None: the carrier gives none
    (an own van without tracking)."""

    tracking_number: str | None
    tracking_url: str | None


class CarrierAdapter(Protocol):
    """What every carrier adapter does (see the module docstring and docs/decisions/0015)."""

    def rate(self, service: str, parcels: Sequence[Parcel]) -> RateQuote: ...

    def create_label(self, request: LabelRequest) -> Label: ...

    def void(self, tracking_number: str) -> None: ...

    def tracking_url(self, tracking_number: str) -> str | None: ...


class ManualCarrier:
    """Own fleet, or a carrier booked outside Scanfloor: numbers from the row's range, rates
    from its settings (rules.manual_rate), labels printed by Scanfloor (the SSCC label)."""

    def __init__(self, config: CarrierConfig) -> None:
        self.config = config

    def rate(self, service: str, parcels: Sequence[Parcel]) -> RateQuote:
        return manual_rate(self.config.settings, service, len(parcels))

    def create_label(self, request: LabelRequest) -> Label:
        """The next number of the range; raises TrackingRangeExhausted when none is left.
        Must run inside the write transaction that stores the number on the carton."""
        conn = db.session.connection()
        after = conn.execute(_ISSUE, {"carrier_id": self.config.id}).scalar()
        if after is None:
            row = conn.execute(_RANGE, {"carrier_id": self.config.id}).first()
            if row is None or row.tracking_next is None:
                return Label(None, None)  # this carrier issues no tracking numbers
            raise TrackingRangeExhausted(
                f"every tracking number of carrier {self.config.code} is used: "
                "give it a new range (tracking_next, tracking_last)",
                {
                    "carrier": self.config.code,
                    "tracking_next": int(row.tracking_next),
                    "tracking_last": row.tracking_last,
                },
            )
        settings = self.config.settings
        number = tracking_number(
            self.config.tracking_prefix,
            int(after) - 1,
            int(settings.get("digits", DEFAULT_DIGITS)),
            settings.get("check_digit"),
        )
        return Label(number, self.tracking_url(number))

    def void(self, tracking_number: str) -> None:
        """Nothing to tell anyone: a manual number is simply never used again (the void is
        recorded by the shipping service, in the order's history)."""

    def tracking_url(self, tracking_number: str) -> str | None:
        return tracking_url(self.config.tracking_url_template, tracking_number)


AdapterFactory = Callable[[CarrierConfig], CarrierAdapter]
_ADAPTERS: dict[str, AdapterFactory] = {"manual": ManualCarrier}


def register_adapter(name: str, factory: AdapterFactory) -> None:
    """Make an adapter available to carrier rows whose `adapter` is `name` (a carrier
    integration registers itself at app start, like outbox consumers do)."""
    _ADAPTERS[name] = factory


def adapter_names() -> tuple[str, ...]:
    return tuple(sorted(_ADAPTERS))


def adapter_for(config: CarrierConfig) -> CarrierAdapter:
    factory = _ADAPTERS.get(config.adapter)
    if factory is None:
        # The row was written when the adapter was registered; its code is not loaded now.
        raise NotConfigured(
            f"carrier adapter {config.adapter!r} is not installed",
            {"carrier": config.code, "adapter": config.adapter},
        )
    return factory(config)
