"""Wave planning time beside a floor measured in the same run (pure Python, no database).

5,000 allocated orders (1 to 5 pick lines each, about 3) across the demo layout's 324 bins
(3 zones of 4 aisles, walk sequence numbered as one serpentine: seed/layout.py), 3 channels,
mixed deadlines. For each mode, `plan_wave` (select by urgency and caps, group into tasks,
walk every task) is timed, best of RUNS. The floor is the least any planner must do with the
same candidates: sort them by the urgency key, cut them into carts of orders_per_picker and
list each cart's lines by walk sequence (no serpentine, no caps, no zones). `plan_vs_floor`
is floor seconds / plan seconds (1.0: no cost over the floor). Goal: a plan under 1 s.
Also reported: the plan's total path length, and the same tasks walked by bin code.
"""

from __future__ import annotations

import os
import random
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import emit, ratio
from scanfloor.picking.path_rules import Bin, path_length
from scanfloor.picking.wave_rules import (
    OrderCandidate,
    PickNeed,
    WavePlan,
    WaveRules,
    plan_wave,
    urgency_key,
)
from scanfloor.seed.layout import STORAGE_ZONES, WALK_STEP, bin_code, serpentine_path

ORDERS = int(os.environ.get("BENCH_WAVE_ORDERS", "5000"))
RUNS = int(os.environ.get("BENCH_WAVE_RUNS", "5"))
GOAL_SECONDS = 1.0
NOW = datetime(2024, 5, 1, 8, 0, tzinfo=UTC)
MODES: dict[str, WaveRules] = {
    "single": WaveRules(mode="single"),
    "cluster": WaveRules(mode="cluster", orders_per_picker=8),
    "zone": WaveRules(mode="zone", orders_per_picker=8),
    # Carts cut by lines too and pickers capped: the planner searches the longest prefix.
    "cluster_capped": WaveRules(
        mode="cluster", orders_per_picker=8, lines_per_picker=20, max_pickers=150
    ),
}


def layout() -> list[Bin]:
    """The demo's bins: aisle = the zone's rank (a bin's parent is its zone)."""
    return [
        Bin(
            location_id=seq,
            aisle=STORAGE_ZONES.index(zone) + 1,
            walk_sequence=seq * WALK_STEP,
            zone_id=STORAGE_ZONES.index(zone) + 1,
            code=bin_code(zone, aisle, bay, level),
        )
        for seq, (zone, aisle, bay, level) in enumerate(serpentine_path(), start=1)
    ]


def candidates(bins: list[Bin]) -> list[OrderCandidate]:
    rnd = random.Random(8)
    out = []
    line = 0
    for oid in range(1, ORDERS + 1):
        needs = []
        for _ in range(rnd.choice((1, 2, 3, 3, 4, 5))):
            line += 1
            needs.append(
                PickNeed(line, rnd.randint(1, 5000), None, rnd.randint(1, 4), rnd.choice(bins))
            )
        hours = rnd.randint(0, 72)
        out.append(
            OrderCandidate(
                order_id=oid,
                channel_id=1 + oid % 3,
                channel_priority=oid % 3,
                ship_by=NOW + timedelta(hours=hours) if rnd.random() < 0.8 else None,
                promised_date=None,
                ordered_at=NOW - timedelta(minutes=rnd.randint(0, 10_000)),
                needs=tuple(needs),
            )
        )
    return out


def floor(cands: list[OrderCandidate], per_cart: int) -> list[list[PickNeed]]:
    ordered = sorted(cands, key=urgency_key)
    carts = [ordered[i : i + per_cart] for i in range(0, len(ordered), per_cart)]
    return [
        sorted((n for c in cart for n in c.needs), key=lambda n: n.bin.walk_sequence or 0)
        for cart in carts
    ]


def best_of(fn: Callable[[], Any]) -> tuple[float, Any]:
    best, result = float("inf"), None
    for _ in range(RUNS):
        t0 = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - t0)
    return best, result


def by_code_length(plan: WavePlan) -> int:
    return sum(
        path_length(sorted((ln.need.bin for ln in t.lines), key=lambda b: b.code))
        for t in plan.tasks
    )


def main() -> None:
    cands = candidates(layout())
    for name, rules in MODES.items():
        per_cart = 1 if rules.mode == "single" else rules.orders_per_picker
        seconds, plan = best_of(lambda r=rules: plan_wave(cands, r))
        floor_seconds, _ = best_of(lambda n=per_cart: floor(cands, n))
        emit(
            {
                "benchmark": "wave_plan",
                "mode": name,
                "rules": rules.to_json(),
                "plan": {
                    "candidates": len(cands),
                    "orders": plan.order_count,
                    "lines": plan.line_count,
                    "tasks": len(plan.tasks),
                    "skipped": len(plan.skipped),
                    "path_length": plan.path_length,
                    "path_length_by_code": by_code_length(plan),
                    "seconds": round(seconds, 4),
                },
                "floor_sort_and_chunk": {"seconds": round(floor_seconds, 4)},
                "plan_vs_floor": ratio(floor_seconds, seconds),
                "goal": {"seconds_under": GOAL_SECONDS},
                "holds": seconds < GOAL_SECONDS,
            }
        )


if __name__ == "__main__":
    main()
