"""Carriers: list them and add one (managers).

A new manual carrier's tracking range may not issue a number another manual carrier's range
issues (rules.spaces_overlap): cartons.tracking_number is unique, so the second carton to get
such a number would be refused at the dock. Creations take turns for the check (one writer
on SQLite, a transaction-scoped advisory lock on PostgreSQL), so two managers adding
overlapping carriers at once get one carrier and one refusal.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError

from ..database import write_transaction
from ..errors import ValidationFailed
from ..extensions import db
from .carriers import adapter_names
from .errors import DuplicateCarrier, TrackingRangeOverlap
from .models import Carrier
from .rules import (
    DEFAULT_DIGITS,
    CarrierSpec,
    ShippingRuleError,
    check_carrier,
    number_space,
    spaces_overlap,
)

MANUAL = "manual"
_C = Carrier.__table__
_CREATE_LOCK = 0x5CA7CA55  # advisory lock key: "creating a carrier"


@dataclass(frozen=True)
class CarrierView:
    id: int
    code: str
    name: str
    adapter: str
    services: list[str]
    tracking_prefix: str
    tracking_next: int | None
    tracking_last: int | None
    numbers_left: int | None  # None: no range, or no end to it
    tracking_url_template: str | None
    settings: dict[str, Any]
    active: bool


def _view(c: Carrier) -> CarrierView:
    left = None
    if c.tracking_next is not None and c.tracking_last is not None:
        left = max(c.tracking_last - c.tracking_next + 1, 0)
    return CarrierView(
        id=c.id,
        code=c.code,
        name=c.name,
        adapter=c.adapter,
        services=list(c.services or []),
        tracking_prefix=c.tracking_prefix or "",
        tracking_next=c.tracking_next,
        tracking_last=c.tracking_last,
        numbers_left=left,
        tracking_url_template=c.tracking_url_template,
        settings=_settings(c.settings or {}),
        active=c.active,
    )


def _settings(stored: Mapping[str, Any]) -> dict[str, Any]:
    """Every setting, defaults filled in: what the adapter works with."""
    return {
        "digits": int(stored.get("digits", DEFAULT_DIGITS)),
        "check_digit": stored.get("check_digit"),
        "currency": stored.get("currency"),
        "rates": dict(stored.get("rates") or {}),
    }


def list_carriers(*, active_only: bool = False) -> list[CarrierView]:
    stmt = select(Carrier).order_by(Carrier.code)
    if active_only:
        stmt = stmt.where(Carrier.active.is_(True))
    return [_view(c) for c in db.session.scalars(stmt)]


def _refuse_overlap(spec: CarrierSpec) -> None:
    """Inside the creating transaction: the code is free, and no manual carrier's numbers
    can be the new one's (409 duplicate_code, tracking_range_overlap)."""
    conn = db.session.connection()
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _CREATE_LOCK})
    if conn.execute(select(_C.c.id).where(_C.c.code == spec.code)).first() is not None:
        raise DuplicateCarrier("a carrier with this code exists", {"code": spec.code})
    if spec.adapter != MANUAL:
        return
    mine = number_space(
        spec.tracking_prefix, spec.tracking_next, spec.tracking_last, spec.settings or {}
    )
    if mine is None:
        return
    others = conn.execute(
        select(_C.c.code, _C.c.tracking_prefix, _C.c.tracking_last, _C.c.settings).where(
            _C.c.adapter == MANUAL, _C.c.tracking_next.is_not(None)
        )
    )
    for code, prefix, last, settings in others:
        # Numbers below its tracking_next may be on cartons: its range counts from 0.
        theirs = number_space(prefix or "", 0, last, settings or {})
        if theirs is not None and spaces_overlap(mine, theirs):
            raise TrackingRangeOverlap(
                f"carrier {code} issues tracking numbers of this range already: give the new "
                "carrier another prefix or a range of its own",
                {
                    "field": "tracking_next",
                    "carrier": code,
                    "tracking_prefix": prefix or "",
                    "tracking_last": last,
                },
            )


def create_carrier(
    *,
    code: str,
    name: str,
    services: Sequence[str],
    adapter: str = "manual",
    tracking_prefix: str = "",
    tracking_next: int | None = None,
    tracking_last: int | None = None,
    tracking_url_template: str | None = None,
    settings: Mapping[str, Any] | None = None,
) -> CarrierView:
    """A carrier with its services and, for the manual adapter, its tracking range."""
    spec = CarrierSpec(
        code=code.strip().upper(),
        name=name.strip(),
        adapter=adapter,
        services=tuple(s.strip() for s in services),
        tracking_prefix=tracking_prefix.strip().upper(),
        tracking_next=tracking_next,
        tracking_last=tracking_last,
        tracking_url_template=tracking_url_template,
        settings=dict(settings or {}),
    )
    try:
        check_carrier(spec, adapter_names())
    except ShippingRuleError as exc:
        raise ValidationFailed(str(exc), exc.details) from exc
    try:
        with write_transaction():
            _refuse_overlap(spec)
            row = Carrier(
                code=spec.code,
                name=spec.name,
                adapter=spec.adapter,
                services=list(spec.services),
                tracking_prefix=spec.tracking_prefix,
                tracking_next=spec.tracking_next,
                tracking_last=spec.tracking_last,
                tracking_url_template=spec.tracking_url_template,
                settings=dict(spec.settings or {}),
                active=True,
            )
            db.session.add(row)
            db.session.flush()
            return _view(row)
    except IntegrityError as exc:
        raise DuplicateCarrier("a carrier with this code exists", {"code": spec.code}) from exc
