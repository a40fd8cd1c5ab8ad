"""Pure posting rules: which journal entry a movement between two places posts.

A movement line goes from a source location to a destination location. Each end is a
Side: an owned place (a physical location of a warehouse: the warehouse is the place, so
moves between bins of one warehouse change no value), the virtual IN-TRANSIT location (a
valued place of its own: goods between warehouses are still ours), or a counterparty
(VENDOR, CUSTOMER, INV-ADJ, SCRAP, any other virtual or warehouse-less location).

The mapping, one rule per kind of movement (Dr / Cr, inventory at the place named):
- vendor -> owned: receipt, Dr inventory(dst) / Cr grni; owned -> vendor: return_to_vendor,
  Dr grni / Cr inventory(src).
- owned -> customer: shipment, Dr cogs / Cr inventory(src); customer -> owned:
  customer_return, Dr inventory(dst) / Cr cogs.
- owned -> scrap: scrap, Dr scrap_expense / Cr inventory(src); scrap -> owned (goods
  recovered from scrap): scrap, Dr inventory(dst) / Cr scrap_expense.
- owned -> adjustment or other: shrinkage, Dr shrinkage / Cr inventory(src); adjustment or
  other -> owned: stock_gain, Dr inventory(dst) / Cr shrinkage.
- owned -> transit: transfer_out, Dr in_transit / Cr inventory(src); transit -> owned:
  transfer_in, Dr inventory(dst) / Cr in_transit; owned A -> owned B: transfer,
  Dr inventory(B) / Cr inventory(A).
- In transit stands for a valued place wherever it appears (vendor -> transit is a receipt
  into in_transit, and so on); its account has no warehouse (place None: the default row).
- Same place to same place, and counterparty to counterparty: no rule (None), no entry.

Entry lines (entry_lines): the amount (the value that moved) Dr debit_role / Cr
credit_role; a negative amount swaps the sides, so no line is ever negative. Then, at the
valued place the outcome belongs to (the receiving place when the rule has one, else the
issuing place; `issue_correction`/`issue_rounding` are always the issuing place's, for a
transfer whose issue also corrects):
- a negative-stock correction c (+ = more cost): c > 0 Dr cogs / Cr inventory, c < 0
  Dr inventory / Cr cogs (|c|);
- a rounding residue r (+ = debit rounding): r > 0 Dr rounding / Cr inventory, r < 0
  Dr inventory / Cr rounding (|r|).
Lines of zero are left out, and every list balances (each pair is the same amount on both
sides). So the inventory account moves exactly as the cost rules move the position value:
+ value received, - value issued, - correction, - rounding.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

PlaceKind = Literal["owned", "transit", "vendor", "customer", "adjustment", "scrap", "other"]

INVENTORY = "inventory"
IN_TRANSIT = "in_transit"
COGS = "cogs"
ROUNDING = "rounding"
GRNI = "grni"
SHRINKAGE = "shrinkage"
SCRAP_EXPENSE = "scrap_expense"

_VIRTUAL_KINDS: dict[str, PlaceKind] = {
    "VENDOR": "vendor",
    "CUSTOMER": "customer",
    "INV-ADJ": "adjustment",
    "SCRAP": "scrap",
    "IN-TRANSIT": "transit",
}
_VALUED: frozenset[str] = frozenset({"owned", "transit"})
_INVENTORY_ROLES = frozenset({INVENTORY, IN_TRANSIT})

# Counterparty -> (rule name issuing to it, its role); the receiving direction mirrors it.
_ISSUE_TO: dict[str, tuple[str, str]] = {
    "vendor": ("return_to_vendor", GRNI),
    "customer": ("shipment", COGS),
    "scrap": ("scrap", SCRAP_EXPENSE),
    "adjustment": ("shrinkage", SHRINKAGE),
    "other": ("shrinkage", SHRINKAGE),
}
_RECEIVE_FROM: dict[str, tuple[str, str]] = {
    "vendor": ("receipt", GRNI),
    "customer": ("customer_return", COGS),
    "scrap": ("scrap", SCRAP_EXPENSE),
    "adjustment": ("stock_gain", SHRINKAGE),
    "other": ("stock_gain", SHRINKAGE),
}


@dataclass(frozen=True)
class Side:
    kind: PlaceKind
    place_id: int | None  # owned: its warehouse id; transit: the IN-TRANSIT location id


@dataclass(frozen=True)
class Rule:
    name: str
    debit_role: str
    debit_place: int | None  # the warehouse whose account applies (None: the default)
    credit_role: str
    credit_place: int | None


@dataclass(frozen=True)
class EntryLine:
    role: str
    place: int | None
    debit: Decimal
    credit: Decimal


def side_of(is_virtual: bool, code: str, warehouse_id: int | None, location_id: int) -> Side:
    """The side a location stands for (see the module docstring)."""
    if is_virtual:
        kind = _VIRTUAL_KINDS.get(code, "other")
        return Side(kind, location_id if kind == "transit" else None)
    if warehouse_id is not None:
        return Side("owned", warehouse_id)
    return Side("other", None)


def _inventory(side: Side) -> tuple[str, int | None]:
    # In transit belongs to no warehouse: its account is the default row's.
    if side.kind == "transit":
        return IN_TRANSIT, None
    return INVENTORY, side.place_id


def rule_for(src: Side, dst: Side) -> Rule | None:
    """The rule a movement from `src` to `dst` posts, or None when no value changes."""
    src_valued, dst_valued = src.kind in _VALUED, dst.kind in _VALUED
    if src_valued and dst_valued:
        if src == dst:
            return None
        d_role, d_place = _inventory(dst)
        c_role, c_place = _inventory(src)
        if src.kind == "owned" and dst.kind == "transit":
            name = "transfer_out"
        elif src.kind == "transit" and dst.kind == "owned":
            name = "transfer_in"
        else:
            name = "transfer"
        return Rule(name, d_role, d_place, c_role, c_place)
    if src_valued:
        name, role = _ISSUE_TO[dst.kind]
        c_role, c_place = _inventory(src)
        return Rule(name, role, None, c_role, c_place)
    if dst_valued:
        name, role = _RECEIVE_FROM[src.kind]
        d_role, d_place = _inventory(dst)
        return Rule(name, d_role, d_place, role, None)
    return None


def valued_places(src: Side, dst: Side) -> tuple[int | None, int | None]:
    """(place issued from, place received into); None for a counterparty end. Both None
    when the movement changes no value (same place, or counterparty to counterparty)."""
    if rule_for(src, dst) is None:
        return None, None
    issued = src.place_id if src.kind in _VALUED else None
    received = dst.place_id if dst.kind in _VALUED else None
    return issued, received


def _pair(
    debit: tuple[str, int | None], credit: tuple[str, int | None], amount: Decimal
) -> list[EntryLine]:
    if amount == 0:
        return []
    if amount < 0:
        debit, credit, amount = credit, debit, -amount
    zero = Decimal(0)
    return [
        EntryLine(debit[0], debit[1], amount, zero),
        EntryLine(credit[0], credit[1], zero, amount),
    ]


def entry_lines(
    rule: Rule,
    amount: Decimal,
    correction: Decimal = Decimal(0),
    rounding: Decimal = Decimal(0),
    *,
    issue_correction: Decimal = Decimal(0),
    issue_rounding: Decimal = Decimal(0),
) -> list[EntryLine]:
    """The balanced lines of one valued movement (see the module docstring)."""
    debit = (rule.debit_role, rule.debit_place)
    credit = (rule.credit_role, rule.credit_place)
    lines = _pair(debit, credit, amount)
    received = debit if rule.debit_role in _INVENTORY_ROLES else None
    issued = credit if rule.credit_role in _INVENTORY_ROLES else None
    home = received or issued
    # The cogs/rounding line takes the place of the inventory it corrects, so a warehouse
    # with its own accounts keeps its corrections.
    for place, corr, resid in (
        (home, correction, rounding),
        (issued, issue_correction, issue_rounding),
    ):
        if corr == 0 and resid == 0:
            continue
        if place is None:
            raise ValueError(f"rule {rule.name} values no place to correct")
        lines += _pair((COGS, place[1]), place, corr)
        lines += _pair((ROUNDING, place[1]), place, resid)
    return lines


def reversed_lines(lines: Sequence[EntryLine]) -> list[EntryLine]:
    """The lines of the entry that reverses `lines`: each debit becomes a credit."""
    return [EntryLine(x.role, x.place, x.credit, x.debit) for x in lines]
