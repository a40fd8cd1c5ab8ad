// Local rules for inspecting returns, against the RMA this device has saved: the lines still
// awaiting inspection, which line an item scan is for, the five dispositions and where each
// sends the units, the credit choices and a restocking fee as typed (money stays a decimal
// string, never a float), the full credit a line would get, and the return after an
// inspection saved on the device. The server checks and works out the credit again.
// Pure functions of plain data: no DOM, no network (tests/unit/js/run_returns_rules.mjs).

import { canonicalCode, scanKeys } from "../gs1.js";

/* The dispositions, in the order a worker meets them; `bin` means a storage bin is scanned. */
export const DISPOSITIONS = [
  { code: "sellable", label: "Sellable", sub: "Back to stock: scan a bin", to: "bin" },
  { code: "damaged", label: "Damaged", sub: "To quarantine", to: "quarantine" },
  { code: "refurbish", label: "Refurbish", sub: "To the refurbishment bench", to: "refurbish" },
  { code: "rtv", label: "Return to vendor", sub: "To the RTV shelf", to: "rtv" },
  { code: "scrap", label: "Scrap", sub: "Written off", to: "scrap" },
];

export const CREDITS = [
  { code: "full", label: "Full credit", sub: "The whole price" },
  { code: "partial", label: "Partial credit", sub: "Less a restocking fee" },
  { code: "none", label: "No credit", sub: "Nothing back" },
];

export const disposition = (code) => DISPOSITIONS.find((d) => d.code === code) || null;
export const creditChoice = (code) => CREDITS.find((c) => c.code === code) || null;

/* Lines with units received and not yet inspected, in line order. */
export function awaitingLines(rma) {
  return (rma?.lines || [])
    .filter((l) => awaiting(l) > 0 && !l.local)
    .slice()
    .sort((a, b) => (a.line_no ?? 1e9) - (b.line_no ?? 1e9) || String(a.id).localeCompare(b.id));
}

export function awaiting(line) {
  if (!line) return 0;
  if (line.awaiting_inspection != null) return Math.max(0, line.awaiting_inspection);
  return Math.max(0, (line.received_qty || 0) - (line.inspected_qty || 0));
}

/* The awaiting line an item scan is for (its lot first, if the scan has one), else null. */
export function lineForItemScan(rma, scan) {
  const keys = scanKeys(scan);
  if (!keys.length) return null;
  const lines = awaitingLines(rma).filter((l) =>
    (l.item?.barcodes || []).some((b) =>
      keys.includes(canonicalCode(typeof b === "string" ? b : b.code)),
    ),
  );
  if (scan.lot) {
    const lot = String(scan.lot).toUpperCase();
    const same = lines.find((l) => (l.lot?.code || "").toUpperCase() === lot);
    if (same) return same;
  }
  return lines[0] || null;
}

// --- money: decimal strings, worked in hundredths (or ten-thousandths) as BigInt -----------

/* A decimal string (or number) as a BigInt of 10^-scale units, rounded half up; else null. */
function scaled(text, scale) {
  const m = /^\s*(\d*)(?:[.,](\d*))?\s*$/.exec(String(text ?? ""));
  if (!m || !(m[1] || m[2])) return null;
  const frac = m[2] || "";
  const keep = frac.slice(0, scale).padEnd(scale, "0");
  let value = BigInt(m[1] || "0") * 10n ** BigInt(scale) + BigInt(keep || "0");
  if (frac.length > scale && Number(frac[scale]) >= 5) value += 1n;
  return value;
}

function cents(value) {
  const sign = value < 0n ? "-" : "";
  const abs = value < 0n ? -value : value;
  return `${sign}${abs / 100n}.${String(abs % 100n).padStart(2, "0")}`;
}

/* A restocking fee as typed: "" -> {fee: null} (the server's default fee); "2.5" or "2,50"
 * -> {fee: "2.50"}; anything else (letters, more than 2 decimals, negative) -> {error}. */
export function parseFee(text) {
  const t = String(text ?? "").trim();
  if (!t) return { fee: null };
  if (!/^\d{1,10}(?:[.,]\d{1,2})?$/.test(t))
    return { error: "Type the fee as money, like 2.50 (or leave it empty)." };
  return { fee: cents(scaled(t, 2)) };
}

/* The full credit of `quantity` units at `unitPrice` (a decimal string), "12.50"; null when
 * the price is unknown (the server then credits nothing). Half up to the cent, as the server. */
export function fullCredit(unitPrice, quantity) {
  if (unitPrice === null || unitPrice === undefined || unitPrice === "") return null;
  const price = scaled(unitPrice, 4);
  if (price === null) return null;
  const total = price * BigInt(Math.max(0, Math.trunc(quantity || 0)));
  return cents((total + 50n) / 100n);
}

/* Is the fee within 0..full (both "x.yy")? An unknown full credit takes any fee. */
export function feeWithin(fee, full) {
  if (fee === null || full === null) return true;
  return scaled(fee, 2) <= scaled(full, 2);
}

/* The JSON body of an inspection (client_scan_id and device_id are added by the outbox). */
export function inspectionBody({ line, quantity, disposition, credit, fee, binRaw, photo }) {
  const body = { return_line_id: line.id, quantity, disposition, credit };
  if (credit === "partial" && fee) body.restocking_fee = fee;
  if (disposition === "sellable") body.location = binRaw;
  if (photo?.id) body.photo_id = photo.id;
  return body;
}

/* The return after `quantity` units of a line were inspected on this device. */
export function applyInspection(rma, lineId, quantity) {
  const lines = (rma.lines || []).map((l) =>
    l.id === lineId
      ? {
          ...l,
          inspected_qty: (l.inspected_qty || 0) + quantity,
          awaiting_inspection: Math.max(0, awaiting(l) - quantity),
        }
      : l,
  );
  return { ...rma, lines };
}

/* Is the scan this bin (code or barcode)? */
export function isBin(location, scan) {
  if (!location) return false;
  const keys = scanKeys(scan);
  return [location.code, location.barcode]
    .filter(Boolean)
    .map(canonicalCode)
    .some((c) => keys.includes(c));
}

/* A photo's size once scaled to fit `max` pixels on its long side (never enlarged). */
export function fitWithin(width, height, max) {
  const long = Math.max(width, height);
  if (!long || long <= max) return { width, height, scaled: false };
  const k = max / long;
  return {
    width: Math.max(1, Math.round(width * k)),
    height: Math.max(1, Math.round(height * k)),
    scaled: true,
  };
}
