"""The inbound and floor half of the days dashboards_history.History simulates:
InboundAndFloorDays, a mixin (the state, ids, rows, postings and journal are History's;
History.morning plans the buying, counts, adjustments, scraps and re-slotting):
- purchasing: each morning items below their reorder point are ordered (a PO per supplier)
  and arrive around their due date, some late, early, short or over; receipt lines land
  on a dock and are put away hours later (the damaged units scrapped from the dock);
- returns (4 % of shipped orders): authorised, arrived (CUSTOMER -> returns area), then
  inspected: restocked or scrapped, with a customer credit entry;
- cycle counts (count tasks and lines, a count movement for each variance), adjustments
  and scraps with reason codes and workers; a few bins leak a unit at most counts;
- re-slotting transfers between an item's reserve bins fill up to the movement target.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from dashboards_model import COUNT_TOLERANCE, DAY, HOUR, Line, Order
from scanfloor.finance.money import rate


class InboundAndFloorDays:
    """History's purchase orders, receipts and put-away, returns, and the floor's counts,
    adjustments, scraps and re-slotting."""

    # --- purchasing and receiving -----------------------------------------------------------

    def buy(self, t: float) -> None:
        """Each morning: order what fell below its reorder point, one PO per supplier."""
        s, rng, d = self.s, self.rng, int(t // DAY)
        wanted: dict[int, list[tuple[int, int]]] = {}
        for i in range(len(s.items)):
            held = self.pf[i] + self.ra[i] + self.rb[i] + self.on_dock[i] + self.on_order[i]
            position = held - self.reserved[i] - self.backlog[i]
            if position < self.rop[i]:
                qty = max(self.oq[i], self.rop[i] - position)
                qty = -(-qty // s.case_pack[i]) * s.case_pack[i]
                wanted.setdefault(s.supplier_of[i], []).append((i, qty))
                self.on_order[i] += qty
        for k, lines in wanted.items():
            supplier, lead = s.suppliers[k]
            po = self._id("purchase_orders")
            due = d + lead
            head = self.add("purchase_orders", po, f"PO{po:07d}", supplier, "sent", False,
                            self.daynames[due], self.at(t), s.wh, "EUR",
                            self.at(t + rng.uniform(0.2, 2) * HOUR))  # fmt: skip
            rows = []
            for no, (i, qty) in enumerate(lines, start=1):
                cost = Decimal(f"{s.costs[i] * rng.uniform(0.95, 1.05):.4f}")
                row = self.add("purchase_order_lines", self._id("purchase_order_lines"), po, no,
                               s.items[i], qty, 0, 0, str(cost))  # fmt: skip
                rows.append((row, i, qty, cost))
            slip = rng.choices((0, rng.randint(1, 4), -rng.randint(1, 2)), (70, 22, 8))[0]
            self.push((due + slip) * DAY + rng.uniform(7, 15) * HOUR, self.receive, head, rows)

    def receive(self, t: float, head: list[Any], rows: list[tuple[Any, int, int, Decimal]]) -> None:
        s, rng = self.s, self.rng
        receiver, dock = self.pick_one("receivers"), rng.choice(s.docks)
        rid = self._id("receipts")
        self.add("receipts", rid, head[0], receiver, self.day(t), self.at(t), self.at(t + 1800))
        short = False
        for row, i, ordered, cost in rows:
            t += rng.uniform(20, 120)
            r = rng.random()
            qty = (ordered if r < 0.9 else max(1, int(ordered * rng.uniform(0.7, 0.95)))
                   if r < 0.97 else ordered + rng.randint(1, max(1, ordered // 20)))  # fmt: skip
            damaged = 1 if rng.random() < 0.02 else 0
            short = short or qty < ordered
            line = (i, qty, s.virtual["VENDOR"], None, dock, None, None)
            pid = self.post("receipt", t, receiver, [line], ("purchase_order", head[0]), cost)
            self.add("receipt_lines", self._id("receipt_lines"), rid, row[0], s.items[i], qty,
                     damaged, qty - ordered, dock, pid, self.at(t), "EUR")  # fmt: skip
            row[5], row[6] = qty, damaged
            self.on_order[i] -= ordered
            self.on_dock[i] += qty
            later = t + min(60, rng.lognormvariate(1.5, 0.9)) * HOUR
            self.push(later, self.put_away, i, qty, damaged, dock)
        recent = t > self.end - 60 * DAY
        head[3] = "partially_received" if short else "received" if recent else "closed"

    def put_away(self, t: float, i: int, qty: int, damaged: int, dock: int) -> None:
        s, rng = self.s, self.rng
        who = self.pick_one("receivers")
        if damaged:
            scrap = (i, damaged, dock, None, s.virtual["SCRAP"], None, "damaged")
            self.post("scrap", t - 300, who, [scrap])
        good = qty - damaged
        parts = [good] if good < 4 or rng.random() < 0.5 else [good // 2, good - good // 2]
        for k, units in enumerate(p for p in parts if p > 0):
            line = (i, units, dock, None, s.reserve[i][k], None, None)
            self.post("putaway", t + k * 240, who, [line], ("putaway", i))
            (self.ra if k == 0 else self.rb)[i] += units
        self.on_dock[i] -= qty
        self.serve(t, i)

    # --- returns ------------------------------------------------------------------------

    def authorise(self, t: float, o: Order) -> None:
        rng, s = self.rng, self.s
        rid = self._id("return_authorisations")
        rma = self.add("return_authorisations", rid, o.channel.id, f"RMA-{rid:07d}", o.id, s.wh,
                       "channel", "authorised", self.at(t), None, None, None,
                       self.at(t))  # fmt: skip
        shipped = [ln for ln in o.lines if ln.shipped]
        lines = []
        for no, ln in enumerate(rng.sample(shipped, rng.randint(1, len(shipped))), start=1):
            row = self.add("return_lines", self._id("return_lines"), rid, no, ln.id,
                           s.items[ln.item], rng.randint(1, ln.shipped), 0, 0,
                           f"{ln.price:.4f}")  # fmt: skip
            lines.append((row, ln))
        if rng.random() < 0.88:
            self.push(t + rng.uniform(2, 8) * DAY, self.arrive, rma, lines)

    def arrive(self, t: float, rma: list[Any], lines: list[tuple[list[Any], Line]]) -> None:
        s, rng = self.s, self.rng
        who = self.pick_one("receivers")
        for row, ln in lines:
            row[6] = row[5]
            self.back = rate(ln.cost, ln.shipped)
            back = (ln.item, row[6], s.virtual["CUSTOMER"], None, s.returns_area, None,
                    "customer_return")  # fmt: skip
            self.post("return", t, who, [back], ("return", rma[0]))
        self.back = None
        rma[6], rma[8], rma[9], rma[11] = "arrived", self.at(t), self.at(t), self.at(t)
        slow = rng.random() < 0.1
        wait = rng.uniform(5, 15) * DAY if slow else min(96, rng.lognormvariate(3, 0.7)) * HOUR
        self.push(t + wait, self.inspect, rma, lines)

    def inspect(self, t: float, rma: list[Any], lines: list[tuple[list[Any], Line]]) -> None:
        s, rng = self.s, self.rng
        who = self.pick_one("receivers")
        for row, ln in lines:
            i, qty, keep = ln.item, row[6], rng.random() < 0.75
            to = s.reserve[i][0] if keep else s.virtual["SCRAP"]
            reason = "resellable" if keep else "damaged"
            move = (i, qty, s.returns_area, None, to, None, reason)
            pid = self.post("return" if keep else "scrap", t, who, [move], ("return", rma[0]))
            iid = self._id("return_inspections")
            credit = round(ln.price * qty, 2)
            how = "sellable" if keep else "scrap"
            self.add("return_inspections", iid, rma[0], row[0], qty, how, to, reason, "full", "0",
                     f"{credit:.2f}", pid, who, self.at(t))  # fmt: skip
            books = [("returns", credit, None), ("channel_receivable", -credit, None)]
            self.entry("customer_credit", t, who, ("return_inspection", str(iid)), books)
            row[7] = qty
            if keep:
                self.ra[i] += qty
                self.serve(t, i)
            t += 120
        rma[6], rma[10], rma[11] = "completed", self.at(t), self.at(t)

    # --- the floor: counts, adjustments, scraps, re-slotting ---------------------------------

    def place(self, i: int, k: int) -> tuple[list[int], int]:
        """Bin k of item i (its pick face, reserve A, reserve B): its stock list and id."""
        if k == 0:
            return self.pf, self.s.pick_face[i]
        return (self.ra, self.s.reserve[i][0]) if k == 1 else (self.rb, self.s.reserve[i][1])

    def count(self, t: float, i: int, k: int) -> None:
        s, rng = self.s, self.rng
        bins, loc = self.place(i, k)
        who, system = self.pick_one("counters"), bins[i]
        leak = i in self.leaky and k == 0
        r = rng.random()
        found = system - (1 if leak and r < 0.8 else 0)
        if not leak and r > 0.85:
            found = system - rng.randint(1, 3) if r < 0.95 else system + rng.randint(1, 2)
        found = max(0, found, system - max(0, self.available(i)))  # never below what is reserved
        variance, task = found - system, self._id("count_tasks")
        pid = None
        if variance:
            adj = s.virtual["INV-ADJ"]
            frm, to = (loc, adj) if variance < 0 else (adj, loc)
            reason = "count_loss" if variance < 0 else "count_gain"
            line = (i, abs(variance), frm, None, to, None, reason)
            pid = self.post("count", t, who, [line], ("count_task", task))
            bins[i] = found
        self.add("count_tasks", task, s.wh, loc, s.items[i], "abc", "counted", self.at(t - HOUR),
                 self.at(t), 1, who, self.at(t), pid)  # fmt: skip
        cls, cost = self.abc[i], s.costs[i]
        self.add("count_lines", self._id("count_lines"), task, 1, s.wh, loc, s.items[i], 0, found,
                 system, variance, f"{cost:.4f}", f"{variance * cost:.4f}", cls,
                 abs(variance) <= COUNT_TOLERANCE[cls], False,
                 "adjusted" if variance else "matched", who, self.at(t))  # fmt: skip

    def adjust(self, t: float, i: int, k: int, scrap: bool) -> None:
        s, rng = self.s, self.rng
        bins, loc = self.place(i, k)
        who = self.pick_one("counters")
        big = who == s.workers["counters"][0]  # one worker adjusts far more than the others
        free = min(bins[i], self.available(i))
        if scrap or rng.random() < 0.7:
            qty = min(free, rng.randint(1, 12 if big else 3))
            if qty <= 0:
                return
            to = s.virtual["SCRAP"] if scrap else s.virtual["INV-ADJ"]
            reason = rng.choice(("damaged", "expired") if scrap else ("damaged", "lost"))
            kind = "scrap" if scrap else "adjustment"
            self.post(kind, t, who, [(i, qty, loc, None, to, None, reason)])
            bins[i] -= qty
        else:
            qty = rng.randint(1, 2)
            found = (i, qty, s.virtual["INV-ADJ"], None, loc, None, "found")
            self.post("adjustment", t, who, [found])
            bins[i] += qty
            self.serve(t, i)

    def relocate(self, t: float, i: int) -> None:
        a, b = self.ra[i], self.rb[i]
        frm, k = (self.ra, 0) if a >= b else (self.rb, 1)
        qty = max(1, frm[i] // 2)
        if frm[i] <= 0:
            return
        frm[i] -= qty
        (self.rb if k == 0 else self.ra)[i] += qty
        res = self.s.reserve[i]
        line = (i, qty, res[k], None, res[1 - k], None, "reslot")
        self.post("transfer", t, self.pick_one("receivers"), [line], ("relocation", i))
        self.filler += 1
