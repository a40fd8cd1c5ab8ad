// Local checks for putaway, against the task this device has saved: is this scan the task's
// item or LPN, is it the suggested bin. The server checks again on every confirmation.

import { canonicalCode, scanKeys } from "../gs1.js";

/* Every code that identifies what a task moves: item barcodes (all pack levels), the LPN. */
export function taskCodes(task) {
  const codes = [...(task?.barcodes || []), ...(task?.item_barcodes || []).map((b) => b.code)];
  if (task?.container_barcode) codes.push(task.container_barcode);
  if (task?.container?.code) codes.push(task.container.code);
  return new Set(codes.map(canonicalCode));
}

export function scanMatchesTask(task, scan) {
  const codes = taskCodes(task);
  return scanKeys(scan).some((k) => codes.has(k));
}

/* Of several tasks for the scanned item, the one of the scanned lot, else the oldest. */
export function pickTask(candidates, scan) {
  if (scan.lot) {
    const lot = scan.lot.toUpperCase();
    const sameLot = candidates.find((t) => (t.lot?.code || "").toUpperCase() === lot);
    if (sameLot) return sameLot;
  }
  return candidates[0];
}

export function isSuggestedBin(task, scan) {
  const sug = task.suggested_location;
  if (!sug) return false;
  const scanned = scanKeys(scan);
  return [sug.code, sug.barcode]
    .filter(Boolean)
    .map(canonicalCode)
    .some((c) => scanned.includes(c));
}
