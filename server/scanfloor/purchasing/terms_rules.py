"""Pure rules for supplier terms and reorder policies: what a supplier's contact and
terms, a supplier item and a reorder policy may hold.

Plain values in, plain values out; a refusal is a PurchasingRuleError naming the rule and
the field, which the services turn into a 422.

Supplier items: MOQ, case pack and purchase unit size are whole base units, at least 1; a
case holds whole purchase units (case_pack is a multiple of units_per_purchase_unit), so a
suggestion rounded up to whole cases is always whole purchase units on the PO. Money has at
most 6 decimals (rules.parse_unit_cost).

Reorder policies: each policy stores exactly the fields its rule in reorder_rules.py reads,
and a field it does not read is refused rather than kept unused:
- min_max: min_qty and max_qty (max at least 1 and at least min);
- reorder_point: service_level, and the order quantity Q: a fixed order_qty, or order_cost
  and holding_rate for the EOQ (suggest_reorder_point refuses to run with neither);
- periodic_review: service_level and review_days;
- buy_to_order: nothing.
A service level is 0.5-0.9999 (reorder_rules.z_for_service_level: below 0.5 z is negative,
1.0 needs infinite stock); a holding rate is a yearly fraction above 0, at most 1 (0.25 =
25% a year: "25" is refused as the percentage it most likely is).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from ..ledger.rules import MAX_QUANTITY
from .reorder_rules import (
    BUY_TO_ORDER,
    MAX_SERVICE_LEVEL,
    MIN_MAX,
    MIN_SERVICE_LEVEL,
    PERIODIC_REVIEW,
    REORDER_POINT,
)
from .rules import PurchasingRuleError, parse_unit_cost

POLICIES = (MIN_MAX, REORDER_POINT, PERIODIC_REVIEW, BUY_TO_ORDER)
MAX_DAYS = 3650  # ten years: any lead time or leg longer is a typing mistake
MAX_REVIEW_DAYS = 365
MAX_EMAIL = 254
MAX_SUPPLIER_SKU = 64
MAX_PURCHASE_UNIT = 16
MAX_HOLDING_RATE = Decimal("1")

_CURRENCY = re.compile(r"\A[A-Z]{3}\Z")
_EMAIL_LOCAL = re.compile(
    r"\A[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*\Z"
)
_EMAIL_LABEL = re.compile(r"\A(?!-)[A-Za-z0-9-]{1,63}(?<!-)\Z")


def _refuse(code: str, field: str, message: str, value: Any = None) -> PurchasingRuleError:
    details: dict[str, Any] = {"field": field}
    if value is not None:
        details["value"] = str(value)
    return PurchasingRuleError(code, message, details)


# --- supplier contact and terms ----------------------------------------------------------


def normalise_currency(raw: str, field: str = "currency") -> str:
    """An ISO 4217 code: three letters, upper-cased ("eur" -> "EUR")."""
    code = raw.strip().upper() if isinstance(raw, str) else ""
    if not _CURRENCY.match(code):
        raise _refuse("invalid_currency", field, "a currency is three letters (ISO 4217)", raw)
    return code


def normalise_email(raw: str) -> str:
    """An e-mail address: local@domain with a dotted domain, no spaces; the domain is
    lower-cased (the local part is the receiver's to interpret, so it is kept)."""
    text = raw.strip() if isinstance(raw, str) else ""
    local, at, domain = text.rpartition("@")
    labels = domain.split(".")
    if (
        not at
        or len(text) > MAX_EMAIL
        or len(local) > 64
        or not _EMAIL_LOCAL.match(local)
        or len(labels) < 2
        or not all(_EMAIL_LABEL.match(label) for label in labels)
        or not labels[-1].isalpha()
    ):
        raise _refuse("invalid_email", "email", "not a valid e-mail address", raw)
    return f"{local}@{domain.lower()}"


def check_days(field: str, value: Any) -> int:
    """A number of days: a whole number from 0 to 3650."""
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= MAX_DAYS:
        raise _refuse(
            "invalid_days", field, f"{field} is a whole number from 0 to {MAX_DAYS}", value
        )
    return value


# --- supplier items ----------------------------------------------------------------------


def _whole(field: str, value: Any, lowest: int = 1) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not lowest <= value <= MAX_QUANTITY:
        raise _refuse(
            f"invalid_{field}",
            field,
            f"{field} is a whole number of base units, {lowest} or more",
            value,
        )
    return value


def _decimal(field: str, raw: Any, places: int, below: Decimal) -> Decimal:
    """A positive decimal with at most `places` decimals, below `below` (the column)."""
    try:
        value = Decimal(str(raw).strip())
    except (InvalidOperation, ValueError) as exc:
        raise _refuse(f"invalid_{field}", field, f"{field} is a decimal number", raw) from exc
    if not value.is_finite() or value <= 0 or value >= below:
        raise _refuse(f"invalid_{field}", field, f"{field} is above 0 and below {below}", raw)
    if value != value.quantize(Decimal(1).scaleb(-places)):
        raise _refuse(f"invalid_{field}", field, f"{field} has at most {places} decimals", raw)
    return value


def _unit_cost(raw: Any) -> Decimal:
    try:
        return parse_unit_cost(raw)
    except PurchasingRuleError as exc:
        raise PurchasingRuleError(
            exc.code, exc.message, {"field": "unit_cost", **exc.details}
        ) from exc


def _supplier_sku(raw: Any) -> str | None:
    if raw is None:
        return None
    text = raw.strip() if isinstance(raw, str) else None
    if text is None or len(text) > MAX_SUPPLIER_SKU or not text.isprintable():
        raise _refuse(
            "invalid_supplier_sku",
            "supplier_sku",
            f"a supplier SKU is at most {MAX_SUPPLIER_SKU} printable characters",
            raw,
        )
    return text or None


def _purchase_unit(raw: Any) -> str:
    text = raw.strip().lower() if isinstance(raw, str) else ""
    if not text or len(text) > MAX_PURCHASE_UNIT or not text.isprintable():
        raise _refuse(
            "invalid_purchase_unit",
            "purchase_unit",
            f"a purchase unit is 1-{MAX_PURCHASE_UNIT} characters (each, case, pallet...)",
            raw,
        )
    return text


def _optional(clean: Callable[[Any], Any]) -> Callable[[Any], Any]:
    return lambda raw: None if raw is None else clean(raw)


TERM_FIELDS: dict[str, Callable[[Any], Any]] = {
    "supplier_sku": _supplier_sku,
    "unit_cost": _unit_cost,
    "currency": normalise_currency,
    "moq": lambda v: _whole("moq", v),
    "case_pack": lambda v: _whole("case_pack", v),
    "purchase_unit": _purchase_unit,
    "units_per_purchase_unit": lambda v: _whole("units_per_purchase_unit", v),
    "lead_time_days": lambda v: check_days("lead_time_days", v),
    "case_volume_m3": _optional(lambda v: _decimal("case_volume_m3", v, 6, Decimal("1e6"))),
    "case_weight_kg": _optional(lambda v: _decimal("case_weight_kg", v, 3, Decimal("1e9"))),
}


def clean_terms(values: Mapping[str, Any]) -> dict[str, Any]:
    """Each supplier-item term in `values` checked and normalised; other keys are left out."""
    return {name: TERM_FIELDS[name](raw) for name, raw in values.items() if name in TERM_FIELDS}


def check_case_holds_purchase_units(case_pack: int, units_per_purchase_unit: int) -> None:
    """A case is whole purchase units, so an order in whole cases is whole purchase units."""
    if case_pack % units_per_purchase_unit:
        raise PurchasingRuleError(
            "case_pack_not_whole_purchase_units",
            "the case pack must be a whole number of purchase units",
            {
                "field": "case_pack",
                "case_pack": case_pack,
                "units_per_purchase_unit": units_per_purchase_unit,
            },
        )


# --- reorder policies --------------------------------------------------------------------


@dataclass(frozen=True)
class PolicyValues:
    """A reorder policy's checked fields; those its policy does not use are None."""

    policy: str
    min_qty: int | None = None
    max_qty: int | None = None
    service_level: Decimal | None = None
    review_days: int | None = None
    order_qty: int | None = None
    order_cost: Decimal | None = None
    holding_rate: Decimal | None = None


POLICY_FIELDS = (
    "min_qty",
    "max_qty",
    "service_level",
    "review_days",
    "order_qty",
    "order_cost",
    "holding_rate",
)
_NEEDS: dict[str, tuple[str, ...]] = {
    MIN_MAX: ("min_qty", "max_qty"),
    REORDER_POINT: ("service_level",),
    PERIODIC_REVIEW: ("service_level", "review_days"),
    BUY_TO_ORDER: (),
}
_MAY_USE: dict[str, tuple[str, ...]] = {
    **_NEEDS,
    REORDER_POINT: ("service_level", "order_qty", "order_cost", "holding_rate"),
}


def _service_level(raw: Any) -> Decimal:
    try:
        value = Decimal(str(raw).strip())
    except (InvalidOperation, ValueError) as exc:
        raise _refuse(
            "invalid_service_level", "service_level", "a service level is a decimal", raw
        ) from exc
    if not value.is_finite() or not MIN_SERVICE_LEVEL <= value <= MAX_SERVICE_LEVEL:
        raise _refuse(
            "invalid_service_level",
            "service_level",
            f"a service level is from {MIN_SERVICE_LEVEL} to {MAX_SERVICE_LEVEL}",
            raw,
        )
    if value != value.quantize(Decimal("0.0001")):
        raise _refuse(
            "invalid_service_level", "service_level", "a service level has at most 4 decimals", raw
        )
    return value


def _holding_rate(raw: Any) -> Decimal:
    value = _decimal("holding_rate", raw, 4, Decimal("100"))
    if value > MAX_HOLDING_RATE:
        raise _refuse(
            "invalid_holding_rate",
            "holding_rate",
            "a holding rate is a yearly fraction, at most 1 (0.25 = 25% a year)",
            raw,
        )
    return value


def _order_cost(raw: Any) -> Decimal:
    try:
        return parse_unit_cost(raw)
    except PurchasingRuleError as exc:
        raise _refuse(
            "invalid_order_cost",
            "order_cost",
            "an order cost is 0 or more, at most 6 decimals",
            raw,
        ) from exc


def _review_days(raw: Any) -> int:
    if not isinstance(raw, int) or isinstance(raw, bool) or not 1 <= raw <= MAX_REVIEW_DAYS:
        raise _refuse(
            "invalid_review_days",
            "review_days",
            f"review days are a whole number from 1 to {MAX_REVIEW_DAYS}",
            raw,
        )
    return raw


_CLEAN: dict[str, Callable[[Any], Any]] = {
    "min_qty": lambda v: _whole("min_qty", v, 0),
    "max_qty": lambda v: _whole("max_qty", v, 1),
    "service_level": _service_level,
    "review_days": _review_days,
    "order_qty": lambda v: _whole("order_qty", v, 1),
    "order_cost": _order_cost,
    "holding_rate": _holding_rate,
}


def check_policy(policy: str, values: Mapping[str, Any]) -> PolicyValues:
    """A reorder policy's fields checked against what its rule needs (module docstring)."""
    if policy not in POLICIES:
        raise PurchasingRuleError(
            "invalid_policy",
            f"a policy is one of {', '.join(POLICIES)}",
            {"field": "policy", "value": str(policy)},
        )
    given = {k: v for k, v in values.items() if k in POLICY_FIELDS and v is not None}
    unused = sorted(set(given) - set(_MAY_USE[policy]))
    if unused:
        raise PurchasingRuleError(
            "field_not_used",
            f"a {policy} policy does not use {', '.join(unused)}",
            {"field": unused[0], "fields": unused, "policy": policy},
        )
    missing = [k for k in _NEEDS[policy] if k not in given]
    if missing:
        raise PurchasingRuleError(
            "field_required",
            f"a {policy} policy needs {', '.join(missing)}",
            {"field": missing[0], "fields": missing, "policy": policy},
        )
    clean = {k: _CLEAN[k](v) for k, v in given.items()}
    if policy == MIN_MAX and clean["max_qty"] < clean["min_qty"]:
        raise PurchasingRuleError(
            "invalid_min_max",
            "max_qty is at least min_qty",
            {"field": "max_qty", "min_qty": clean["min_qty"], "max_qty": clean["max_qty"]},
        )
    if policy == REORDER_POINT:
        _check_order_quantity(clean)
    return PolicyValues(policy=policy, **clean)


def _check_order_quantity(clean: Mapping[str, Any]) -> None:
    costs = [k for k in ("order_cost", "holding_rate") if k in clean]
    if len(costs) == 1:
        raise PurchasingRuleError(
            "field_required",
            "order_cost and holding_rate go together (the EOQ needs both)",
            {"field": "holding_rate" if costs == ["order_cost"] else "order_cost"},
        )
    if "order_qty" not in clean and not costs:
        raise PurchasingRuleError(
            "field_required",
            "a reorder_point policy needs order_qty, or order_cost and holding_rate for the EOQ",
            {"field": "order_qty", "policy": REORDER_POINT},
        )
