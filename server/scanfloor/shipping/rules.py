"""Shipping rules (pure): carriers' settings, tracking numbers, what may go on a manifest,
and which order lines a ship confirm ships.

Tracking numbers: a manual carrier's number is its prefix, then the number from its range
zero-padded to `digits` (settings, default 10), then, when settings say
`"check_digit": "mod10"`, the GS1 mod-10 check digit of those digits. Numbers come from
[tracking_next, tracking_last] in order and are never reused: a voided label's number is
gone. A carrier without a range (tracking_next NULL: an own van, a carrier booked elsewhere)
ships cartons without a tracking number.

Two carriers never issue one number: a new carrier whose range could issue a number another
carrier's range issues (same text: prefix, digits, check digit) is refused. Where an
existing carrier's range began is not kept (tracking_next moves on), so every number of its
up to its last counts as its own.

Rates (manual carrier): settings `"rates": {"<service>": "4.95"}` are a flat price per
carton for that service, in settings `"currency"`; a service with no configured rate is the
own fleet's, quoted at zero with basis "own_fleet". Nothing else is made up.

Manifest: a shipment takes cartons while it is open; a confirmed or cancelled one never
changes. A carton goes on when it is closed (packed, weighed), in the shipment's warehouse,
and on no other shipment. The dock door, when given, is a shipping or dock location of the
shipment's warehouse.

Partial shipments: the units an order has shipped (before, and on this shipment) fill its
live lines item by item in line order, each line up to the units picked for it (its consumed
quantity: cartons hold items, not lines, and packing gives an item's units to its lines the
same way). A line is `shipped` only when every unit of its quantity has shipped: it is picked
in full (consumed = quantity, so it holds no reservation) and its share of the shipped units
covers it; otherwise its shipped part ships and it keeps its status. A
channel that does not allow partial shipments has every live line of the order fully covered
by those units, or the confirm is refused naming what is missing; one that allows them
ships what is on the shipment and leaves the rest open.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import quote

DEFAULT_DIGITS = 10
MAX_DIGITS = 30
MAX_TRACKING = 64  # cartons.tracking_number
MAX_NUMBER = 10**18  # carriers.tracking_next/last are BIGINT
MAX_PREFIX = 16  # carriers.tracking_prefix
MAX_SERVICES = 20
MAX_SERVICE = 40  # shipments.service
PLACEHOLDER = "{tracking_number}"
CHECK_DIGITS = ("mod10",)
DOCK_DOOR_TYPES = ("shipping", "dock")
SETTINGS_KEYS = ("digits", "check_digit", "rates", "currency")
CODE = re.compile(r"\A[A-Z0-9][A-Z0-9_-]{0,31}\Z")
SERVICE = re.compile(r"\A[a-z0-9][a-z0-9_-]{0,39}\Z")
PREFIX = re.compile(r"\A[A-Z0-9]{0,16}\Z")
CURRENCY = re.compile(r"\A[A-Z]{3}\Z")
OWN_FLEET = "own_fleet"
FLAT_PER_CARTON = "flat_per_carton"


class ShippingRuleError(ValueError):
    """A shipping rule refused the input; `details` say which values broke it."""

    def __init__(self, message: str, details: Mapping[str, Any] | None = None) -> None:
        super().__init__(message)
        self.details: dict[str, Any] = dict(details or {})


# --- tracking numbers ------------------------------------------------------------------


def gs1_check_digit(digits: str) -> int:
    """GS1 mod-10: weights 3, 1, 3, ... from the rightmost digit."""
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(digits)))
    return (10 - total % 10) % 10


def tracking_number(prefix: str, number: int, digits: int, check_digit: str | None) -> str:
    """The tracking number for `number` of a range (see the module docstring)."""
    if number < 0:
        raise ShippingRuleError("a tracking number is not negative", {"number": number})
    body = str(number).zfill(digits)
    if len(body) > digits:
        raise ShippingRuleError(
            f"{number} does not fit in {digits} digits", {"number": number, "digits": digits}
        )
    if check_digit == "mod10":
        body += str(gs1_check_digit(body))
    return prefix + body


def tracking_url(template: str | None, number: str | None) -> str | None:
    """The carrier's tracking page for a number (the number URL-quoted), None without one."""
    if not template or not number:
        return None
    return template.replace(PLACEHOLDER, quote(number, safe=""))


# --- carriers ----------------------------------------------------------------------------


@dataclass(frozen=True)
class CarrierSpec:
    """A carrier as someone asks for it (code and services already trimmed by the caller)."""

    code: str
    name: str
    adapter: str
    services: tuple[str, ...]
    tracking_prefix: str = ""
    tracking_next: int | None = None
    tracking_last: int | None = None
    tracking_url_template: str | None = None
    settings: Mapping[str, Any] | None = None


def check_carrier(spec: CarrierSpec, adapters: Iterable[str]) -> None:
    """Every rule a carrier row must meet; raises ShippingRuleError naming the field."""
    if not CODE.match(spec.code):
        raise ShippingRuleError("code is 1-32 capitals, digits, - or _", {"field": "code"})
    if not spec.name.strip() or len(spec.name) > 120:
        raise ShippingRuleError("name is 1-120 characters", {"field": "name"})
    known = sorted(adapters)
    if spec.adapter not in known:
        raise ShippingRuleError(
            "no such carrier adapter",
            {"field": "adapter", "adapter": spec.adapter, "allowed": known},
        )
    _check_services(spec.services)
    if not PREFIX.match(spec.tracking_prefix):
        raise ShippingRuleError(
            "a tracking prefix is up to 16 capitals or digits", {"field": "tracking_prefix"}
        )
    settings = dict(spec.settings or {})
    check_settings(settings)
    _check_range(spec, settings)
    template = spec.tracking_url_template
    if template is not None and (
        PLACEHOLDER not in template or not template.startswith("https://") or len(template) > 300
    ):
        raise ShippingRuleError(
            f"a tracking URL template is an https:// URL with {PLACEHOLDER} in it",
            {"field": "tracking_url_template"},
        )


def _check_services(services: Sequence[str]) -> None:
    if not services or len(services) > MAX_SERVICES:
        raise ShippingRuleError(
            f"a carrier has 1 to {MAX_SERVICES} services", {"field": "services"}
        )
    bad = [s for s in services if not SERVICE.match(s)]
    if bad:
        raise ShippingRuleError(
            "a service is 1-40 lower-case letters, digits, - or _",
            {"field": "services", "services": bad},
        )
    if len(set(services)) != len(services):
        raise ShippingRuleError("a service is listed once", {"field": "services"})


def check_settings(settings: Mapping[str, Any]) -> None:
    unknown = sorted(set(settings) - set(SETTINGS_KEYS))
    if unknown:
        raise ShippingRuleError(
            "unknown carrier settings",
            {"field": "settings", "unknown": unknown, "allowed": list(SETTINGS_KEYS)},
        )
    digits = settings.get("digits", DEFAULT_DIGITS)
    if isinstance(digits, bool) or not isinstance(digits, int) or not 1 <= digits <= MAX_DIGITS:
        raise ShippingRuleError(
            f"settings.digits is 1 to {MAX_DIGITS}", {"field": "settings.digits"}
        )
    if settings.get("check_digit") not in (None, *CHECK_DIGITS):
        raise ShippingRuleError(
            "settings.check_digit is mod10 or absent", {"field": "settings.check_digit"}
        )
    currency = settings.get("currency")
    if currency is not None and not (isinstance(currency, str) and CURRENCY.match(currency)):
        raise ShippingRuleError(
            "settings.currency is an ISO 4217 code (EUR)", {"field": "settings.currency"}
        )
    rates = settings.get("rates", {})
    if not isinstance(rates, Mapping):
        raise ShippingRuleError("settings.rates maps a service to a price", {"field": "rates"})
    for service, price in rates.items():
        flat_rate_of(price, service)
    if rates and currency is None:
        raise ShippingRuleError("rates need settings.currency", {"field": "settings.currency"})


def _check_range(spec: CarrierSpec, settings: Mapping[str, Any]) -> None:
    first, last = spec.tracking_next, spec.tracking_last
    if first is None:
        if last is not None:
            raise ShippingRuleError("a range has a first number", {"field": "tracking_next"})
        return
    if max(first, last or 0) > MAX_NUMBER:
        raise ShippingRuleError(
            f"tracking numbers go up to {MAX_NUMBER}", {"field": "tracking_last"}
        )
    if first < 0 or (last is not None and last < first):
        raise ShippingRuleError(
            "a tracking range runs from tracking_next up to tracking_last",
            {"field": "tracking_last", "tracking_next": first, "tracking_last": last},
        )
    digits = int(settings.get("digits", DEFAULT_DIGITS))
    highest = last if last is not None else first
    longest = tracking_number(spec.tracking_prefix, 0, digits, settings.get("check_digit"))
    if len(str(highest)) > digits:
        raise ShippingRuleError(
            f"the range's numbers do not fit in {digits} digits (settings.digits)",
            {"field": "settings.digits", "digits": digits, "tracking_last": highest},
        )
    if len(longest) > MAX_TRACKING:
        raise ShippingRuleError(
            f"tracking numbers are at most {MAX_TRACKING} characters",
            {"field": "settings.digits"},
        )


@dataclass(frozen=True)
class NumberSpace:
    """The tracking numbers a manual carrier issues, as text: `prefix`, then a numeral of
    `width` digits whose value lies in [low, high] (the range's number zero-padded to its
    digits, and the check digit, counted as any digit 0-9, when it has one)."""

    prefix: str
    width: int
    low: int
    high: int


def number_space(
    prefix: str, first: int | None, last: int | None, settings: Mapping[str, Any]
) -> NumberSpace | None:
    """What a carrier's range [first, last] issues (last None: up to its digits' end);
    None for a carrier without a range."""
    if first is None:
        return None
    digits = int(settings.get("digits", DEFAULT_DIGITS))
    top = 10**digits - 1 if last is None else last
    if settings.get("check_digit") in CHECK_DIGITS:
        return NumberSpace(prefix, digits + 1, first * 10, top * 10 + 9)
    return NumberSpace(prefix, digits, first, top)


def spaces_overlap(a: NumberSpace, b: NumberSpace) -> bool:
    """Could the two carriers issue one same tracking number? Only if the texts are as long
    and one prefix is the other's followed by digits (prefix "A" with 10 digits and "A0"
    with 9 issue "A0000000001" both); then the numerals' ranges, aligned, meet. Exact
    without check digits; a check digit counts as any digit, so with one it may say yes
    where the digits would in fact differ (refusing is the safe side)."""
    if len(a.prefix) + a.width != len(b.prefix) + b.width:
        return False
    short, long_ = (a, b) if len(a.prefix) <= len(b.prefix) else (b, a)
    if not long_.prefix.startswith(short.prefix):
        return False
    extra = long_.prefix[len(short.prefix) :]
    if extra and not extra.isdigit():
        return False
    base = int(extra) * 10**long_.width if extra else 0
    return max(short.low, base + long_.low) <= min(short.high, base + long_.high)


def flat_rate_of(price: Any, service: str) -> Decimal:
    if not isinstance(price, str):
        raise ShippingRuleError(
            'a rate is a decimal string ("4.95")', {"field": "settings.rates", "service": service}
        )
    try:
        amount = Decimal(price)
    except InvalidOperation as exc:
        raise ShippingRuleError(
            'a rate is a decimal string ("4.95")', {"field": "settings.rates", "service": service}
        ) from exc
    if not amount.is_finite() or amount < 0 or amount.as_tuple().exponent < -4:  # type: ignore[operator]
        raise ShippingRuleError(
            "a rate is 0 or more, at most 4 decimals",
            {"field": "settings.rates", "service": service},
        )
    return amount


@dataclass(frozen=True)
class RateQuote:
    service: str
    amount: Decimal
    currency: str | None
    basis: str  # own_fleet | flat_per_carton
    cartons: int


def manual_rate(settings: Mapping[str, Any], service: str, cartons: int) -> RateQuote:
    """What the manual carrier charges for `cartons` cartons of a service (module docstring)."""
    rates = settings.get("rates") or {}
    if service not in rates:
        return RateQuote(service, Decimal("0"), settings.get("currency"), OWN_FLEET, cartons)
    each = flat_rate_of(rates[service], service)
    return RateQuote(service, each * cartons, settings.get("currency"), FLAT_PER_CARTON, cartons)


def check_service(services: Sequence[str], service: str) -> None:
    if service not in services:
        raise ShippingRuleError(
            "this carrier has no such service",
            {"field": "service", "service": service, "allowed": list(services)},
        )


# --- manifests ---------------------------------------------------------------------------


@dataclass(frozen=True)
class CartonState:
    id: int
    warehouse_id: int
    status: str
    shipment_id: int | None
    order_status: str = "packed"


def carton_refusal(carton: CartonState, shipment_id: int, warehouse_id: int) -> str | None:
    """Why this carton may not go on the shipment (an error code), or None: it may, or it is
    on it already ("already_here": the scan is answered with the shipment as it is). A
    cancelled order's carton never ships (its units go back to stock)."""
    if carton.shipment_id == shipment_id:
        return "already_here"
    if carton.warehouse_id != warehouse_id:
        return "wrong_warehouse"
    if carton.status == "shipped":
        return "carton_shipped"
    if carton.order_status == "cancelled":
        return "order_cancelled"
    if carton.shipment_id is not None:
        return "carton_on_another_shipment"
    if carton.status != "closed":
        return "carton_not_closed"
    return None


# --- ship confirm ------------------------------------------------------------------------


@dataclass(frozen=True)
class LineState:
    id: int
    item_id: int
    quantity: int
    status: str
    picked: int  # units consumed for the line (picked into a tote): what it can have shipped


@dataclass(frozen=True)
class Missing:
    order_line_id: int
    item_id: int
    status: str
    quantity: int  # units of the line neither shipped before nor on this shipment


def shipped_per_line(lines: Sequence[LineState], shipped: Mapping[int, int]) -> dict[int, int]:
    """Units shipped per live line: an item's shipped units go first to its lines already
    `shipped` (their units left on an earlier shipment), then to the others in line order,
    each up to what was picked for it (a unit never picked for a line cannot have shipped
    for it). Lines shipped first, so a unit counted for a line once is not counted again
    for another when a later pick changes what each line could hold."""
    left: dict[int, int] = defaultdict(int, shipped)
    out: dict[int, int] = {}
    live = [ln for ln in lines if ln.status != "cancelled"]
    for ln in sorted(live, key=lambda x: (x.status != "shipped", x.id)):  # then line order
        take = min(ln.quantity, ln.picked, max(left[ln.item_id], 0))
        left[ln.item_id] -= take
        out[ln.id] = take
    return out


def lines_now_shipped(lines: Sequence[LineState], shipped: Mapping[int, int]) -> list[int]:
    """Live lines not yet `shipped` whose every unit is picked and shipped."""
    per_line = shipped_per_line(lines, shipped)
    return [
        ln.id
        for ln in lines
        if ln.status not in ("shipped", "cancelled")
        and ln.picked >= ln.quantity
        and per_line.get(ln.id, 0) >= ln.quantity
    ]


def missing_units(lines: Sequence[LineState], shipped: Mapping[int, int]) -> list[Missing]:
    """What keeps the order from shipping whole: each live line's units not covered."""
    per_line = shipped_per_line(lines, shipped)
    return [
        Missing(ln.id, ln.item_id, ln.status, ln.quantity - per_line.get(ln.id, 0))
        for ln in sorted(lines, key=lambda x: x.id)
        if ln.status != "cancelled" and per_line.get(ln.id, 0) < ln.quantity
    ]


def whole_order_shipped(lines: Sequence[LineState], newly: Iterable[int]) -> bool:
    done = set(newly)
    return all(ln.status in ("shipped", "cancelled") or ln.id in done for ln in lines)
