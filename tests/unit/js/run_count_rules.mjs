// The scanner's local counting rules (scanner_ui/js/screens/count-rules.js) on scans read by
// the scanner's own GS1 reader (js/gs1.js), as a counter's wedge sends them.
// Prints {"passed": [names], "failed": {name: why}} as JSON and exits 1 if any rule failed.
// Run by tests/unit/test_scanner_count_rules.py, or alone: node tests/unit/js/run_count_rules.mjs

import assert from "node:assert/strict";
import { dirname, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { runNamedRules } from "./named_rules.mjs";

const ui = resolve(dirname(fileURLToPath(import.meta.url)), "../../../scanner_ui/js");
const load = (p) => import(pathToFileURL(resolve(ui, p)).href);
const { gtinCheckDigit, parseScan } = await load("gs1.js");
const count = await load("screens/count-rules.js");

const gtin = (body) => `${body}${gtinCheckDigit(body)}`;
const scan = (raw) => parseScan(raw, { standIns: ["|"] });
const EACH1 = gtin("400638133393"); // GTIN-13
const CASE1 = gtin("1400638133393"); // GTIN-14 of a case of 6
const EACH2 = gtin("401234500001");
const tea = {
  id: 1,
  sku: "SKU-1",
  name: "Tea",
  barcodes: [
    { code: EACH1, quantity: 1 },
    { code: CASE1, quantity: 6 },
  ],
};
const milk = { id: 2, sku: "SKU-2", name: "Milk", barcodes: [{ code: EACH2, quantity: 1 }] };
const bin = { id: 9, code: "A-01-02-A", barcode: "LOC-A010" };

function task(extra = {}) {
  return {
    id: 7,
    status: "open",
    attempt: 1,
    reason: "adhoc",
    location: bin,
    item: null,
    recount_items: [],
    counted: [],
    ...extra,
  };
}

const tests = {
  "the bin is its code or its barcode, any case; another bin is not"() {
    assert.ok(count.isTaskBin(task(), scan("A-01-02-A")));
    assert.ok(count.isTaskBin(task(), scan("a-01-02-a")));
    assert.ok(count.isTaskBin(task(), scan("LOC-A010")));
    assert.ok(!count.isTaskBin(task(), scan("A-01-03-A")));
    assert.ok(!count.isTaskBin(task(), scan(EACH1)));
  },
  "a bin count takes any item: known on the device it is named, unknown the server is asked"() {
    const known = [{ code: EACH2.padStart(14, "0"), per: 1, item: { id: 2, sku: "SKU-2" } }];
    const r = count.checkItemScan(task(), scan(EACH2), known);
    assert.equal(r.ok, true);
    assert.equal(r.entry.item.sku, "SKU-2");
    // Never refused for not being expected in the bin: the device cannot tell, the server
    // records it and says so.
    assert.deepEqual(count.checkItemScan(task(), scan(EACH1), known), { ok: null });
  },
  "an item-specific task counts only its item, by any of its barcodes; a case is its pack"() {
    const t = task({ item: tea });
    const each = count.checkItemScan(t, scan(EACH1));
    assert.deepEqual([each.ok, each.entry.per], [true, 1]);
    const box = count.checkItemScan(t, scan(CASE1));
    assert.deepEqual([box.ok, box.entry.per, box.entry.item.sku], [true, 6, "SKU-1"]);
    const other = count.checkItemScan(t, scan(EACH2));
    assert.deepEqual(
      [other.ok, other.code, other.wanted[0].item.sku],
      [false, "wrong_item", "SKU-1"],
    );
  },
  "a GS1 scan of the item carries its lot and expiry, and is still the item"() {
    const s = scan(`]C101${EACH1.padStart(14, "0")}17270331|10LOT-9`);
    assert.equal(s.lot, "LOT-9");
    assert.equal(s.expiry, "2027-03-31");
    assert.equal(count.checkItemScan(task({ item: tea }), s).ok, true);
    const body = count.lineBody({
      binRaw: "A-01-02-A",
      itemRaw: s.raw,
      quantity: 3,
      lot: s.lot,
      expiry: s.expiry,
    });
    assert.deepEqual(body, {
      location: "A-01-02-A",
      barcode: s.raw,
      quantity: 3,
      lot: "LOT-9",
      expiry: "2027-03-31",
    });
    // No lot in the scan: none is sent (the server asks for one if the item needs it).
    assert.deepEqual(Object.keys(count.lineBody({ binRaw: "B", itemRaw: EACH1, quantity: 1 })), [
      "location",
      "barcode",
      "quantity",
    ]);
  },
  "a recount takes only the items being recounted and names them (each once), never a quantity"() {
    const t = task({
      status: "recount",
      attempt: 2,
      recount_items: [
        { item: tea, lot: { id: 1, code: "L1" } },
        { item: tea, lot: { id: 2, code: "L2" } },
      ],
    });
    assert.ok(count.isRecount(t));
    assert.equal(count.checkItemScan(t, scan(CASE1)).ok, true);
    const r = count.checkItemScan(t, scan(EACH2));
    assert.deepEqual([r.ok, r.code], [false, "not_in_recount"]);
    assert.deepEqual(count.recountItems(t), [
      { item: { id: 1, sku: "SKU-1", name: "Tea" }, lots: ["L1", "L2"] },
    ]);
    const words = JSON.stringify(count.recountItems(t));
    assert.ok(!/qty|quantity|expected|system/.test(words));
    assert.ok(!count.isRecount(task()));
  },
  "items that came with no barcodes leave the decision to the server"() {
    const t = task({ item: { id: 5, sku: "SKU-5", name: "Loose", barcodes: [] } });
    assert.deepEqual(count.checkItemScan(t, scan(EACH2)), { ok: null });
  },
  "the server's reading of a code becomes an entry: a pack counts its quantity"() {
    const resolved = {
      kind: "item",
      cleaned: CASE1,
      item: { id: 1, sku: "SKU-1", name: "Tea" },
      pack: { id: 3, level: "case", quantity: 6 },
    };
    const entry = count.entryFromResolution(resolved);
    assert.deepEqual(entry, { code: CASE1, per: 6, item: { id: 1, sku: "SKU-1", name: "Tea" } });
    assert.equal(count.entryForScan([entry], scan(`]C101${CASE1}`)).per, 6);
    assert.equal(count.entryFromResolution({ kind: "location", location: { code: "X" } }), null);
    assert.equal(count.entryFromResolution(null), null);
  },
  "a case asks for cases and shows the units; an each asks how many"() {
    assert.equal(count.quantityQuestion(6), "How many cases of 6?");
    assert.equal(count.quantityQuestion(1), "How many?");
    assert.equal(count.packWords(6), "case of 6");
    assert.equal(count.unitsFor(4, 6), 24);
    assert.equal(count.unitsFor(4, null), null);
  },
  "the keypad: a digit replaces the offered value, then appends; back, clear, six digits"() {
    let k = { text: "1", fresh: true };
    k = count.pressKey(k, "2");
    assert.deepEqual(k, { text: "2", fresh: false });
    k = count.pressKey(k, "4");
    assert.equal(count.keypadValue(k), 24);
    k = count.pressKey(k, "back");
    assert.equal(count.keypadValue(k), 2);
    k = count.pressKey(count.pressKey(k, "clear"), "0");
    assert.equal(count.keypadValue(k), 0); // zero is a count
    k = count.pressKey(k, "7");
    assert.equal(k.text, "7"); // no leading zero
    for (const d of "1234567") k = count.pressKey(k, d);
    assert.equal(k.text.length, count.MAX_DIGITS);
    assert.equal(count.keypadValue({ text: "", fresh: false }), null);
    assert.deepEqual(count.pressKey({ text: "3", fresh: false }, "x"), { text: "3", fresh: false });
  },
  "scanning the same item again while asked how many counts one more"() {
    let k = { text: "1", fresh: true };
    k = count.scannedOnce(count.scannedOnce(k));
    assert.deepEqual(k, { text: "3", fresh: true });
    assert.equal(count.pressKey(k, "9").text, "9"); // then typing says how many there are
  },
  "entering an item and lot again replaces its line in what was counted here"() {
    const a = { item: { id: 1, sku: "SKU-1" }, lot: { code: "L1" }, counted_qty: 4 };
    const b = { item: { id: 1, sku: "SKU-1" }, lot: { code: "L2" }, counted_qty: 2 };
    const again = { item: { id: 1, sku: "SKU-1" }, lot: { id: null, code: "l1" }, counted_qty: 5 };
    const merged = count.mergeCounted(count.mergeCounted([a], b), again);
    assert.deepEqual(
      merged.map((c) => [c.lot.code, c.counted_qty]),
      [
        ["L2", 2],
        ["l1", 5],
      ],
    );
    const offline = count.localLine(null, scan("ODD-CODE"), 3, null);
    assert.deepEqual(
      [offline.item.sku, offline.counted_qty, offline.pending],
      ["ODD-CODE", null, true],
    );
    const known = { code: CASE1, per: 6, item: { id: 1, sku: "SKU-1", name: "Tea" } };
    assert.equal(count.localLine(known, scan(CASE1), 2, "L1").counted_qty, 12);
  },
  "each outcome is said plainly, green for settled and amber for waiting"() {
    assert.deepEqual(
      ["matched", "adjusted", "recount", "approval"].map((o) => count.outcomeWords(o).tone),
      ["ok", "ok", "warn", "warn"],
    );
    assert.equal(count.outcomeWords("adjusted").text, "Small difference posted.");
    assert.equal(count.outcomeWords("recount").text, "A second counter will check this bin.");
    assert.equal(count.outcomeWords("approval").text, "Waiting for a supervisor.");
    assert.equal(count.outcomeWords("something new").tone, "info");
  },
};

runNamedRules(tests);
