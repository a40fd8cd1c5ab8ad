// The scanner's local pick and pack rules (scanner_ui/js/screens/pick-rules.js, pack-rules.js)
// on scans read by the scanner's own GS1 reader (js/gs1.js), as a picker's wedge sends them.
// Prints {"passed": [names], "failed": {name: why}} as JSON and exits 1 if any rule failed.
// Run by tests/unit/test_scanner_pick_rules.py, or alone: node tests/unit/js/run_pick_rules.mjs

import assert from "node:assert/strict";
import { dirname, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { runNamedRules } from "./named_rules.mjs";

const ui = resolve(dirname(fileURLToPath(import.meta.url)), "../../../scanner_ui/js");
const load = (p) => import(pathToFileURL(resolve(ui, p)).href);
const { gtinCheckDigit, parseScan, GS } = await load("gs1.js");
const pick = await load("screens/pick-rules.js");
const pack = await load("screens/pack-rules.js");

const gtin = (body) => `${body}${gtinCheckDigit(body)}`;
const scan = (raw) => parseScan(raw, { standIns: ["|"] });
const EACH1 = gtin("400638133393"); // GTIN-13
const CASE1 = gtin("1400638133393"); // GTIN-14 of a case of 6
const EACH2 = gtin("401234500001");
const GTIN2_14 = EACH2.padStart(14, "0");

const item1 = {
  id: 1,
  sku: "SKU-1",
  name: "Tea",
  barcodes: [EACH1, CASE1],
  packs: [
    { level: "each", quantity: 1, barcodes: [EACH1] },
    { level: "case", quantity: 6, barcodes: [CASE1] },
  ],
};
const item2 = { id: 2, sku: "SKU-2", name: "Milk", barcodes: [EACH2], packs: [] };
const order1 = { id: 11, external_id: "WEB-1" };
const order2 = { id: 12, external_id: "WEB-2" };
const bin = (code) => ({ id: code.length, code, barcode: code });

function task() {
  return {
    id: 7,
    mode: "cluster",
    lines: [
      // deliberately out of order: the path is by seq
      {
        id: 103,
        seq: 3,
        order: order2,
        item: item1,
        lot: null,
        bin: bin("A-02-01-A"),
        quantity: 3,
        picked: 0,
        short: 0,
        status: "open",
        slot: 2,
      },
      {
        id: 101,
        seq: 1,
        order: order1,
        item: item1,
        lot: null,
        bin: bin("A-01-01-A"),
        quantity: 4,
        picked: 0,
        short: 0,
        status: "open",
        slot: 1,
      },
      {
        id: 102,
        seq: 2,
        order: order1,
        item: item2,
        lot: { id: 5, code: "L42", expiry: "2030-05-31" },
        bin: bin("A-01-02-A"),
        quantity: 5,
        picked: 0,
        short: 0,
        status: "open",
        slot: 1,
      },
      {
        id: 104,
        seq: 4,
        order: order2,
        item: item2,
        lot: null,
        bin: bin("A-01-02-A"),
        quantity: 1,
        picked: 0,
        short: 0,
        status: "open",
        slot: 2,
      },
    ],
    totes: [
      { slot: 1, order: order1, tote: { id: 1, code: "TOTE-001" } },
      { slot: 2, order: order2, tote: null },
    ],
  };
}
const line = (t, id) => t.lines.find((l) => l.id === id);

const tests = {
  "the next line is the first open one on the walk path"() {
    const t = task();
    assert.equal(pick.nextLine(t).id, 101);
    const after = pick.applyPick(t, 101, 4, "TOTE-001");
    assert.equal(pick.nextLine(after).id, 102);
  },
  "the bins ahead are the next distinct bins in walking order"() {
    const t = task();
    assert.deepEqual(pick.binsAhead(t, line(t, 101), 3), ["A-01-02-A", "A-02-01-A"]);
    assert.deepEqual(pick.binsAhead(t, line(t, 102), 3), ["A-02-01-A"]);
  },
  "the line's bin is its code or its barcode, in any case"() {
    const t = task();
    assert.ok(pick.isLineBin(line(t, 101), scan("A-01-01-A")));
    assert.ok(pick.isLineBin(line(t, 101), scan("a-01-01-a")));
    assert.ok(!pick.isLineBin(line(t, 101), scan("A-01-02-A")));
    assert.equal(pick.lineAtBin(t, scan("A-02-01-A")).id, 103);
  },
  "a case barcode counts its pack quantity and a GS1 count multiplies"() {
    const t = task();
    assert.equal(pick.unitsPerScan(item1, scan(EACH1)), 1);
    assert.equal(pick.unitsPerScan(item1, scan(CASE1)), 6);
    assert.equal(pick.unitsPerScan(item1, scan(EACH2)), null);
    const three = pick.checkItemScan(t, line(t, 101), scan(`]C101${EACH1.padStart(14, "0")}303`));
    assert.deepEqual(three, { ok: true, units: 3 });
  },
  "another item is refused as wrong_item and named when it is on the task"() {
    const t = task();
    const r = pick.checkItemScan(t, line(t, 101), scan(EACH2));
    assert.equal(r.code, "wrong_item");
    assert.equal(r.other.item.sku, "SKU-2");
    const stranger = pick.checkItemScan(t, line(t, 101), scan(gtin("590123412345")));
    assert.deepEqual(stranger, { ok: false, code: "wrong_item", other: null });
  },
  "a GS1 scan of another lot or another expiry is refused as wrong_lot"() {
    const t = task();
    const l = line(t, 102);
    assert.equal(pick.checkItemScan(t, l, scan(`]C101${GTIN2_14}10L43`)).code, "wrong_lot");
    assert.equal(
      pick.checkItemScan(t, l, scan(`01${GTIN2_14}17300430${"10"}L42`)).code,
      "wrong_lot",
    );
    assert.deepEqual(pick.checkItemScan(t, l, scan(`]C101${GTIN2_14}10l42`)), {
      ok: true,
      units: 1,
    });
    // day 00 is the end of the month: 2030-05-31, the line's lot
    assert.deepEqual(pick.checkItemScan(t, l, scan(`]C101${GTIN2_14}17300500|10L42`)), {
      ok: true,
      units: 1,
    });
    // a plain EAN carries no lot: taken (the bin holds the line's lot)
    assert.deepEqual(pick.checkItemScan(t, l, scan(EACH2)), { ok: true, units: 1 });
    assert.equal(
      pick.checkItemScan(t, l, scan(`01${GTIN2_14}10L43${GS}17300531`)).code,
      "wrong_lot",
    );
  },
  "scanning more than the line still wants is refused as over_pick"() {
    const t = task();
    const l = line(t, 101); // wants 4
    assert.deepEqual(pick.checkItemScan(t, l, scan(CASE1)), {
      ok: false,
      code: "over_pick",
      left: 4,
      units: 6,
    });
    assert.deepEqual(pick.checkItemScan(t, l, scan(EACH1), 3), { ok: true, units: 1 });
    assert.equal(pick.checkItemScan(t, l, scan(EACH1), 4).code, "over_pick");
    const half = pick.applyPick(t, 101, 3, "TOTE-001");
    assert.equal(pick.checkItemScan(half, line(half, 101), scan(EACH1), 1).code, "over_pick");
  },
  "one single unit scanned offers the rest, counting by scans offers the count"() {
    const t = task();
    assert.equal(pick.offeredQuantity(line(t, 101), 1, 1), 4);
    assert.equal(pick.offeredQuantity(line(t, 101), 2, 2), 2);
    assert.equal(pick.offeredQuantity(line(t, 103), 3, 1), 3);
  },
  "the order's bound tote is the only one taken for it"() {
    const t = task();
    assert.deepEqual(pick.checkToteScan(t, line(t, 101), scan("TOTE-001")), {
      ok: true,
      code: "TOTE-001",
      binds: false,
    });
    const r = pick.checkToteScan(t, line(t, 101), scan("TOTE-002"));
    assert.equal(r.code, "wrong_tote");
    assert.equal(r.bound.code, "TOTE-001");
  },
  "a tote bound to another order of the task is refused; a free one binds"() {
    const t = task();
    const r = pick.checkToteScan(t, line(t, 103), scan("tote-001"));
    assert.equal(r.code, "wrong_tote");
    assert.equal(r.other.order.external_id, "WEB-1");
    assert.deepEqual(pick.checkToteScan(t, line(t, 103), scan("TOTE-009")), {
      ok: true,
      code: "TOTE-009",
      binds: true,
    });
    const bound = pick.applyPick(t, 103, 1, "TOTE-009");
    assert.equal(pick.toteSlot(bound, line(bound, 104)).tote.code, "TOTE-009");
    assert.equal(pick.checkToteScan(bound, line(bound, 104), scan("TOTE-010")).code, "wrong_tote");
  },
  "a pick counts on the line and closes it when all is picked"() {
    let t = pick.applyPick(task(), 101, 3, "TOTE-001");
    assert.equal(line(t, 101).picked, 3);
    assert.equal(line(t, 101).status, "open");
    assert.equal(pick.remaining(line(t, 101)), 1);
    t = pick.applyPick(t, 101, 1, "TOTE-001");
    assert.equal(line(t, 101).status, "picked");
  },
  "a short closes the line with what was found picked and the rest short"() {
    const t = pick.applyShort(task(), 102, 2, "TOTE-001");
    const l = line(t, 102);
    assert.deepEqual([l.picked, l.short, l.status], [2, 3, "short"]);
    assert.equal(pick.nextLine(t).id, 101);
    const none = pick.applyShort(task(), 103, 0, null);
    assert.equal(pick.toteSlot(none, line(none, 103)).tote, null); // nothing found: no tote bound
  },
  "the server's answer for a line replaces the device's count of it, the rest stays"() {
    const t = pick.applyPick(task(), 101, 2, "TOTE-001");
    const merged = pick.mergeLine(t, { id: 101, picked: 4, short: 0, status: "picked" });
    assert.deepEqual([line(merged, 101).picked, line(merged, 101).status], [4, "picked"]);
    assert.equal(line(merged, 101).bin.code, "A-01-01-A");
    assert.equal(line(merged, 102), line(t, 102));
    assert.equal(pick.mergeLine(t, null), t);
  },
  "the totes to take to packing are the ones holding picks"() {
    let t = pick.applyPick(task(), 101, 4, "TOTE-001");
    assert.deepEqual(
      pick.filledTotes(t).map((x) => x.tote.code),
      ["TOTE-001"],
    );
    t = pick.applyPick(t, 103, 3, "TOTE-002");
    assert.deepEqual(
      pick.filledTotes(t).map((x) => x.tote.code),
      ["TOTE-001", "TOTE-002"],
    );
  },
  "packing: an item of the order with something left to pack is taken"() {
    const view = {
      lines: [
        { order_line_id: 1, item: { ...item1 }, picked: 4, packed: 4, to_pack: 0 },
        { order_line_id: 2, item: { ...item1 }, picked: 3, packed: 0, to_pack: 3 },
        {
          order_line_id: 3,
          item: { ...item2, packs: undefined, barcodes: [EACH2] },
          picked: 2,
          packed: 2,
          to_pack: 0,
        },
      ],
    };
    const r = pack.checkPackScan(view, scan(EACH1));
    assert.equal(r.ok, true);
    assert.equal(r.line.order_line_id, 2);
    assert.equal(r.units, 1);
    assert.equal(pack.checkPackScan(view, scan(CASE1)).code, "over_pack");
    const done = pack.checkPackScan(view, scan(EACH2));
    assert.deepEqual([done.ok, done.code, done.line.order_line_id], [false, "wrong_item", 3]);
    assert.deepEqual(pack.checkPackScan(view, scan(gtin("590123412345"))), { ok: null });
    assert.equal(pack.toPackTotal(view), 3);
  },
  "packing: the open carton, the carton type by its code, the weight in grams"() {
    const view = {
      cartons: [
        { id: 1, status: "closed" },
        { id: 2, status: "open" },
      ],
    };
    assert.equal(pack.openCarton(view).id, 2);
    assert.equal(pack.openCarton({ cartons: [{ id: 1, status: "closed" }] }), null);
    const types = [
      { code: "BOX-S", name: "Small" },
      { code: "BOX-L", name: "Large" },
    ];
    assert.equal(pack.cartonTypeFor(types, scan("box-l")).name, "Large");
    assert.equal(pack.cartonTypeFor(types, scan("BOX-X")), null);
    const cases = {
      1.25: 1250,
      "1,5": 1500,
      0.8: 800,
      12: 12000,
      "2.005 kg": 2005,
      0: null,
      abc: null,
      1.2345: null,
      "": null,
    };
    for (const [text, grams] of Object.entries(cases))
      assert.equal(pack.weightGrams(text), grams, text);
  },
  "shipping: a carton label is an SSCC (AI 00 or 18 digits), once per shipment"() {
    assert.equal(pack.ssccOf(scan("]C100012345670000000019")), "012345670000000019");
    assert.equal(pack.ssccOf(scan("012345670000000019")), "012345670000000019");
    assert.equal(pack.ssccOf(scan("TOTE-001")), null);
    assert.equal(pack.ssccOf(scan(EACH1)), null);
    const sh = { cartons: [{ sscc: "012345670000000019" }] };
    assert.ok(pack.onShipment(sh, "012345670000000019"));
    assert.ok(!pack.onShipment(sh, "012345670000000026"));
  },
};

runNamedRules(tests);
