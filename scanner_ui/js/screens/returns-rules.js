// Local checks for return receipt, against the RMA this device has saved: is a scan an RMA
// number, which return line an item scan is for (a case counts its pack quantity), would it
// be an over-return, what the receipt looks like after a scan. They decide what the worker
// hears now, online or in a dead spot; the server checks again on every scan (and only it
// knows the order's own lines: an item on no return line is sent, or, offline, offered for
// "Accept as flagged" straight away).
//
// Policy (the server's words, returns/rules.py `receipt_flag`, over the item's lines):
// - not_on_order: the item is on no line of the order (nor of the return);
// - over_return: more units of the item than the return expects of it.
// Pure functions of plain data: no DOM, no network (tests/unit/js/run_returns_rules.mjs).

import { canonicalCode, scanKeys } from "../gs1.js";

const RMA_RE = /^RMA\s*0*(\d{1,12})$/i;

/* The RMA's number as printed on its label: RMA + 7 digits, zero padded (RMA0000012). */
export function rmaNumber(id) {
  return `RMA${String(id).padStart(7, "0")}`;
}

/* The RMA id a scanned or typed text names (case and spaces do not matter), else null. */
export function parseRmaNumber(text) {
  const m = RMA_RE.exec(String(text ?? "").replace(/\s+/g, ""));
  if (!m) return null;
  const id = Number(m[1]);
  return Number.isSafeInteger(id) && id > 0 ? id : null;
}

/* The server's receipt check: null when `adding` units fit, else the flag it would raise. */
export function receiptFlag(expectedQty, receivedQty, adding, onOrder) {
  if (!onOrder) return "not_on_order";
  if (receivedQty + adding > expectedQty) return "over_return";
  return null;
}

/* A receipt is closed, or the return no longer takes units (completed, cancelled). */
export function receiptClosed(rma) {
  if (!rma) return true;
  return !!rma.receipt_closed_at || rma.status === "completed" || rma.status === "cancelled";
}

/* {line, perScan} for the return line this scan is for, or null: on no line. perScan is how
 * many base units one scan of that barcode is (its pack's quantity). Of several lines of one
 * item, the first that still expects units. */
export function lineForScan(rma, scan) {
  const keys = scanKeys(scan);
  if (!keys.length) return null;
  const matches = [];
  for (const line of rma?.lines || []) {
    for (const b of line.item?.barcodes || []) {
      const code = typeof b === "string" ? b : b.code;
      if (keys.includes(canonicalCode(code)))
        matches.push({ line, perScan: Math.max(1, (typeof b === "string" ? 1 : b.quantity) || 1) });
    }
  }
  if (scan.lot) {
    const lot = String(scan.lot).toUpperCase();
    const sameLot = matches.find((m) => (m.line.lot?.code || "").toUpperCase() === lot);
    if (sameLot) return sameLot;
  }
  const open = matches.find((m) => (m.line.received_qty || 0) < (m.line.expected_qty || 0));
  return open || matches[0] || null;
}

/* The base units one scan stands for: its pack's quantity times a GS1 count (AI 30/37), as
 * the server reads the same barcode (the request's quantity stays 1: one scan). */
export const unitsOfScan = (perScan, scan) => perScan * Math.max(1, scan?.count || 1);

/* An item scan into the return:
 *   {ok: true, line, units}                 it fits what the return expects of the item
 *   {ok: false, code: "over_return" | "not_on_order", line, units, expected, received}
 *   {ok: false, code: "not_on_return"}      on no line of this return (the server knows
 *                                           whether the order has it: it says which flag)
 * Expected and received are the item's totals over the return's lines, as the server
 * counts them; an item only on lines accepted as not on the order is still not on it. */
export function checkReceiveScan(rma, scan) {
  const found = lineForScan(rma, scan);
  if (!found) return { ok: false, code: "not_on_return" };
  const { line, perScan } = found;
  const units = unitsOfScan(perScan, scan);
  const mine = (rma.lines || []).filter((l) => l.item?.id === line.item?.id);
  const expected = mine.reduce((n, l) => n + (l.expected_qty || 0), 0);
  const received = mine.reduce((n, l) => n + (l.received_qty || 0), 0);
  const onOrder = mine.some((l) => l.order_line_id != null || l.flag !== "not_on_order");
  const flag = receiptFlag(expected, received, units, onOrder);
  if (!flag) return { ok: true, line, units };
  return { ok: false, code: flag, line, units, expected, received };
}

/* The return as it stands after units were received on this device (until the server's copy
 * replaces it). An item on no line (offline, accepted as flagged) gets a line of its own. */
export function applyReceipt(rma, { lineId = null, units, flag = null, label = "" }) {
  const now = new Date().toISOString();
  let lines = rma.lines || [];
  if (lineId != null) {
    lines = lines.map((l) =>
      l.id === lineId
        ? {
            ...l,
            received_qty: (l.received_qty || 0) + units,
            awaiting_inspection: (l.awaiting_inspection || 0) + units,
            flag: l.flag || flag,
          }
        : l,
    );
  } else {
    lines = [
      ...lines,
      {
        id: `local-${lines.length + 1}`,
        line_no: null,
        order_line_id: null,
        item: { id: null, sku: label, name: "(sends later)", barcodes: [] },
        lot: null,
        expected_qty: 0,
        received_qty: units,
        inspected_qty: 0,
        awaiting_inspection: 0, // inspected once the server knows the item
        flag: flag || "not_on_order",
        local: true,
      },
    ];
  }
  return {
    ...rma,
    lines,
    status: rma.status === "authorised" ? "arrived" : rma.status,
    arrived_at: rma.arrived_at || now,
  };
}

/* Expected and received units over the whole return (flagged extras count as received). */
export function receiptTotals(rma) {
  let expected = 0;
  let received = 0;
  for (const l of rma?.lines || []) {
    expected += l.expected_qty || 0;
    received += l.received_qty || 0;
  }
  return { expected, received };
}

/* The server closes the receipt by itself once every expected unit is in, nothing more, and
 * no line is flagged (a flagged receipt is closed by a worker, knowingly). */
export function closesByItself(rma) {
  const lines = rma?.lines || [];
  if (!lines.some((l) => (l.expected_qty || 0) > 0)) return false;
  return lines.every((l) => !l.flag && (l.received_qty || 0) === (l.expected_qty || 0));
}

/* What a worker reads when a scan is flagged: why, and what accepting means. */
export function flagText(flag, { sku = "", orderRef = "", expected = 0, received = 0 } = {}) {
  const what = sku || "This item";
  if (flag === "over_return") {
    const left = Math.max(0, expected - received);
    return `Over-return: ${what} — ${expected} expected, ${received} already in${
      left ? `, only ${left} more` : ""
    }.`;
  }
  if (flag === "not_on_order")
    return `Not on the order: ${what} was not sent on ${orderRef || "this order"}.`;
  return `Not on this return: ${what} is not expected${orderRef ? ` on ${orderRef}` : ""}.`;
}

/* A customer search the server takes: at least 3 characters. */
export function searchText(q) {
  const text = String(q ?? "").trim();
  return text.length >= 3 ? text : null;
}
