// Local checks for receiving, against the PO's scan context saved on this device: which line
// a scan is for, whether a scan is a dock (or an LPN on one), whether a quantity goes over
// the order. The server checks again on every confirmation; these decide what the worker
// hears now, online or not.

import { canonicalCode, scanKeys } from "../gs1.js";

/* Ordered plus the supplier's tolerance, rounded down to whole units, as the server does it:
 * in exact decimals (binary floats make 375 at 18.40 % 68.999... units, not 69). The API
 * sends the percentage as a decimal string; a number or nothing works too. */
export function allowedTotal(ordered, tolerancePct) {
  const m = /^\s*(-?)(\d*)(?:\.(\d*))?\s*$/.exec(String(tolerancePct ?? "0"));
  if (!m || !(m[2] || m[3])) return ordered; // unreadable: no tolerance
  const decimals = m[3] || "";
  const scaled = BigInt(`${m[1]}${m[2] || "0"}${decimals}`); // pct * 10^decimals
  const per = 100n * 10n ** BigInt(decimals.length);
  const product = BigInt(ordered) * scaled;
  let extra = product / per; // BigInt division truncates toward zero: floor it
  if (product % per !== 0n && product < 0n) extra -= 1n;
  return ordered + Number(extra);
}

/* {line, barcode} for the PO line this scan is for, or null: not on this PO. */
export function lineForScan(lines, scan) {
  const wanted = scanKeys(scan);
  const matches = [];
  for (const line of lines) {
    for (const b of line.barcodes || []) {
      if (wanted.includes(canonicalCode(b.code))) matches.push({ line, barcode: b });
    }
  }
  // Several lines of one item: the first one still open, as the server picks.
  const open = matches.find(
    (m) => m.line.ordered == null || (m.line.received ?? 0) < m.line.ordered,
  );
  return open || matches[0] || null;
}

/* Where received stock may go: a dock location, or an LPN standing on one. */
export function dockForScan(context, scan) {
  const code = (scan.code || scan.text || "").toUpperCase();
  const dock = (context.dock_locations || []).find((d) => d.code.toUpperCase() === code);
  if (dock) return { to_location: dock.code, label: dock.code };
  const lpn = (context.dock_containers || []).find((c) => c.code.toUpperCase() === code);
  if (lpn) return { to_container: lpn.code, label: `LPN ${lpn.code}` };
  return null;
}

/* {allowed} if receiving `quantity` more would pass the line's limit; null if it fits or
 * the counts are hidden (blind receipt: the server alone decides). */
export function overReceipt(line, quantity, tolerancePct) {
  if (!line || line.ordered == null || line.received == null) return null;
  const allowed = allowedTotal(line.ordered, tolerancePct);
  return line.received + quantity > allowed ? { allowed } : null;
}
