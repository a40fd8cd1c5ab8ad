"""The ledger writer with one in-transaction subscriber on against the same writer with it
off, in the same run: what finance's valuation and the reports' facts each cost a posting.

Two apps on two fresh databases: one as built (every subscriber registered), one whose
subscriber registry (`app.extensions["scanfloor.ledger_subscribers"]`) lacks the measured
subscriber's entry, every other kept. Each gets the same setup and the same requests; WARMUP
postings each go off the clock; then the two take turns, BLOCK postings at a time (which
goes first alternates), so whatever drifts during the run (the databases growing,
checkpoints, other load on the machine) falls on both alike. Reported per side: postings/s,
p50/p99 latency, statements per posting and the subscribers registered.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Any

from harness import close_app, migrated_app, p50_ms, p99_ms, sql_meter

WARMUP = 20
BLOCK = 100  # postings per turn


def writer_on_off(
    subscriber: str,
    off_url: str,
    on_url: str,
    setup: Callable[[], Sequence[Any]],
    post_one: Callable[[int, Any, str], float],
    postings: int,
    after: Callable[[], dict[str, Any]] | None = None,
) -> dict[str, dict[str, Any]]:
    """Run both sides; `setup()` (in each app) returns the WARMUP + `postings` requests,
    `post_one(n, request, side)` posts one and returns the seconds it took, `after()` (in
    the "on" app, off the clock) adds its own figures to the "on" side."""
    from scanfloor.extensions import db

    apps = {"off": migrated_app(off_url), "on": migrated_app(on_url)}
    apps["off"].extensions["scanfloor.ledger_subscribers"].pop(subscriber)
    requests: dict[str, Sequence[Any]] = {}
    for side, app in apps.items():
        with app.app_context():
            requests[side] = setup()
    assert requests["off"] == requests["on"], "both databases get the same postings"
    lat: dict[str, list[float]] = {"off": [], "on": []}
    spent = dict.fromkeys(apps, 0.0)
    statements = dict.fromkeys(apps, 0)
    for side, app in apps.items():  # warm: imports, compiled statements, caches
        with app.app_context():
            for n in range(WARMUP):
                post_one(n, requests[side][n], side)
    for k, start in enumerate(range(WARMUP, WARMUP + postings, BLOCK)):
        for side in ("off", "on") if k % 2 == 0 else ("on", "off"):
            with apps[side].app_context(), sql_meter(db.engine) as meter:
                t0 = time.perf_counter()
                for n in range(start, min(start + BLOCK, WARMUP + postings)):
                    lat[side].append(post_one(n, requests[side][n], side))
                spent[side] += time.perf_counter() - t0
            statements[side] += int(meter["statements"])
    got: dict[str, dict[str, Any]] = {}
    for side, app in apps.items():
        got[side] = {
            "postings_per_s": round(postings / spent[side], 1),
            "p50_ms": p50_ms(lat[side]),
            "p99_ms": p99_ms(lat[side]),
            "statements_per_posting": round(statements[side] / postings, 2),
            "subscribers": sorted(app.extensions["scanfloor.ledger_subscribers"]),
        }
    if after is not None:
        with apps["on"].app_context():
            got["on"].update(after())
    for app in apps.values():
        with app.app_context():
            close_app()
    return got
