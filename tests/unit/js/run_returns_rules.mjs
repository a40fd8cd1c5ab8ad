// The scanner's local return receipt and inspection rules (scanner_ui/js/screens/
// returns-rules.js, inspect-rules.js) on scans read by the scanner's own GS1 reader (js/gs1.js).
// Prints {"passed": [names], "failed": {name: why}} as JSON and exits 1 if any rule failed.
// Run by tests/unit/test_scanner_returns_rules.py, or alone:
//   node tests/unit/js/run_returns_rules.mjs

import assert from "node:assert/strict";
import { dirname, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { runNamedRules } from "./named_rules.mjs";

const ui = resolve(dirname(fileURLToPath(import.meta.url)), "../../../scanner_ui/js");
const load = (p) => import(pathToFileURL(resolve(ui, p)).href);
const { gtinCheckDigit, parseScan } = await load("gs1.js");
const ret = await load("screens/returns-rules.js");
const ins = await load("screens/inspect-rules.js");

const gtin = (body) => `${body}${gtinCheckDigit(body)}`;
const scan = (raw) => parseScan(raw, { standIns: ["|"] });
const EACH1 = gtin("400638133393");
const CASE1 = gtin("1400638133393"); // a case of 4
const EACH2 = gtin("401234500001");
const STRANGER = gtin("590123412345");

const shoe = {
  id: 1,
  sku: "SHOE-42",
  name: "Trail shoe",
  barcodes: [
    { code: EACH1.padStart(14, "0"), quantity: 1 },
    { code: CASE1, quantity: 4 },
  ],
};
const sock = { id: 2, sku: "SOCK-1", name: "Socks", barcodes: [{ code: EACH2, quantity: 1 }] };

function rma() {
  return {
    id: 12,
    number: "RMA0000012",
    status: "authorised",
    order: { id: 5, external_id: "WEB-1001" },
    arrived_at: null,
    receipt_closed_at: null,
    lines: [
      {
        id: 31,
        line_no: 2,
        order_line_id: 9,
        item: sock,
        lot: null,
        expected_qty: 1,
        received_qty: 0,
        inspected_qty: 0,
        awaiting_inspection: 0,
        flag: null,
        unit_price: "4.9900",
      },
      {
        id: 30,
        line_no: 1,
        order_line_id: 8,
        item: shoe,
        lot: null,
        expected_qty: 6,
        received_qty: 1,
        inspected_qty: 0,
        awaiting_inspection: 1,
        flag: null,
        unit_price: "19.9900",
      },
    ],
  };
}
const line = (r, id) => r.lines.find((l) => l.id === id);

const tests = {
  "an RMA number is RMA and 7 digits, read back in any case and spacing"() {
    assert.equal(ret.rmaNumber(12), "RMA0000012");
    assert.equal(ret.rmaNumber(12345678), "RMA12345678");
    assert.equal(ret.parseRmaNumber("RMA0000012"), 12);
    assert.equal(ret.parseRmaNumber(" rma 0000012 "), 12);
    assert.equal(ret.parseRmaNumber(scan("RMA0000012").text), 12);
    for (const no of ["RMA", "RMA0000000", "WEB-1001", "RMA12X", "", null]) {
      assert.equal(ret.parseRmaNumber(no), null, String(no));
    }
  },
  "the receipt flag is the server's: not on the order, else more than expected"() {
    assert.equal(ret.receiptFlag(2, 0, 2, true), null);
    assert.equal(ret.receiptFlag(2, 1, 2, true), "over_return");
    assert.equal(ret.receiptFlag(0, 0, 1, false), "not_on_order");
    assert.equal(ret.receiptFlag(5, 0, 1, false), "not_on_order");
  },
  "an item scan is taken for its line and a case counts its pack quantity"() {
    const r = rma();
    const each = ret.checkReceiveScan(r, scan(EACH1));
    assert.deepEqual(each, { ok: true, line: line(r, 30), units: 1 });
    const cased = ret.checkReceiveScan(r, scan(CASE1));
    assert.deepEqual([cased.ok, cased.units], [true, 4]);
  },
  "a GS1 count multiplies the units a scan stands for"() {
    const r = rma();
    const two = ret.checkReceiveScan(r, scan(`]C101${EACH1.padStart(14, "0")}302`));
    assert.deepEqual([two.ok, two.units], [true, 2]);
  },
  "more than the line still expects is an over-return, flagged on the device"() {
    const r = rma();
    const over = ret.checkReceiveScan(r, scan(`]C101${CASE1}302`)); // 2 cases of 4: 8 units
    assert.equal(over.ok, false);
    assert.equal(over.code, "over_return");
    assert.deepEqual([over.units, over.expected, over.received], [8, 6, 1]);
    const socks = ret.applyReceipt(r, { lineId: 31, units: 1 });
    assert.equal(ret.checkReceiveScan(socks, scan(EACH2)).code, "over_return");
  },
  "an item on no line of the return is left for the server to name"() {
    assert.deepEqual(ret.checkReceiveScan(rma(), scan(STRANGER)), {
      ok: false,
      code: "not_on_return",
    });
    assert.deepEqual(ret.checkReceiveScan(rma(), scan("A-01-01-A")), {
      ok: false,
      code: "not_on_return",
    });
  },
  "the item's lines count together: another lot's line does not make room"() {
    const r = rma();
    // The shoe's 6 came as two lines (two lots): 5 + 1 expected, 1 in on the second.
    r.lines.push({ ...line(r, 30), id: 33, line_no: 4, expected_qty: 1, received_qty: 1 });
    line(r, 30).expected_qty = 5;
    line(r, 30).received_qty = 5;
    const over = ret.checkReceiveScan(r, scan(EACH1));
    assert.deepEqual([over.code, over.expected, over.received], ["over_return", 6, 6]);
  },
  "a line accepted as not on the order stays flagged not on the order"() {
    const r = rma();
    r.lines.push({
      id: 32,
      line_no: 3,
      order_line_id: null,
      item: { id: 3, sku: "HAT", name: "Hat", barcodes: [{ code: STRANGER, quantity: 1 }] },
      expected_qty: 0,
      received_qty: 1,
      awaiting_inspection: 1,
      flag: "not_on_order",
    });
    assert.equal(ret.checkReceiveScan(r, scan(STRANGER)).code, "not_on_order");
  },
  "a receipt saved on the device counts in and waits for inspection"() {
    const r = ret.applyReceipt(rma(), { lineId: 30, units: 4 });
    assert.equal(line(r, 30).received_qty, 5);
    assert.equal(line(r, 30).awaiting_inspection, 5);
    assert.equal(r.status, "arrived");
    assert.ok(r.arrived_at);
    assert.deepEqual(ret.receiptTotals(r), { expected: 7, received: 5 });
    // An unknown item accepted offline: a line of its own, flagged, not yet inspectable.
    const odd = ret.applyReceipt(r, { units: 1, flag: "not_on_return", label: STRANGER });
    const extra = odd.lines.at(-1);
    assert.deepEqual([extra.flag, extra.received_qty, extra.expected_qty], ["not_on_return", 1, 0]);
    assert.deepEqual(ins.awaitingLines(odd).map((l) => l.id), [30]);
  },
  "the receipt closes by itself with every expected unit in and nothing flagged"() {
    let r = rma();
    assert.equal(ret.closesByItself(r), false);
    r = ret.applyReceipt(ret.applyReceipt(r, { lineId: 30, units: 5 }), { lineId: 31, units: 1 });
    assert.equal(ret.closesByItself(r), true);
    const flagged = ret.applyReceipt(r, { units: 1, flag: "not_on_order", label: STRANGER });
    assert.equal(ret.closesByItself(flagged), false);
    assert.equal(ret.closesByItself(ret.applyReceipt(r, { lineId: 30, units: 1 })), false);
    assert.equal(ret.closesByItself({ lines: [] }), false);
    assert.equal(ret.receiptClosed(r), false);
    assert.equal(ret.receiptClosed({ ...r, receipt_closed_at: "2030-01-01T00:00:00Z" }), true);
    assert.equal(ret.receiptClosed({ ...r, status: "cancelled" }), true);
  },
  "a flag is said in words with the numbers, and a search needs 3 letters"() {
    const over = ret.flagText("over_return", { sku: "SOCK-1", expected: 1, received: 1 });
    assert.match(over, /Over-return: SOCK-1 .*1 expected, 1 already in/);
    assert.match(ret.flagText("not_on_order", { sku: "HAT", orderRef: "WEB-1001" }), /WEB-1001/);
    assert.equal(ret.searchText("  jo "), null);
    assert.equal(ret.searchText(" Jones "), "Jones");
  },
  "inspection offers the lines with units awaiting, in line order, by tap or item scan"() {
    let r = ret.applyReceipt(rma(), { lineId: 31, units: 1 });
    assert.deepEqual(ins.awaitingLines(r).map((l) => l.id), [30, 31]);
    assert.equal(ins.lineForItemScan(r, scan(EACH2)).id, 31);
    assert.equal(ins.lineForItemScan(r, scan(CASE1)).id, 30);
    assert.equal(ins.lineForItemScan(r, scan(STRANGER)), null);
    r = ins.applyInspection(r, 31, 1);
    assert.equal(ins.lineForItemScan(r, scan(EACH2)), null);
    assert.deepEqual([line(r, 31).inspected_qty, ins.awaiting(line(r, 31))], [1, 0]);
  },
  "the five dispositions and three credits are the server's codes"() {
    assert.deepEqual(
      ins.DISPOSITIONS.map((d) => d.code),
      ["sellable", "damaged", "refurbish", "rtv", "scrap"],
    );
    assert.deepEqual(ins.CREDITS.map((c) => c.code), ["full", "partial", "none"]);
    assert.equal(ins.disposition("rtv").label, "Return to vendor");
  },
  "a restocking fee is typed as money: empty means the standard fee"() {
    assert.deepEqual(ins.parseFee(""), { fee: null });
    assert.deepEqual(ins.parseFee(" 2.5 "), { fee: "2.50" });
    assert.deepEqual(ins.parseFee("2,05"), { fee: "2.05" });
    assert.deepEqual(ins.parseFee("3"), { fee: "3.00" });
    for (const bad of ["-1", "2.555", "abc", "1e3", "2.5.0"])
      assert.ok(ins.parseFee(bad).error, bad);
  },
  "the full credit is worked in exact decimals, half up to the cent"() {
    assert.equal(ins.fullCredit("19.9900", 3), "59.97");
    assert.equal(ins.fullCredit("0.1", 3), "0.30"); // 0.1 * 3 in floats is 0.30000000000000004
    assert.equal(ins.fullCredit("0.3333", 3), "1.00"); // 0.9999 rounds half up
    assert.equal(ins.fullCredit("0.0050", 1), "0.01");
    assert.equal(ins.fullCredit(null, 3), null);
    assert.ok(ins.feeWithin("59.97", "59.97"));
    assert.ok(!ins.feeWithin("59.98", "59.97"));
    assert.ok(ins.feeWithin("5.00", null));
  },
  "the inspection body carries the bin only for sellable and the fee only for partial"() {
    const l = line(rma(), 30);
    const sellable = ins.inspectionBody({
      line: l,
      quantity: 1,
      disposition: "sellable",
      credit: "full",
      fee: "1.00",
      binRaw: "A-01-01-A",
      photo: null,
    });
    assert.deepEqual(sellable, {
      return_line_id: 30,
      quantity: 1,
      disposition: "sellable",
      credit: "full",
      location: "A-01-01-A",
    });
    const damaged = ins.inspectionBody({
      line: l,
      quantity: 2,
      disposition: "damaged",
      credit: "partial",
      fee: "2.50",
      binRaw: "A-01-01-A",
      photo: { id: 7 },
    });
    assert.deepEqual(damaged, {
      return_line_id: 30,
      quantity: 2,
      disposition: "damaged",
      credit: "partial",
      restocking_fee: "2.50",
      photo_id: 7,
    });
  },
  "the suggested bin is its code or its barcode, in any case"() {
    const bin = { id: 4, code: "A-01-01-A", barcode: "LOC0004" };
    assert.ok(ins.isBin(bin, scan("a-01-01-a")));
    assert.ok(ins.isBin(bin, scan("LOC0004")));
    assert.ok(!ins.isBin(bin, scan("A-01-02-A")));
    assert.ok(!ins.isBin(null, scan("A-01-01-A")));
  },
  "a phone photo is scaled down to its long side, never up"() {
    assert.deepEqual(ins.fitWithin(4000, 3000, 1600), { width: 1600, height: 1200, scaled: true });
    assert.deepEqual(ins.fitWithin(3000, 4000, 1600), { width: 1200, height: 1600, scaled: true });
    assert.deepEqual(ins.fitWithin(800, 600, 1600), { width: 800, height: 600, scaled: false });
  },
};

runNamedRules(tests);
