"""What every label module shares: printer resolutions and the one rule error."""

from __future__ import annotations

from typing import Any

# Thermal printers are sold as "203 dpi" and "300 dpi"; their dot grids are 8 and 12 dots/mm.
DPIS = (203, 300)
DOTS_PER_MM = {203: 8, 300: 12}


class LabelRuleError(ValueError):
    """A label that cannot be made from these values; details say which values broke it."""

    def __init__(self, message: str, details: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details: dict[str, Any] = details or {}


def dots_per_mm(dpi: int) -> int:
    if dpi not in DOTS_PER_MM:
        raise LabelRuleError(f"dpi is one of {', '.join(map(str, DPIS))}", {"dpi": dpi})
    return DOTS_PER_MM[dpi]
