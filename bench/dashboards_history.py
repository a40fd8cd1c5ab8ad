"""A year of a warehouse's life for bench_dashboards.py, simulated in memory (History): the
event heap, ids and rows, the postings with their values and journal entries, each
morning's plan, the run and the state the orders and books are left in. The day's work is
in two mixins: dashboards_outbound.py (orders to shipments) and dashboards_floor.py
(purchasing, returns, counts, adjustments, re-slotting).

One warehouse; each item has a pick face and two reserve bins. Events run in time order
from a heap, so stock never goes below zero anywhere.
Finance follows each valued movement as the posting subscriber would (finance/cost_rules.py,
posting_rules.py): a movement value and a journal entry with its two lines at the item's
moving average, stock values at the end (`finance rebuild --check` finds 0 differences);
each shipment books its orders' revenue; weekly settlements book the marketplace's fees.

Not filled: lots, kits, exchange rates (all EUR), FIFO layers, cost adjustments, supplier
invoices, landed costs, opening values, waves and pick tasks (no dashboard reads them); the
movements carry no hash chain (`ledger verify` reports only that).
"""

from __future__ import annotations

import heapq
import math
from collections import deque
from datetime import datetime, timedelta
from decimal import Decimal
from random import Random
from typing import Any

from dashboards_floor import InboundAndFloorDays
from dashboards_model import (
    CENT,
    COLUMNS,
    DAY,
    DAYS,
    HOUR,
    LATE_CANCEL_DAYS,
    VIRTUAL_RULES,
    ZERO,
    Line,
    Order,
    Site,
)
from dashboards_outbound import OutboundDays
from scanfloor.finance.money import rate, share, times


class History(OutboundDays, InboundAndFloorDays):
    """The simulation; `rows` holds every table's rows (COLUMNS order) once `run` returns."""

    def __init__(self, site: Site, rng: Random, now: datetime, orders: int, target: int,
                 first_ids: dict[str, int]) -> None:  # fmt: skip
        self.s, self.rng, self.target = site, rng, target
        now = now.replace(tzinfo=None)
        self.t0 = datetime.combine((now - timedelta(days=DAYS - 1)).date(), datetime.min.time())
        self.end = (now - self.t0).total_seconds()
        self.daynames = [str((self.t0 + timedelta(days=d)).date()) for d in range(DAYS + 60)]
        self.rows: dict[str, list[Any]] = {t: [] for t in COLUMNS}
        self.next = {t: first_ids.get(t, 1) for t in COLUMNS}
        self.heap: list[tuple[float, int, Any, tuple[Any, ...]]] = []
        self.seq = self.moves = self.filler = 0
        n = len(site.items)
        self.pf, self.ra, self.rb = [0] * n, [0] * n, [0] * n
        self.reserved, self.backlog, self.on_order, self.on_dock = ([0] * n for _ in range(4))
        self.book_q, self.book_v = [0] * n, [ZERO] * n
        self.last_rate: list[Decimal | None] = [None] * n
        self.values: list[Decimal] = []  # what the last posting's valued lines were worth
        self.back: Decimal | None = None  # a customer return's rate: what it shipped at
        self.waiting: list[deque[Line]] = [deque() for _ in range(n)]
        self.late: deque[tuple[float, Line]] = deque()
        self.takings: list[tuple[float, int, int, str, float]] = []
        self.kind_of = {v: k for k, v in site.virtual.items()}
        self.departures: dict[tuple[int, int, int], list[Any]] = {}
        self.cartons_on: dict[int, list[tuple[list[Any], list[tuple[Line, int]]]]] = {}
        self.orders = self._orders(orders)
        units = [0] * n
        for o in self.orders:
            for ln in o.lines:
                units[ln.item] += ln.qty
        per_day = [u / DAYS for u in units]
        lead = [site.suppliers[site.supplier_of[i]][1] for i in range(n)]
        packs = site.case_pack
        self.face = [max(3, math.ceil(r * 0.75)) for r in per_day]
        self.rop = [math.ceil(r * (lead[i] + 4)) + 2 for i, r in enumerate(per_day)]
        self.oq = [max(packs[i], math.ceil(r * 10 / packs[i]) * packs[i])
                   for i, r in enumerate(per_day)]  # fmt: skip
        self.opening = [math.ceil(r * 20) + 6 for r in per_day]
        ranked = sorted(range(n), key=lambda i: -units[i])
        self.abc = [""] * n
        for k, i in enumerate(ranked):
            self.abc[i] = "A" if k < n * 0.2 else "B" if k < n * 0.5 else "C"
        self.popular = ranked[: max(1, n // 5)]
        self.leaky = ranked[n // 3 : n // 3 + 3]  # a few bins that lose a unit at most counts

    # --- ids, times, rows -----------------------------------------------------------------

    def _id(self, table: str) -> int:
        got = self.next[table]
        self.next[table] = got + 1
        return got

    def add(self, table: str, *values: Any) -> list[Any]:
        """A row of `table` (COLUMNS order); a list, so later events can change it."""
        row = list(values)
        self.rows[table].append(row)
        return row

    def at(self, t: float) -> str:
        d = int(t // DAY)
        s = t - d * DAY
        return f"{self.daynames[d]} {int(s // 3600):02d}:{int(s % 3600 // 60):02d}:{s % 60:09.6f}"

    def day(self, t: float) -> str:
        return self.daynames[int(t // DAY)]

    def push(self, t: float, fn: Any, *args: Any) -> None:
        if t <= self.end:
            self.seq += 1
            heapq.heappush(self.heap, (t, self.seq, fn, args))

    def pick_one(self, role: str) -> int:
        return self.rng.choice(self.s.workers[role])

    # --- the ledger and the books -----------------------------------------------------------

    def post(self, kind: str, t: float, actor: int | None, lines: list[tuple[Any, ...]],
             source: tuple[str | None, Any] = (None, None),
             cost: Decimal | None = None) -> int:  # fmt: skip
        """One posting of (item, qty, from, from container, to, to container, reason[,
        unit cost]) lines; each valued line gets its movement value and journal entry."""
        pid, st, self.values = self._id("postings"), self.at(t), []
        src = None if source[1] is None else str(source[1])
        self.add("postings", pid, kind, actor, source[0], src, st)
        for i, qty, frm, fc, to, tc, reason, *own in lines:
            assert qty > 0, (kind, source)
            mid, price = self._id("movements"), own[0] if own else cost
            unit = None if price is None else str(price)
            self.add("movements", mid, pid, self.s.items[i], qty, frm, fc, to, tc, kind, reason,
                     actor, source[0], src, unit, st, st)  # fmt: skip
            self._value(mid, pid, i, qty, (frm, to), t, actor, (source[0], src), price, kind)
        self.moves += len(lines)
        return pid

    def _value(self, mid: int, pid: int, i: int, qty: int, ends: tuple[int, int], t: float,
               actor: int | None, source: tuple[Any, Any], cost: Decimal | None,
               memo: str) -> None:  # fmt: skip
        """Moving average as finance/cost_rules.py values it; the entry as posting_rules.py."""
        a, b = self.kind_of.get(ends[0]), self.kind_of.get(ends[1])
        if (a is None) == (b is None):
            return  # within the warehouse, or virtual to virtual: no value moves
        q, v = self.book_q[i], self.book_v[i]
        if a is None:  # issued to a counterparty (the warehouse always holds what leaves it)
            value, how = share(v, qty, q, CENT), "issue"
            self.book_q[i], self.book_v[i], self.last_rate[i] = q - qty, v - value, rate(v, q)
            kind, role = VIRTUAL_RULES[b][0], VIRTUAL_RULES[b][2]
            debit, credit, places = role, "inventory", (self.s.wh, None)
        else:  # received: at its cost, a return at what it shipped at, else the current rate
            back = self.back if a == "CUSTOMER" else None
            known, how = ((cost, "receipt") if cost is not None else (back, "original")
                          if back is not None else (rate(v, q), "issue") if q > 0 else
                          (self.last_rate[i], "last_rate"))  # fmt: skip
            value, how = (ZERO, "none") if known is None else (times(qty, known, CENT), how)
            self.book_q[i], self.book_v[i] = q + qty, v + value
            self.last_rate[i] = rate(v + value, q + qty) if q > 0 else rate(value, qty)
            kind, role = VIRTUAL_RULES[a][1], VIRTUAL_RULES[a][2]
            debit, credit, places = "inventory", role, (None, self.s.wh)
        self.values.append(value)
        self.add("movement_values", mid, self.s.items[i], *places, qty, str(value),
                 str(rate(value, qty)), "moving_average", how, self.at(t))  # fmt: skip
        if value:
            lines = [(debit, value, i), (credit, -value, i)]
            self.entry(kind, t, actor, source, lines, mid, pid, memo)

    def entry(self, kind: str, t: float, actor: int | None, source: tuple[Any, Any],
              lines: list[tuple[str, Any, int | None]], mid: int | None = None,
              pid: int | None = None, memo: str = "") -> int:  # fmt: skip
        """A journal entry; lines (role, amount: + debit, - credit, item index or None)."""
        eid, day = self._id("journal_entries"), self.day(t)
        self.add("journal_entries", eid, day, day[:7], kind, mid, pid, *source, memo or kind,
                 actor, self.at(t))  # fmt: skip
        for role, amount, i in lines:
            amount = Decimal(f"{amount:.2f}") if isinstance(amount, float) else amount
            if amount:
                debit, credit = (str(amount), "0") if amount > 0 else ("0", str(-amount))
                item = None if i is None else self.s.items[i]
                self.add("journal_lines", self._id("journal_lines"), eid, self.s.accounts[role],
                         debit, credit, self.s.wh, item)  # fmt: skip
        return eid

    def event(self, o: Order, t: float, to: str, line: Line | None = None, was: str | None = None,
              actor: int | None = None) -> None:  # fmt: skip
        who = "system:allocation" if actor is None else f"user:{actor}"
        self.add("order_events", self._id("order_events"), o.id, line and line.id, self.at(t),
                 actor, who, was, to)  # fmt: skip
        o.updated = t

    # --- each morning ------------------------------------------------------------------------

    def morning(self, t: float) -> None:
        """A day's plan: buying, counts, adjustments, scraps, re-slotting, late cancels."""
        rng, s, d = self.rng, self.s, int(t // DAY)
        n, scale = len(s.items), len(self.orders) / 100_000
        self.push(t + 6 * HOUR, self.buy)
        for _ in range(max(1, round(110 * scale))):
            i = rng.choice(self.popular) if rng.random() < 0.4 else rng.randrange(n)
            self.push(t + rng.uniform(8, 17) * HOUR, self.count, i, rng.choice((0, 0, 1, 2)))
        for i in self.leaky:
            if rng.random() < 0.5:
                self.push(t + rng.uniform(8, 17) * HOUR, self.count, i, 0)
        for scrap, per_day in ((False, 16), (True, 8)):
            for _ in range(max(1, round(per_day * scale))):
                at, i, k = t + rng.uniform(7, 20) * HOUR, rng.randrange(n), rng.randrange(3)
                self.push(at, self.adjust, i, k, scrap)
        # Re-slotting makes up what the day's other work leaves short of the movement target.
        natural = (self.moves - self.filler) / max(1, d) if d else 3.6 * len(self.orders) / DAYS
        quota = round((self.target - self.moves) / (DAYS - d) - natural) if d < DAYS else 0
        for _ in range(max(0, quota)):
            self.push(t + rng.uniform(6, 22) * HOUR, self.relocate, rng.randrange(n))
        while self.late and self.late[0][0] < t - LATE_CANCEL_DAYS * DAY:
            _, ln = self.late.popleft()
            if ln.need() > 0 and not ln.consumed and not ln.reserved and rng.random() < 0.5:
                self.push(t + rng.uniform(8, 18) * HOUR, self.cancel, ln.order, True, ln)
        if d + 1 < DAYS:
            self.push(t + DAY, self.morning)

    # --- the run --------------------------------------------------------------------------

    def run(self) -> dict[str, list[Any]]:
        s = self.s
        vendor = s.virtual["VENDOR"]
        for start in range(0, len(s.items), 500):  # the opening stock, straight into reserve
            items = range(start, min(len(s.items), start + 500))
            lines = [(i, self.opening[i], vendor, None, s.reserve[i][0], None, None,
                      Decimal(f"{s.costs[i]:.4f}")) for i in items]  # fmt: skip
            self.post("receipt", 600.0, None, lines)
            for i in items:
                self.ra[i] = self.opening[i]
        for i in range(len(s.items)):
            self.replenish(900.0, i, self.face[i])
        for o in self.orders:
            self.push(o.at, self.capture, o)
        self.push(0.0, self.morning)
        while self.heap:
            t, _, fn, args = heapq.heappop(self.heap)
            fn(t, *args)
        return self._finish()

    def _finish(self) -> dict[str, list[Any]]:
        """The orders and lines as they stand now, cartons' places, stock values, settlements."""
        s, now = self.s, self.at(self.end)
        for o in self.orders:
            states = []
            for ln in o.lines:
                left = ln.qty - ln.consumed
                state = ("cancelled" if ln.cancelled else "shipped" if ln.shipped == ln.qty else
                         "packed" if left == 0 else "allocated" if ln.reserved == left else
                         "partially_allocated" if ln.reserved or ln.consumed else
                         "backordered")  # fmt: skip
                states.append(state)
                promised = None if ln.promised is None else self.daynames[ln.promised]
                self.add("order_lines", ln.id, o.id, ln.no, s.items[ln.item], ln.qty, ln.reserved,
                         ln.consumed, f"{ln.price:.4f}", promised, state, f"{ln.discount:.4f}",
                         f"{ln.tax:.4f}")  # fmt: skip
            live = [x for x in states if x != "cancelled"]
            waits = ("backordered", "partially_allocated", "allocated", "packed")
            status = "cancelled" if not live else next((x for x in waits if x in live), "shipped")
            self.add("orders", o.id, o.channel.id, o.ext, status, "{}", self.at(o.at),
                     self.at(o.at), self.at(o.updated))  # fmt: skip
        boxes = {c[1] for c in self.rows["cartons"] if c[7] == "shipped"}
        for c in self.rows["containers"]:
            c[3] = s.virtual["CUSTOMER"] if c[0] in boxes else s.pack
        for i in range(len(s.items)):
            last = self.last_rate[i]
            self.add("stock_values", s.items[i], s.wh, self.book_q[i], str(self.book_v[i]),
                     None if last is None else str(last), now)  # fmt: skip
        self._settlements()
        return self.rows

    def _settlements(self) -> None:
        """A weekly settlement per marketplace: its orders' takings and the fees on them."""
        weeks: dict[tuple[int, int], list[tuple[int, str, float]]] = {}
        for t, channel, oid, ext, amount in self.takings:
            weeks.setdefault((channel, int(t // (7 * DAY))), []).append((oid, ext, amount))
        for (channel, w), orders in sorted(weeks.items()):
            t = min(self.end, (w + 1) * 7 * DAY + 10 * HOUR)
            takings = sum(a for *_, a in orders)
            fees = round(takings * 0.15, 2)
            sid = self._id("channel_settlements")
            books = [("channel_fees", fees, None), ("channel_receivable", -fees, None)]
            eid = self.entry("settlement", t, None, ("settlement", str(sid)), books)
            total = round(takings - fees, 2)
            self.add("channel_settlements", sid, channel, "amazon_v2", f"S-{channel}-{w:03d}",
                     self.day(t), "EUR", f"{total:.2f}", f"{sid:064d}", self.at(t),
                     eid)  # fmt: skip
            lines = [("order", ext, oid, a, round(a * 0.15, 2)) for oid, ext, a in orders]
            lines.append(("payout", None, None, -total, 0.0))
            for no, (kind, ext, oid, amount, fee) in enumerate(lines, start=1):
                self.add("channel_settlement_lines", self._id("channel_settlement_lines"), sid, no,
                         kind, ext, oid, self.day(t), f"{amount:.2f}", f"{fee:.2f}",
                         "{}")  # fmt: skip
