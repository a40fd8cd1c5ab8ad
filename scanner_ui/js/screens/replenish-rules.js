// Local rules for replenishment, against the task this device has saved: is this scan the
// pick face, one of the reserve bins the task may take from (its `sources`: the server's
// candidates, best first, at most SOURCES_MAX), the task's item (which barcode, so how many
// units one scan is: a case counts its pack), a lot that bin holds, and how many packs the
// move may take (what the task still needs, and what the bin holds). They decide what the
// worker hears now, online or in a dead spot; the server checks every move again.
//
// Policy (the server's words; it answers with the same codes):
// - wrong_source: the pick face itself (a face is refilled from reserve, never from a face),
//   or a bin that holds none of the item in reserve;
// - wrong_item: none of the item's barcodes (any pack level) nor its SKU typed in;
// - wrong_lot: the scan carries a lot (or expiry) the source bin does not hold;
// - over_move: one scan of the pack is more than the task still needs (or the bin holds):
//   scan a smaller pack;
// - wrong_destination: the scan is not the pick face.
// Pure functions of plain data: no DOM, no network (tests/unit/js/run_replenish_rules.mjs).

import { canonicalCode, scanKeys } from "../gs1.js";

// The server lists at most this many sources: with a full list, a bin missing from it may
// still hold the item (the server decides).
export const SOURCES_MAX = 10;

const upper = (v) =>
  String(v ?? "")
    .trim()
    .toUpperCase();

/* Is the scan this bin (its code or its barcode)? */
export function isBin(bin, scan) {
  const codes = [bin?.code, bin?.barcode].filter(Boolean).map(canonicalCode);
  return scanKeys(scan).some((k) => codes.includes(k));
}

/* Is the scan the task's pick face (where the stock goes)? */
export function isFace(task, scan) {
  return isBin(task?.to_location, scan);
}

/* What the task still needs moved (units). */
export function remaining(task) {
  if (!task) return 0;
  if (task.remaining != null) return Math.max(0, task.remaining);
  return Math.max(0, (task.quantity || 0) - (task.moved || 0));
}

/* The source entries ({location, lot, quantity}, one per bin and lot) at the scanned bin. */
export function sourcesAt(task, scan) {
  return (task?.sources || []).filter((s) => s.quantity > 0 && isBin(s.location, scan));
}

/* A source bin scan:
 *   {ok: true, entries, bin}      a reserve bin holding the item (entries: its lots)
 *   {ok: false, code: "wrong_source", face: true}   the task's own pick face
 *   {ok: false, code: "wrong_source", face: false, sure}  not one of the task's sources;
 *        sure: the device's list is complete (fewer than SOURCES_MAX), so the bin holds
 *        none of the item as far as the task knows; else only the server can tell. */
export function checkSourceScan(task, scan) {
  if (isFace(task, scan)) return { ok: false, code: "wrong_source", face: true, sure: true };
  const entries = sourcesAt(task, scan);
  if (entries.length) return { ok: true, entries, bin: entries[0].location };
  const sure = (task?.sources || []).length < SOURCES_MAX;
  return { ok: false, code: "wrong_source", face: false, sure };
}

/* How many base units one scan of this item barcode is: its pack's quantity (times a GS1
 * count), 1 for the SKU typed in; null when the scan is none of the item's codes. */
export function unitsPerScan(item, scan) {
  if (!item) return null;
  const keys = scanKeys(scan);
  const times = scan.count && scan.count > 0 ? scan.count : 1;
  for (const b of item.barcodes || []) {
    const code = typeof b === "string" ? b : b.code;
    if (keys.includes(canonicalCode(code))) {
      const per = Math.max(1, Number(typeof b === "string" ? 1 : b.quantity) || 1);
      return per * times;
    }
  }
  if (item.sku && upper(scan.text) === upper(item.sku)) return 1;
  return null;
}

const lotOf = (entry) => entry?.lot?.code ?? null;

/* Whether a source entry holds the lot (and expiry) a scan carries. */
function entryFits(entry, scan) {
  if (scan.lot && upper(lotOf(entry)) !== upper(scan.lot)) return false;
  if (scan.expiry && entry.lot?.expiry && entry.lot.expiry !== scan.expiry) return false;
  return true;
}

/* The entries of the source bin a move of this scan may take from (its lot's, if it names
 * one; else every lot of the bin). */
export function usableEntries(entries, scan) {
  if (!scan || (!scan.lot && !scan.expiry)) return entries || [];
  return (entries || []).filter((e) => entryFits(e, scan));
}

/* Units the source holds for this scan (the scanned lot's, if it names one); entries null:
 * a bin the device cannot judge (taken to be checked when sent), no limit known here. */
export function held(entries, scan) {
  if (entries === null) return Infinity;
  return usableEntries(entries, scan).reduce((n, e) => n + (e.quantity || 0), 0);
}

/* Units a move from these entries may take: what the task needs, at most what the bin holds. */
export function movable(task, entries, scan) {
  return Math.min(remaining(task), held(entries, scan));
}

/* An item scan at the source bin:
 *   {ok: true, per}               one scan is `per` base units
 *   {ok: false, code: "wrong_item"}
 *   {ok: false, code: "wrong_lot", wanted: [lot codes], got}
 *   {ok: false, code: "over_move", per, left}  one scan of this pack is more than may move */
export function checkItemScan(task, entries, scan) {
  const per = unitsPerScan(task?.item, scan);
  if (per === null) return { ok: false, code: "wrong_item" };
  const lots = [...new Set((entries || []).map(lotOf).filter(Boolean))]; // what the bin holds
  if ((scan.lot || scan.expiry) && entries !== null && !usableEntries(entries, scan).length)
    return { ok: false, code: "wrong_lot", wanted: lots, got: scan.lot || scan.expiry };
  const left = movable(task, entries, scan.lot || scan.expiry ? scan : null);
  if (per > left) return { ok: false, code: "over_move", per, left };
  return { ok: true, per };
}

/* The most packs of `per` units a move may take. */
export function maxPacks(task, entries, scan, per) {
  return Math.floor(movable(task, entries, scan) / Math.max(1, per));
}

/* Packs to offer after `scans` scans of the item: one scan offers the whole move (scan one,
 * take the rest: the suggested quantity in this pack); more scans count by scanning. */
export function offeredPacks(max, scans) {
  if (scans <= 1) return max;
  return Math.min(scans, max);
}

/* A +/- tap on the quantity: kept within 1..max. */
export function stepPacks(value, delta, max) {
  const n = (Number.isInteger(value) ? value : 0) + delta;
  return Math.max(Math.min(n, max), Math.min(1, max));
}

/* A number keyed in: kept within 0..max (null while nothing is keyed). */
export function clampPacks(value, max) {
  if (value === null || value === undefined) return null;
  return Math.max(0, Math.min(value, max));
}

/* What one of the scanned thing is, in words: "each", or "case of 12". */
export function packWords(per) {
  return per > 1 ? `case of ${per}` : "each";
}

/* A move in words: "3 × SKU-1", or "2 cases × SKU-1 (24 units)". */
export function moveWords(packs, per, sku) {
  if (per > 1)
    return `${packs} ${packs === 1 ? "case" : "cases"} × ${sku} (${packs * per} units)`;
  return `${packs} × ${sku}`;
}

/* A lot in words: "L1 (exp 2031-01-15)", or null. */
export function lotWords(lot) {
  if (!lot?.code) return null;
  return lot.expiry ? `${lot.code} (exp ${lot.expiry})` : lot.code;
}

/* The body of a move: every scan as scanned (the server reads them again) and how many of
 * the scanned pack. */
export function moveBody({ fromRaw, itemRaw, packs, toRaw }) {
  return { from_bin: fromRaw, item: itemRaw, quantity: packs, to_bin: toRaw };
}

/* The task as it stands after a move saved on the device (until the server's copy replaces
 * it): moved on, the source bin's stock down (the scanned lot's, else FEFO as the server
 * takes it: the order the entries came in), done once nothing remains. */
export function applyMove(task, { binCode, units, scan = null }) {
  const moved = (task.moved || 0) + units;
  const left = Math.max(0, remaining(task) - units);
  let take = units;
  const fits = (s) =>
    upper(s.location.code) === upper(binCode) && (!scan || entryFits(s, scan)) && s.quantity > 0;
  const sources = (task.sources || [])
    .map((s) => {
      if (take <= 0 || !fits(s)) return s;
      const q = Math.min(take, s.quantity);
      take -= q;
      return { ...s, quantity: s.quantity - q };
    })
    .filter((s) => s.quantity > 0);
  return {
    ...task,
    moved,
    remaining: left,
    status: left === 0 ? "done" : task.status,
    sources,
    suggested_source: left === 0 ? null : suggestion(sources, left),
  };
}

function suggestion(sources, left) {
  const first = sources[0];
  if (!first) return null;
  return { location: first.location, lot: first.lot, quantity: Math.min(first.quantity, left) };
}

/* Where the worker is sent to take from: the server's suggestion, else the best source. */
export function suggestedSource(task) {
  if (!task || remaining(task) === 0) return null;
  return task.suggested_source || suggestion(task.sources || [], remaining(task));
}

/* Is the task finished (everything moved, or closed)? */
export function isDone(task) {
  return !!task && (task.status === "done" || task.status === "cancelled" || remaining(task) === 0);
}

/* Where the worker is sent instead, in words. */
function whereToTake(task) {
  const src = suggestedSource(task);
  return src ? `Go to ${src.location.code}.` : `Take ${task.item.sku} from a reserve bin.`;
}

/* Why a source scan is refused ({title, text, shown}): from the device's copy (resolved
 * null), or with the server's reading of the code (/barcodes/resolve). */
export function sourceRefusal(task, scan, resolved, faceScan) {
  const sku = task.item.sku;
  const go = whereToTake(task);
  if (faceScan)
    return {
      title: "That is the pick face",
      text: `${task.to_location.code} is the pick face you refill. Take from reserve: ${go}`,
    };
  const loc = resolved?.kind === "location" ? resolved.location : null;
  if (loc?.type === "pick_face")
    return { title: "A pick face", text: `${loc.code} is a pick face: refill from reserve. ${go}` };
  if (resolved?.kind === "item")
    return { title: "Scan the bin first", text: `That is ${resolved.item.sku}: scan a bin label.` };
  if (resolved?.kind === "container")
    return {
      title: "A container",
      text: `${resolved.container.code} is a container: scan the bin.`,
    };
  if (resolved?.kind === "unknown")
    return { title: "Unknown barcode", text: `${scan.text} is no bin we know. ${go}` };
  const code = loc ? loc.code : scan.text;
  return {
    title: "Wrong bin",
    text: `${code} holds no ${sku} to take. ${go}`,
    shown: `Wrong bin: ${code} holds no ${sku} to take. ${go}`,
  };
}

/* Why an item scan at the source bin is refused ({title, text}), from checkItemScan's answer. */
export function itemRefusal(task, fromCode, r, scan) {
  const sku = task.item.sku;
  if (r.code === "wrong_lot")
    return {
      title: "Wrong lot",
      text: r.wanted.length
        ? `${fromCode} holds lot ${r.wanted.join(", ")}, not ${r.got}.`
        : `${fromCode} holds no lot ${r.got}.`,
    };
  if (r.code === "over_move")
    return {
      title: "Too many",
      text: `One scan of that is ${r.per}; only ${r.left} can move. Scan a single ${sku}.`,
    };
  return { title: "Wrong item", text: `${scan.text} is not ${sku} ${task.item.name}.` };
}

/* The step to ask next after the server refused a move (by its code): anything it cannot
 * place (a barcode it cannot read, a bin that is no location) starts the move again. */
export function stepAfterRefusal(code) {
  if (code === "wrong_source" || code === "insufficient_stock" || code === "over_move")
    return "source";
  if (code === "wrong_item" || code === "wrong_lot") return "item";
  if (code === "wrong_destination") return "dest";
  if (code === "task_not_yours" || code === "task_closed" || code === "not_found") return "start";
  return "source";
}
