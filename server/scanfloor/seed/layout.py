"""The demo warehouse's locations, as a pure plan (no database)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

WAREHOUSE = "WH1"
STORAGE_ZONES = ("A", "B", "C")
# Even, so every zone's walk ends at the front aisle end, where the next zone's walk starts.
AISLES_PER_ZONE = 4
BAYS_PER_AISLE = 9
PICK_LEVEL = "A"  # ground level: what pickers reach without a ladder
RESERVE_LEVELS = ("B", "C")
WALK_STEP = 10  # gaps leave room to slot a new bin into the walk without renumbering
DOCK = "DOCK-01"
PACK_STATIONS = ("PACK-01", "PACK-02", "PACK-03")
SHIPPING = "SHIP-01"
# Where stock picked for a cancelled order waits in its tote to be put back (putaway's queue).
STAGING = "STAGE-01"
RETURNS = "RET-01"
QUARANTINE = "QUAR-01"
# Where inspected returns go that are neither sellable nor scrap (returns inspection).
REFURBISH = "REFURB-01"
RETURN_TO_VENDOR = "RTV-01"


@dataclass(frozen=True)
class LocationSpec:
    code: str
    name: str
    level: str
    type: str
    parent: str | None
    sellable: bool = False
    walk_sequence: int | None = None


def bin_code(zone: str, aisle: int, bay: int, level: str) -> str:
    return f"{zone}-{aisle:02d}-{bay:02d}-{level}"


def serpentine_path() -> Iterator[tuple[str, int, int, str]]:
    """(zone, aisle, bay, level) in walking order: odd aisles up the bays, even aisles down."""
    for zone in STORAGE_ZONES:
        for aisle in range(1, AISLES_PER_ZONE + 1):
            bays = range(1, BAYS_PER_AISLE + 1)
            for bay in bays if aisle % 2 else reversed(bays):
                for level in (PICK_LEVEL, *RESERVE_LEVELS):
                    yield zone, aisle, bay, level


def plan_layout() -> list[LocationSpec]:
    """Warehouse, then zones, then bins: each row's parent comes before it."""
    wh = WAREHOUSE
    specs = [LocationSpec(wh, "Main warehouse", "warehouse", "warehouse", None)]
    for zone in STORAGE_ZONES:
        specs.append(LocationSpec(f"{wh}-{zone}", f"Zone {zone}: racking", "zone", "zone", wh))
    specs += [
        LocationSpec(f"{wh}-IN", "Inbound", "zone", "zone", wh),
        LocationSpec(f"{wh}-OUT", "Outbound", "zone", "zone", wh),
        LocationSpec(f"{wh}-QA", "Returns, quarantine, refurbish, RTV", "zone", "zone", wh),
    ]
    for seq, (zone, aisle, bay, level) in enumerate(serpentine_path(), start=1):
        pick = level == PICK_LEVEL
        specs.append(
            LocationSpec(
                code=bin_code(zone, aisle, bay, level),
                name=f"Zone {zone} aisle {aisle} bay {bay} level {level}"
                + (" (pick face)" if pick else ""),
                level="bin",
                type="pick_face" if pick else "storage",
                parent=f"{wh}-{zone}",
                sellable=True,
                walk_sequence=seq * WALK_STEP,
            )
        )
    specs.append(LocationSpec(DOCK, "Receiving dock", "bin", "dock", f"{wh}-IN"))
    for n, code in enumerate(PACK_STATIONS, start=1):
        specs.append(LocationSpec(code, f"Pack station {n}", "bin", "pack_station", f"{wh}-OUT"))
    specs += [
        LocationSpec(SHIPPING, "Shipping lanes", "bin", "shipping", f"{wh}-OUT"),
        LocationSpec(STAGING, "Outbound staging (return to stock)", "bin", "staging", f"{wh}-OUT"),
        LocationSpec(RETURNS, "Returns awaiting inspection", "bin", "returns", f"{wh}-QA"),
        LocationSpec(QUARANTINE, "Quarantine (held stock)", "bin", "quarantine", f"{wh}-QA"),
        LocationSpec(REFURBISH, "Refurbishment bench", "bin", "refurbish", f"{wh}-QA"),
        LocationSpec(RETURN_TO_VENDOR, "Return to vendor (to collect)", "bin", "rtv", f"{wh}-QA"),
    ]
    return specs
