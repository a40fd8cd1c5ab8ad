"""The outbound half of the days dashboards_history.History simulates: OutboundDays, a mixin
(the state, ids, rows, postings and journal are History's):
- orders (captured at their moment, 1-3 lines) reserve stock or wait as backorders; a few
  are cancelled; lines waiting too long are cancelled; stock arriving serves the waiting
  lines oldest first;
- fulfilment picks each reserved line (pick face -> pack station, into the order's tote;
  a replenishment transfer from reserve first when the face is short; now and then a
  short pick writes a unit off, raises a floor exception and leaves the rest waiting),
  packs it into a carton and puts the carton on its carrier's next departure (two a day);
  a departure confirms the shipment: one "ship" posting (source shipment), the order's
  revenue entry, lines and orders shipped with their history (order_events).
"""

from __future__ import annotations

from typing import Any

from dashboards_model import (
    CANCEL_SHARE,
    DAY,
    DAYS,
    HOUR,
    RETURN_SHARE,
    SHORT_PICK,
    ZERO,
    Line,
    Order,
)


class OutboundDays:
    """History's orders: drawn up front, captured, reserved, cancelled, picked, packed and
    shipped."""

    # --- orders -----------------------------------------------------------------------------

    def _orders(self, total: int) -> list[Order]:
        """Every order's capture and lines, drawn up front (their demand sets the buying)."""
        rng, s = self.rng, self.s
        weights = [(1.0 if d % 7 < 5 else 0.7) * (0.85 + 0.3 * d / DAYS) for d in range(DAYS)]
        scale = total / sum(weights)
        per_day = [int(w * scale) for w in weights]
        for d in rng.sample(range(DAYS), total - sum(per_day)):
            per_day[d] += 1
        n = len(s.items)
        cum = [0.0] * n
        acc = 0.0
        for k in range(n):
            acc += 1 / (k + 1) ** 0.9
            cum[k] = acc
        order_of_items = list(range(n))
        rng.shuffle(order_of_items)
        shares = [c.share for c in s.channels]
        out: list[Order] = []
        for d, count in enumerate(per_day):
            span = min(DAY, self.end - d * DAY - 60)
            for t in sorted(d * DAY + rng.uniform(0, span) for _ in range(count)):
                o = Order()
                o.id, o.at, o.updated, o.boxes = self._id("orders"), t, t, 0
                o.pending = o.cancelled = False
                o.channel = rng.choices(s.channels, shares)[0]
                o.ext = f"{o.channel.code}-{o.id:07d}"
                size = rng.choices((1, 2, 3), (45, 35, 20))[0]
                picks = {order_of_items[k] for k in rng.choices(range(n), cum_weights=cum, k=size)}
                o.lines = []
                for no, i in enumerate(sorted(picks), start=1):
                    ln = Line()
                    ln.id, ln.order, ln.no, ln.item = self._id("order_lines"), o, no, i
                    wholesale = o.channel.code == "WHS"
                    each = rng.randint(4, 24) if wholesale else None
                    ln.qty = each or rng.choices((1, 2, 3), (60, 25, 15))[0]
                    ln.reserved = ln.consumed = ln.shipped = ln.packed = 0
                    ln.price = s.prices[i]
                    ln.discount = round(ln.price * ln.qty * 0.05, 2) if rng.random() < 0.1 else 0.0
                    ln.tax = round((ln.price * ln.qty - ln.discount) * 0.2, 2)
                    ln.promised = None if rng.random() < 0.1 else int(t // DAY) + o.channel.sla_days
                    ln.cancelled, ln.res, ln.cost = False, [], ZERO
                    o.lines.append(ln)
                out.append(o)
        return out

    def capture(self, t: float, o: Order) -> None:
        self.event(o, t, "received")
        for ln in o.lines:
            self.backlog[ln.item] += ln.qty
            self.waiting[ln.item].append(ln)
            self.late.append((t, ln))
            self.serve(t, ln.item)
        state = ("allocated" if all(ln.need() == 0 for ln in o.lines) else "partially_allocated"
                 if any(ln.reserved for ln in o.lines) else "backordered")  # fmt: skip
        self.event(o, t + 1, state, was="received")
        if self.rng.random() < CANCEL_SHARE:
            self.push(t + self.rng.uniform(0.2, 20) * HOUR, self.cancel, o, False)

    def available(self, i: int) -> int:
        return self.pf[i] + self.ra[i] + self.rb[i] - self.reserved[i]

    def serve(self, t: float, i: int) -> None:
        """Reserve what is free of item i for its waiting lines, oldest first."""
        free, queue = self.available(i), self.waiting[i]
        while free > 0 and queue:
            ln = queue[0]
            need = ln.need()
            if need <= 0:
                queue.popleft()
                continue
            take = min(need, free)
            free -= take
            ln.reserved += take
            self.reserved[i] += take
            self.backlog[i] -= take
            ln.res.append(self.add("reservations", self._id("reservations"), ln.id,
                                   ln.order.channel.id, self.s.items[i], self.s.wh, take,
                                   "active", self.at(t), None))  # fmt: skip
            if take == need:
                queue.popleft()
            self.ready(t, ln.order)

    def ready(self, t: float, o: Order) -> None:
        if o.pending or o.cancelled or not any(ln.reserved for ln in o.lines):
            return
        if not o.channel.partial and any(ln.need() for ln in o.lines):
            return
        o.pending = True
        self.push(t + self.rng.uniform(0.5, 16) * HOUR, self.fulfil, o)

    def cancel(self, t: float, o: Order, late: bool, only: Line | None = None) -> None:
        lines = [only] if only else o.lines
        if o.cancelled or any(ln.consumed for ln in lines):
            return  # picked already: too late to cancel
        was = "backordered" if late else "allocated"
        for ln in lines:
            if ln.cancelled:
                continue
            self.backlog[ln.item] -= ln.qty - ln.consumed - ln.reserved
            self.reserved[ln.item] -= ln.reserved
            for res in ln.res:
                if res[6] == "active":
                    res[6], res[8] = "released", self.at(t)
            ln.reserved, ln.cancelled = 0, True
            self.event(o, t, "cancelled", ln, was)
        if all(ln.cancelled for ln in o.lines):
            o.cancelled = True
            self.event(o, t + 1, "cancelled", was=was)

    def fulfil(self, t: float, o: Order) -> None:
        """Pick every reserved line into the order's tote, pack them into a carton."""
        o.pending = False
        if o.cancelled:
            return
        s, rng = self.s, self.rng
        picker, tote, packed = self.pick_one("pickers"), s.totes[o.id % len(s.totes)], []
        for ln in o.lines:
            units, i = ln.reserved, ln.item
            if units <= 0:
                continue
            t += rng.uniform(30, 300)
            if self.pf[i] < units:
                self.replenish(t - 60, i, units)
            found = min(units, self.pf[i])
            lost = 1 if found == units and found > 1 and rng.random() < SHORT_PICK else 0
            found -= lost
            face, adj = s.pick_face[i], s.virtual["INV-ADJ"]
            lines = [(i, found, face, None, s.pack, tote, None)] if found else []
            if lost:
                lines.append((i, lost, face, None, adj, None, "short_pick"))
            if lines:
                self.post("pick", t, picker, lines, ("pick_line", ln.id))
            self.pf[i] -= found + lost
            ln.reserved, ln.consumed = 0, ln.consumed + found
            self.reserved[i] -= units
            for res in ln.res:
                if res[6] == "active":
                    res[6], res[8] = "consumed", self.at(t)
            if found < units:  # the rest waits for stock again
                self.backlog[i] += units - found
                self.waiting[i].append(ln)
                resolved = None if rng.random() < 0.15 else self.at(t + rng.uniform(1, 48) * HOUR)
                self.add("floor_exceptions", self._id("floor_exceptions"), "short_pick", s.wh,
                         face, s.items[i], o.id, picker, "pick_line", str(ln.id), "{}", self.at(t),
                         resolved)  # fmt: skip
                self.serve(t, i)
            if found:
                packed.append((ln, found))
        if packed:
            self.pack(t + rng.uniform(5, 40) * 60, o, tote, packed)

    def replenish(self, t: float, i: int, need: int) -> None:
        want = max(need, self.face[i]) - self.pf[i]
        moves = []
        for bins, k in ((self.rb, 1), (self.ra, 0)):
            take = min(want, bins[i])
            if take > 0:
                moves.append((i, take, self.s.reserve[i][k], None, self.s.pick_face[i], None, None))
                bins[i] -= take
                self.pf[i] += take
                want -= take
        if moves:
            self.post("transfer", t, self.pick_one("pickers"), moves, ("replenishment", i))

    def pack(self, t: float, o: Order, tote: int, packed: list[tuple[Line, int]]) -> None:
        s = self.s
        cid = self._id("containers")
        self.add("containers", cid, f"CTN{cid:09d}", "carton", s.pack, True, self.at(t))
        packer = self.pick_one("packers")
        for ln, units in packed:
            self.post("pack", t, packer, [(ln.item, units, s.pack, tote, s.pack, cid, None)])
            ln.packed += units
        o.boxes += 1
        carton = self.add("cartons", self._id("cartons"), cid, o.id, s.wh, s.pack, o.boxes,
                          400 * len(packed), "closed", packer, self.at(t - 120), self.at(t),
                          None, None, None, None)  # fmt: skip
        d, carrier = int(t // DAY), o.channel.carrier
        slot = 0 if t - d * DAY < 14.5 * HOUR else 1 if t - d * DAY < 19.5 * HOUR else 2
        if slot == 2:
            d, slot = d + 1, 0
        key = (carrier, d, slot)
        if key not in self.departures:
            leaves = d * DAY + (15 if slot == 0 else 20) * HOUR
            sid = self._id("shipments")
            self.departures[key] = self.add("shipments", sid, s.wh, s.carriers[carrier],
                                            "standard", "open", None,
                                            self.at(leaves - 6 * HOUR), None, None)  # fmt: skip
            self.cartons_on[sid] = []
            self.push(leaves, self.confirm, self.departures[key])
        ship = self.departures[key]
        carton[11] = ship[0]
        self.cartons_on[ship[0]].append((carton, packed))

    def confirm(self, t: float, ship: list[Any]) -> None:
        """The truck leaves: one ship posting, revenue per order, lines and orders shipped."""
        s, rng, sid = self.s, self.rng, ship[0]
        shipper = self.pick_one("shippers")
        loaded = self.cartons_on.pop(sid)
        lines = [(ln.item, units, s.pack, carton[1], s.virtual["CUSTOMER"], None, None)
                 for carton, packed in loaded for ln, units in packed]  # fmt: skip
        pid = self.post("ship", t, shipper, lines, ("shipment", sid))
        sent = iter(self.values)
        for _, packed in loaded:
            for ln, _units in packed:
                ln.cost += next(sent)
        ship[4], ship[7], ship[8] = "confirmed", shipper, self.at(t)
        by_order: dict[int, tuple[Order, list[tuple[Line, int]]]] = {}
        for carton, packed in loaded:
            carton[7], carton[12] = "shipped", f"TRK{carton[0]:010d}"
            carton[13] = None if rng.random() < 0.05 else f"{rng.uniform(4.5, 12):.2f}"
            carton[14] = "EUR"
            o = packed[0][0].order
            by_order.setdefault(o.id, (o, []))[1].extend(packed)
        for o, packed in by_order.values():
            net = tax = 0.0
            for ln, units in packed:
                ln.shipped += units
                net += ln.price * units - ln.discount * units / ln.qty
                tax += ln.tax * units / ln.qty
                if ln.shipped == ln.qty:
                    self.event(o, t, "shipped", ln, "packed", shipper)
            net, tax = round(net, 2), round(tax, 2)
            if o.channel.marketplace:
                self.takings.append((t, o.channel.id, o.id, o.ext, net + tax))
            books = [("channel_receivable", net + tax, None), ("revenue", -net, None),
                     ("tax_payable", -tax, None)]  # fmt: skip
            memo = f"order {o.id} {o.ext}"
            self.entry("revenue", t, shipper, ("order", str(o.id)), books, pid=pid, memo=memo)
            if all(ln.cancelled or ln.shipped == ln.qty for ln in o.lines):
                self.event(o, t + 1, "shipped", was="packed", actor=shipper)
                if rng.random() < RETURN_SHARE:
                    self.push(t + rng.uniform(2, 12) * DAY, self.authorise, o)
