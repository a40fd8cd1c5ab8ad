// Local checks for packing and shipping, against the order the pack station has looked up:
// which order line an item scan is for, whether any of it is left to pack (wrong_item), whether
// a scan would put more in than was picked (over_pack), which carton type a scan names, what a
// typed weight is in grams, whether a scan is a carton's SSCC. The server checks again on
// every call (packing needs the network); these decide what the packer hears first.
// Pure functions of plain data: no DOM, no network (tests/unit/js/run_pick_rules.mjs).

import { canonicalCode, scanKeys } from "../gs1.js";

/* How many base units one scan is, if the line's item knows the barcode: a pack level's
 * quantity (when the view lists packs), else 1; null when it is not this item's barcode. */
function unitsFor(item, keys) {
  for (const pack of item.packs || []) {
    const codes = (pack.barcodes || []).map(canonicalCode);
    if (keys.some((k) => codes.includes(k))) return Math.max(1, pack.quantity || 1);
  }
  const codes = (item.barcodes || []).map((b) => canonicalCode(b.code ?? b));
  return keys.some((k) => codes.includes(k)) ? 1 : null;
}

/* An item scan at the pack station:
 *   {ok: true, line, units}   units: known units of one scan (null: the server counts it)
 *   {ok: false, code: "wrong_item", line|null}  not on the order, or nothing left of it
 *   {ok: false, code: "over_pack", line, units} more than is left to pack
 *   {ok: null}                not a barcode this device knows: the server decides */
export function checkPackScan(view, scan) {
  const keys = scanKeys(scan);
  const lines = view?.lines || [];
  const matches = [];
  for (const line of lines) {
    const per = unitsFor(line.item, keys);
    if (per !== null) matches.push({ line, per });
  }
  if (!matches.length) return { ok: null };
  // Several lines of one item: the first one with something left, as the server picks.
  const open = matches.find((m) => m.line.to_pack > 0);
  if (!open) return { ok: false, code: "wrong_item", line: matches[0].line };
  const units = open.per * (scan.count || 1);
  if (units > open.line.to_pack) return { ok: false, code: "over_pack", line: open.line, units };
  return { ok: true, line: open.line, units };
}

/* Units still to pack on the order (picked, not yet in a carton). */
export function toPackTotal(view) {
  return (view?.lines || []).reduce((sum, l) => sum + Math.max(0, l.to_pack || 0), 0);
}

/* The order's open carton (one at a time per packer), or null. */
export function openCarton(view) {
  return (view?.cartons || []).find((c) => c.status === "open") || null;
}

/* The carton type a scan (or a tap) names: its code is its barcode. */
export function cartonTypeFor(types, scan) {
  const code = String(scan.code || scan.text || "")
    .trim()
    .toUpperCase();
  return (types || []).find((t) => t.code.toUpperCase() === code) || null;
}

/* A weight typed in kilograms ("1.25", "1,25", "0.8") as whole grams; null if unreadable,
 * zero or more than 3 decimals (a scale shows grams at most). Exact: no binary floats. */
export function weightGrams(text) {
  const m = /^\s*(\d{1,4})(?:[.,](\d{1,3}))?\s*(?:kg)?\s*$/i.exec(String(text ?? ""));
  if (!m) return null;
  const grams = Number(m[1]) * 1000 + Number((m[2] || "").padEnd(3, "0") || 0);
  return grams > 0 ? grams : null;
}

/* The SSCC a carton label scan carries (AI 00, or 18 bare digits), else null. */
export function ssccOf(scan) {
  if (scan.sscc) return scan.sscc;
  const text = String(scan.text || "").trim();
  return /^\d{18}$/.test(text) ? text : null;
}

/* Is this SSCC already on the shipment? */
export function onShipment(shipment, sscc) {
  return (shipment?.cartons || []).some((c) => c.sscc === sscc);
}
