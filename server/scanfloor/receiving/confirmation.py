"""A scanner's receiving confirmation, who approved it, and its answer as a role may see it."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from ..purchasing.rules import may_see_expected


@dataclass(frozen=True)
class Approver:
    """Someone whose badge and PIN were verified (auth.sessions.verify_badge) for this
    request. Only supervisors and above may approve an over-receipt."""

    user_id: int
    username: str
    role: str


@dataclass(frozen=True)
class Confirmation:
    """One confirmation from the scanner. quantity counts every unit, damaged ones included."""

    quantity: int | None = None
    line_id: int | None = None
    barcode: str | None = None
    item_id: int | None = None
    lot_code: str | None = None
    expiry: date | None = None
    to_location: int | str | None = None
    to_container: int | str | None = None
    damaged_quantity: int = 0
    damage_reason: str | None = None
    device_id: str | None = None


def fingerprint(po_id: int, conf: Confirmation, actor_id: int | None) -> str:
    body = {**asdict(conf), "po_id": po_id, "actor_id": actor_id}
    raw = json.dumps(body, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(raw.encode()).hexdigest()


def mask(answer: dict[str, Any], blind_receipt: bool, role: str) -> dict[str, Any]:
    """The answer as this role may see it (blind receipt hides expected quantities)."""
    if may_see_expected(blind_receipt, role):
        return answer
    line = {**answer["po_line"]}
    for name in ("ordered", "received", "damaged", "open_quantity"):
        line[name] = None
    return {
        **answer,
        "po_line": line,
        "receipt_line": {**answer["receipt_line"], "variance": None},
    }


def as_answer(stored: dict[str, Any], receipt_line_id: int) -> dict[str, Any]:
    """Stored JSON back to the answer: the id added, the expiry a date again."""
    line = {**stored["receipt_line"], "id": receipt_line_id}
    if line.get("expiry"):
        line["expiry"] = date.fromisoformat(line["expiry"])
    return {**stored, "receipt_line": line}
