"""What keeping the reports' daily facts costs the ledger writer (issue 14: "keeping the
facts costs the ledger writer <= 10 %"), on SQLite and (when one answers) PostgreSQL.
Prints one JSON line per database.

`reporting_facts_writer`: the writer with the facts subscriber on against the same writer
with it off (writer_ab.py: two apps, two fresh databases, the same postings, taking turns
in blocks). POSTINGS one-line postings by one of WORKERS signed-in workers, as a shift
makes them: a receipt at a unit cost into a bin of a zone, then picks of what it holds to
the pack station, now and then a count loss; each with its own idempotency key, through
`ledger.writer.post`, and every other subscriber (allocation, finance, demand, counting,
replenishment) on both sides. Goal: postings/s with facts >= 0.9 of postings/s without.
Off the clock afterwards, on the "on" database: `reporting rebuild-facts --check`'s
comparison (rows that differ must be 0) and its time.

Sizes: BENCH_FACTS_POSTINGS.
"""

from __future__ import annotations

import os
import random
import sys
import time
import uuid
from decimal import Decimal
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_finance import _site, _virtual
from harness import emit, note, pg_scratch, ratio
from ledger_load import bulk_items
from writer_ab import WARMUP, writer_on_off

POSTINGS = int(os.environ.get("BENCH_FACTS_POSTINGS", "2000"))
ITEMS, BINS, WORKERS = 50, 20, 4
GOAL_ON_VS_OFF = 0.9

Request = tuple[str, int, int, int, int, Decimal | None, int, str | None]


def _requests() -> list[Request]:
    """Receipts into bins, picks of part of what a bin holds, a count loss now and then."""
    from scanfloor.auth.service import create_user

    items = bulk_items("FCT", ITEMS)
    _wh, bins = _site("FCW", BINS)
    v = _virtual()
    pack = bins.pop()  # the last bin stands for the pack station
    workers = [
        create_user(username=f"fct-worker-{n}", role="worker", password="bench-pw-1").id
        for n in range(WORKERS)
    ]
    rng = random.Random(14)
    held: dict[tuple[int, int], int] = {}
    out: list[Request] = []
    while len(out) < WARMUP + POSTINGS:
        who = rng.choice(workers)
        item, b = rng.choice(items), rng.choice(bins)
        qty = rng.randint(10, 30)
        cost = Decimal(rng.randint(100, 9999)) / 100
        out.append(("receipt", item, v["VENDOR"], b, qty, cost, who, None))
        held[(item, b)] = held.get((item, b), 0) + qty
        for _ in range(rng.randint(1, 3)):
            take = min(held[(item, b)], rng.randint(1, 5))
            if take:
                out.append(("pick", item, b, pack, take, None, who, None))
                held[(item, b)] -= take
        if rng.random() < 0.1 and held[(item, b)]:
            out.append(("count", item, b, v["INV-ADJ"], 1, None, who, "count_loss"))
            held[(item, b)] -= 1
    return out[: WARMUP + POSTINGS]


def _post_one(n: int, req: Request, tag: str) -> float:
    from scanfloor.ledger.rules import MovementLine, PostingRequest
    from scanfloor.ledger.writer import post

    kind, item, src, dst, qty, cost, who, reason = req
    s = time.perf_counter()
    line = MovementLine(item, qty, src, dst, unit_cost=cost, reason_code=reason)
    post(PostingRequest(kind, (line,), actor_id=who, idempotency_key=f"{tag}-{n}"))
    return time.perf_counter() - s


def _checked() -> dict[str, Any]:
    from scanfloor.extensions import db
    from scanfloor.reporting.facts_rebuild import rebuild, snapshot

    t0 = time.perf_counter()
    conn = db.session.connection()
    kept = snapshot(conn)
    rows = rebuild(conn)
    fresh = snapshot(conn)
    db.session.rollback()
    return {
        "facts_rows": rows,
        "rebuild_check_s": round(time.perf_counter() - t0, 3),
        "rows_that_differ": sum(len(kept[t] ^ fresh[t]) for t in kept),
    }


def facts_writer_bench(database: str, off_url: str, on_url: str) -> None:
    from scanfloor.reporting.facts_projection import NAME

    got = writer_on_off(NAME, off_url, on_url, _requests, _post_one, POSTINGS, after=_checked)
    off, on = got["off"], got["on"]
    note(
        f"facts writer {database}: off {off['postings_per_s']} postings/s, "
        f"on {on['postings_per_s']} postings/s"
    )
    r = ratio(on["postings_per_s"], off["postings_per_s"])
    emit(
        {
            "benchmark": "reporting_facts_writer",
            "database": database,
            "postings": POSTINGS,
            "facts_on": on,
            "facts_off": off,
            "on_vs_off": r,
            "goal": {"on_vs_off": GOAL_ON_VS_OFF},
            "holds": r >= GOAL_ON_VS_OFF and on["rows_that_differ"] == 0,
        }
    )


def main() -> None:
    with TemporaryDirectory() as tmp:
        note("facts: SQLite")
        tag = uuid.uuid4().hex[:6]
        facts_writer_bench(
            "sqlite", f"sqlite:///{Path(tmp) / f'off{tag}.db'}", f"sqlite:///{Path(tmp) / 'on.db'}"
        )
    with pg_scratch("facts_off") as off, pg_scratch("facts_on") as on:
        if not (off and on):
            return  # pg_scratch said why
        note("facts: PostgreSQL")
        facts_writer_bench("postgresql", off, on)


if __name__ == "__main__":
    main()
