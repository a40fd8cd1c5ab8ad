// Local checks for picking, against the pick task this device has saved: is this scan the
// line's bin, its item (which barcode, so how many units: a case counts its pack quantity),
// its lot, would it pick more than the line wants, is this the order's tote. They decide what
// the picker hears now, online or in a dead spot; the server checks again on every
// confirmation (and only it knows a tote bound by another task: that refusal comes back
// through the outbox and lands in Exceptions).
//
// Policy (the same words the server answers with):
// - wrong_location: the scan is not the line's bin (code or bin barcode);
// - wrong_item: the scan is none of the line item's barcodes (any pack level);
// - wrong_lot: the line wants a lot and the GS1 scan carries another lot (or another expiry
//   than that lot's); a scan with no lot in it is taken (the bin holds the line's lot);
// - over_pick: the units scanned (scans x pack quantity) would pass what the line still wants;
// - wrong_tote: the order's tote is bound and this is another one, or the scanned tote is
//   already bound to another order of this task.
// Pure functions of plain data: no DOM, no network (tests/unit/js/run_pick_rules.mjs).

import { canonicalCode, scanKeys } from "../gs1.js";

const upper = (v) =>
  String(v ?? "")
    .trim()
    .toUpperCase();

/* What the line still wants: quantity less what was picked or reported short. */
export function remaining(line) {
  if (!line) return 0;
  return Math.max(0, line.quantity - (line.picked || 0) - (line.short || 0));
}

export function lineOpen(line) {
  return line.status === "open" && remaining(line) > 0;
}

/* The task's lines in walking order (seq, then id). */
export function orderedLines(task) {
  return (task?.lines || []).slice().sort((a, b) => a.seq - b.seq || a.id - b.id);
}

/* The next line to pick: the first open line on the path, or null when the task is done. */
export function nextLine(task) {
  return orderedLines(task).find(lineOpen) || null;
}

/* The bins after the current line's, in order, each once: what the picker walks to next. */
export function binsAhead(task, current, count = 3) {
  const seen = new Set(current ? [current.bin.code] : []);
  const out = [];
  for (const line of orderedLines(task)) {
    if (!lineOpen(line) || line === current || (current && line.seq < current.seq)) continue;
    if (seen.has(line.bin.code)) continue;
    seen.add(line.bin.code);
    out.push(line.bin.code);
    if (out.length >= count) break;
  }
  return out;
}

/* Is the scan this line's bin (its code or its barcode)? */
export function isLineBin(line, scan) {
  const codes = [line?.bin?.code, line?.bin?.barcode].filter(Boolean).map(canonicalCode);
  return scanKeys(scan).some((k) => codes.includes(k));
}

/* The line whose bin this scan is (another bin of the task), or null. */
export function lineAtBin(task, scan) {
  return orderedLines(task).find((l) => isLineBin(l, scan)) || null;
}

/* How many base units one scan of this item barcode is: its pack's quantity, 1 for a plain
 * item barcode, null when the scan is none of the item's barcodes. */
export function unitsPerScan(item, scan) {
  const keys = scanKeys(scan);
  if (!keys.length || !item) return null;
  for (const pack of item.packs || []) {
    const codes = (pack.barcodes || []).map(canonicalCode);
    if (keys.some((k) => codes.includes(k))) return Math.max(1, pack.quantity || 1);
  }
  const codes = (item.barcodes || []).map(canonicalCode);
  if (keys.some((k) => codes.includes(k))) return 1;
  return null;
}

/* An item scan at `line`, with `counted` units already scanned for it:
 *   {ok: true, units}  the scan counts `units` more (pack quantity x the GS1 count, if any)
 *   {ok: false, code, ...}  why not: wrong_item (other: the task line it does belong to),
 *                           wrong_lot (wanted, got), over_pick (left, units). */
export function checkItemScan(task, line, scan, counted = 0) {
  const per = unitsPerScan(line.item, scan);
  if (per === null) {
    const other = orderedLines(task).find(
      (l) => l !== line && l.item.id !== line.item.id && unitsPerScan(l.item, scan) !== null,
    );
    return { ok: false, code: "wrong_item", other: other || null };
  }
  if (line.lot) {
    if (scan.lot && upper(scan.lot) !== upper(line.lot.code))
      return { ok: false, code: "wrong_lot", wanted: line.lot.code, got: scan.lot };
    if (scan.expiry && line.lot.expiry && scan.expiry !== line.lot.expiry)
      return {
        ok: false,
        code: "wrong_lot",
        wanted: `${line.lot.code} (expiry ${line.lot.expiry})`,
        got: `expiry ${scan.expiry}`,
      };
  }
  const units = per * (scan.count || 1);
  const left = remaining(line) - counted;
  if (units > left) return { ok: false, code: "over_pick", left, units };
  return { ok: true, units };
}

/* The quantity to offer after the scans so far: one single unit scanned means "scan one, key
 * the rest" (the line's remaining quantity); more scans, or a pack, means the picker is
 * counting by scanning (what they scanned). */
export function offeredQuantity(line, counted, scans) {
  if (scans <= 1 && counted === 1) return remaining(line);
  return Math.min(counted, remaining(line));
}

/* The tote slot of a line's order: {slot, order, tote} from the task's totes. */
export function toteSlot(task, line) {
  return (
    (task?.totes || []).find((t) => t.order.id === line.order.id) || {
      slot: line.slot ?? null,
      order: line.order,
      tote: null,
    }
  );
}

/* A tote scan for `line`:
 *   {ok: true, code, binds}  the tote (binds: the first tote of this order on this task)
 *   {ok: false, code: "wrong_tote", bound, other}  bound: the order's own tote;
 *                                                  other: the slot this tote is bound to. */
export function checkToteScan(task, line, scan) {
  const code = upper(scan.code || scan.sscc || scan.gtin || scan.text);
  if (!code) return { ok: false, code: "wrong_tote", bound: null, other: null };
  const slot = toteSlot(task, line);
  if (slot.tote) {
    if (upper(slot.tote.code) === code) return { ok: true, code: slot.tote.code, binds: false };
    return { ok: false, code: "wrong_tote", bound: slot.tote, other: otherSlot(task, slot, code) };
  }
  const other = otherSlot(task, slot, code);
  if (other) return { ok: false, code: "wrong_tote", bound: null, other };
  return { ok: true, code, binds: true };
}

function otherSlot(task, slot, code) {
  return (
    (task?.totes || []).find(
      (t) => t.order.id !== slot.order.id && t.tote && upper(t.tote.code) === code,
    ) || null
  );
}

/* The task as it stands after a pick (local copy, until the server's copy replaces it). */
export function applyPick(task, lineId, quantity, toteCode) {
  const lines = task.lines.map((l) => {
    if (l.id !== lineId) return l;
    const picked = (l.picked || 0) + quantity;
    const done = picked + (l.short || 0) >= l.quantity;
    return { ...l, picked, status: done ? "picked" : l.status };
  });
  const line = task.lines.find((l) => l.id === lineId);
  const totes = bindTote(task, line, toteCode);
  return { ...task, lines, totes };
}

/* The task after a short: found units picked, the rest of the line short (the server may add
 * a line from another bin: it comes with the server's copy). */
export function applyShort(task, lineId, found, toteCode) {
  const lines = task.lines.map((l) => {
    if (l.id !== lineId) return l;
    const picked = (l.picked || 0) + found;
    return { ...l, picked, short: l.quantity - picked, status: "short" };
  });
  const line = task.lines.find((l) => l.id === lineId);
  const totes = found > 0 && toteCode ? bindTote(task, line, toteCode) : task.totes || [];
  return { ...task, lines, totes };
}

function bindTote(task, line, toteCode) {
  const totes = (task.totes || []).slice();
  if (!line || !toteCode) return totes;
  const i = totes.findIndex((t) => t.order.id === line.order.id);
  if (i < 0)
    totes.push({
      slot: line.slot ?? totes.length + 1,
      order: line.order,
      tote: { code: toteCode },
    });
  else if (!totes[i].tote) totes[i] = { ...totes[i], tote: { code: toteCode } };
  return totes;
}

/* The device's copy of the task with the server's answer for one line (picked, short, status). */
export function mergeLine(task, serverLine) {
  if (!serverLine) return task;
  const lines = task.lines.map((l) =>
    l.id === serverLine.id
      ? {
          ...l,
          picked: serverLine.picked ?? l.picked,
          short: serverLine.short ?? l.short,
          status: serverLine.status ?? l.status,
        }
      : l,
  );
  return { ...task, lines };
}

/* The totes that hold something (what goes to packing when the task is done). */
export function filledTotes(task) {
  const picked = new Set(
    (task?.lines || []).filter((l) => (l.picked || 0) > 0).map((l) => l.order.id),
  );
  return (task?.totes || []).filter((t) => t.tote && picked.has(t.order.id));
}
