// Local rules for counting, against the count task this device has saved: is this scan the
// task's bin, which item a scan is (a case counts its pack), may this task count it (an
// item-specific task counts one item, a recount only the items being recounted), the
// quantity keypad, what this counter has counted here, and how each outcome is said.
//
// Blind by design: nothing here knows or shows what the ledger expects. The task carries no
// expected quantity, and whether an item was expected in the bin is the server's answer
// (`unexpected`) after the count is recorded, never a check before it: an item that should
// not be there is counted and recorded, not refused.
//
// Policy (the server's words; it checks every line again):
// - wrong_location: the scan is not the task's bin (code or bin barcode);
// - wrong_item: an item-specific task and another item;
// - not_in_recount: a recount and an item that is not being recounted.
// Pure functions of plain data: no DOM, no network (tests/unit/js/run_count_rules.mjs).

import { canonicalCode, scanKeys } from "../gs1.js";

// Digits a count may have (a million units in one bin is already a mistake to look at).
export const MAX_DIGITS = 6;

const upper = (v) =>
  String(v ?? "")
    .trim()
    .toUpperCase();

/* A recount (the second count, by another worker): attempt 2. */
export function isRecount(task) {
  return !!task && (task.attempt === 2 || task.status === "recount");
}

/* Is the scan the task's bin (its code or its barcode)? */
export function isTaskBin(task, scan) {
  const loc = task?.location;
  const codes = [loc?.code, loc?.barcode].filter(Boolean).map(canonicalCode);
  return scanKeys(scan).some((k) => codes.includes(k));
}

/* The barcodes the task itself knows ({code, quantity} each), per item: the task's item and
 * the items being recounted. What a scan is can be told from these with no network. */
export function taskBarcodes(task) {
  const out = [];
  const add = (item) => {
    if (!item) return;
    for (const b of item.barcodes || []) {
      const code = typeof b === "string" ? b : b.code;
      const per = Math.max(1, Number(typeof b === "string" ? 1 : b.quantity) || 1);
      out.push({ code: canonicalCode(code), per, item: plainItem(item) });
    }
  };
  add(task?.item);
  for (const r of task?.recount_items || []) add(r.item);
  return out;
}

function plainItem(item) {
  return { id: item.id, sku: item.sku, name: item.name };
}

/* What the server said a code is (/barcodes/resolve) as a barcode entry, or null when it
 * is not an item. A pack counts its quantity; a plain item barcode counts one. */
export function entryFromResolution(resolved) {
  if (!resolved || resolved.kind !== "item" || !resolved.item) return null;
  const per = Math.max(1, Number(resolved.pack?.quantity) || 1);
  const code = canonicalCode(resolved.cleaned || resolved.raw || "");
  return { code, per, item: plainItem(resolved.item) };
}

/* The barcode entry this scan is ({code, per, item}), from the known entries, or null. */
export function entryForScan(entries, scan) {
  const keys = scanKeys(scan);
  if (!keys.length) return null;
  return (entries || []).find((e) => keys.includes(e.code)) || null;
}

/* May this task count the item the scan is?
 *   {ok: true, entry}           yes (entry: the item and how many units one of it is)
 *   {ok: false, code, wanted}   wrong_item (wanted: the task's item) or not_in_recount
 *                               (wanted: the items being recounted)
 *   {ok: null}                  the device cannot tell what it is: ask the server (online)
 *                               or take it and let the server check it when it is sent. */
export function checkItemScan(task, scan, known = []) {
  const own = taskBarcodes(task);
  const entry = entryForScan(own, scan) || entryForScan(known, scan);
  // A task whose items came with no barcodes cannot say "no" here: the server decides.
  const unsure = !entry && own.length === 0;
  if (task?.item) {
    if (entry && entry.item.id === task.item.id) return { ok: true, entry };
    if (unsure) return { ok: null };
    return { ok: false, code: "wrong_item", wanted: [{ item: plainItem(task.item), lots: [] }] };
  }
  if (isRecount(task) && (task.recount_items || []).length) {
    const ids = new Set(task.recount_items.map((r) => r.item.id));
    if (entry && ids.has(entry.item.id)) return { ok: true, entry };
    if (unsure) return { ok: null };
    return { ok: false, code: "not_in_recount", wanted: recountItems(task) };
  }
  return entry ? { ok: true, entry } : { ok: null };
}

/* The items a recount asks for, each once (a lot-tracked item may come with several lots). */
export function recountItems(task) {
  const seen = new Map();
  for (const r of task?.recount_items || []) {
    const have = seen.get(r.item.id) || { item: plainItem(r.item), lots: [] };
    if (r.lot?.code) have.lots.push(r.lot.code);
    seen.set(r.item.id, have);
  }
  return [...seen.values()];
}

/* What one of the scanned thing is, in words: "each", or "case of 12". */
export function packWords(per) {
  return per > 1 ? `case of ${per}` : "each";
}

/* The quantity question for a pack: "How many?" or "How many cases of 12?". */
export function quantityQuestion(per) {
  return per > 1 ? `How many cases of ${per}?` : "How many?";
}

/* Base units for `quantity` of a pack of `per` (null when the pack is not known here). */
export function unitsFor(quantity, per) {
  if (per == null) return null;
  return quantity * per;
}

/* The keypad: {text, fresh} after a key. A digit replaces a fresh value (the one offered by
 * the scans so far) and appends otherwise; "back" removes the last digit; "clear" empties. */
export function pressKey(state, key) {
  const text = state.fresh ? "" : state.text;
  if (key === "clear") return { text: "", fresh: false };
  if (key === "back") return { text: state.fresh ? "" : text.slice(0, -1), fresh: false };
  if (!/^\d$/.test(key)) return state;
  const next = (text === "0" ? "" : text) + key;
  if (next.length > MAX_DIGITS) return { text, fresh: false };
  return { text: next, fresh: false };
}

/* The quantity the keypad holds, or null while it is empty. */
export function keypadValue(state) {
  if (!state || state.text === "") return null;
  const n = Number(state.text);
  return Number.isInteger(n) && n >= 0 ? n : null;
}

/* The same item scanned again while its quantity is asked: one more of it. */
export function scannedOnce(state) {
  const n = keypadValue(state) ?? 0;
  const next = String(Math.min(n + 1, 10 ** MAX_DIGITS - 1));
  return { text: next, fresh: true };
}

const lotKey = (lot) => upper(typeof lot === "string" ? lot : lot?.code);

/* What this counter has counted in the bin with one more line: a line of the same item and
 * lot replaces the one before (entering a count again corrects it, as the server does). */
export function mergeCounted(counted, line) {
  const same = (c) =>
    (c.item?.id != null && line.item?.id != null
      ? c.item.id === line.item.id
      : upper(c.item?.sku) === upper(line.item?.sku)) && lotKey(c.lot) === lotKey(line.lot);
  return [...(counted || []).filter((c) => !same(c)), line];
}

/* A count line as the device shows it before the server has it (offline). */
export function localLine(entry, scan, quantity, lot) {
  const item = entry ? entry.item : { id: null, sku: scan.text, name: "not checked yet" };
  return {
    item,
    lot: lot ? { id: null, code: lot } : null,
    counted_qty: entry ? quantity * entry.per : null,
    unexpected: null,
    pending: true,
  };
}

/* The body of a count line: the bin and the item as scanned (the server reads them again),
 * how many of the scanned pack, and the GS1 lot and expiry when the scan carries them. */
export function lineBody({ binRaw, itemRaw, quantity, lot, expiry }) {
  const body = { location: binRaw, barcode: itemRaw, quantity };
  if (lot) body.lot = lot;
  if (expiry) body.expiry = expiry;
  return body;
}

/* How the server's outcome of a bin is said: the feedback kind, and the words. */
export const OUTCOMES = {
  matched: { kind: "success", tone: "ok", title: "Count matched", text: "Count matched." },
  adjusted: {
    kind: "success",
    tone: "ok",
    title: "Counted",
    text: "Small difference posted.",
  },
  recount: {
    kind: "warn",
    tone: "warn",
    title: "Recount",
    text: "A second counter will check this bin.",
  },
  approval: {
    kind: "warn",
    tone: "warn",
    title: "Supervisor",
    text: "Waiting for a supervisor.",
  },
};

export function outcomeWords(outcome) {
  return (
    OUTCOMES[outcome] || {
      kind: "info",
      tone: "info",
      title: "Bin done",
      text: "The count was recorded.",
    }
  );
}

const REASONS = {
  short_pick: "After a short pick",
  refused_putaway: "After a refused putaway",
  empty_bin: "Bin went empty",
  abc: "Scheduled count",
  adhoc: "Count requested",
};

export function reasonWords(reason) {
  return REASONS[reason] || "Count";
}
