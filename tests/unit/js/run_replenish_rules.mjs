// The scanner's local replenishment rules (scanner_ui/js/screens/replenish-rules.js) on scans
// read by the scanner's own GS1 reader (js/gs1.js), as a worker's wedge sends them.
// Prints {"passed": [names], "failed": {name: why}} as JSON and exits 1 if any rule failed.
// Run by tests/unit/test_scanner_replenish_rules.py, or alone:
//   node tests/unit/js/run_replenish_rules.mjs

import assert from "node:assert/strict";
import { dirname, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { runNamedRules } from "./named_rules.mjs";

const ui = resolve(dirname(fileURLToPath(import.meta.url)), "../../../scanner_ui/js");
const load = (p) => import(pathToFileURL(resolve(ui, p)).href);
const { gtinCheckDigit, parseScan } = await load("gs1.js");
const repl = await load("screens/replenish-rules.js");

const gtin = (body) => `${body}${gtinCheckDigit(body)}`;
const scan = (raw) => parseScan(raw, { standIns: ["|"] });
const EACH = gtin("400638133393"); // GTIN-13
const CASE = gtin("1400638133393"); // GTIN-14 of a case of 12
const OTHER = gtin("401234500001");
const item = {
  id: 1,
  sku: "SKU-1",
  name: "Tea",
  barcodes: [
    { code: EACH.padStart(14, "0"), level: "each", quantity: 1 },
    { code: CASE, level: "case", quantity: 12 },
  ],
};
const face = { id: 9, code: "P-01-01-A", barcode: "LOC-P0101" };
const r1 = { id: 20, code: "R-01-01-A", barcode: "LOC-R0101" };
const r2 = { id: 21, code: "R-01-02-A", barcode: null };
const lotA = { id: 3, code: "LA", expiry: "2031-01-31" };
const lotB = { id: 4, code: "LB", expiry: "2031-06-30" };

function task(extra = {}) {
  const sources = [
    { location: r1, lot: lotA, quantity: 5 },
    { location: r1, lot: lotB, quantity: 24 },
    { location: r2, lot: null, quantity: 30 },
  ];
  return {
    id: 31,
    status: "claimed",
    item,
    lot: lotA,
    to_location: face,
    suggested_source: { location: r1, lot: lotA, quantity: 5 },
    sources,
    quantity: 46,
    moved: 0,
    remaining: 46,
    ...extra,
  };
}

const tests = {
  "a reserve bin of the task is taken by its code or barcode, with every lot it holds"() {
    const byCode = repl.checkSourceScan(task(), scan("r-01-01-a"));
    assert.equal(byCode.ok, true);
    assert.deepEqual(
      byCode.entries.map((e) => e.lot.code),
      ["LA", "LB"],
    );
    assert.equal(repl.checkSourceScan(task(), scan("LOC-R0101")).bin.code, "R-01-01-A");
    assert.equal(repl.checkSourceScan(task(), scan("R-01-02-A")).entries.length, 1);
  },
  "the pick face being refilled is never a source"() {
    for (const raw of ["P-01-01-A", "LOC-P0101"]) {
      const r = repl.checkSourceScan(task(), scan(raw));
      assert.deepEqual([r.ok, r.code, r.face], [false, "wrong_source", true]);
    }
  },
  "a bin missing from a complete list holds none; from a full list only the server can say"() {
    const r = repl.checkSourceScan(task(), scan("C-04-01-C"));
    assert.deepEqual([r.ok, r.code, r.face, r.sure], [false, "wrong_source", false, true]);
    const many = Array.from({ length: repl.SOURCES_MAX }, (_, i) => ({
      location: { id: 100 + i, code: `R-09-${i}`, barcode: null },
      lot: null,
      quantity: 1,
    }));
    assert.equal(repl.checkSourceScan(task({ sources: many }), scan("C-04-01-C")).sure, false);
    // A bin emptied since (quantity 0 in the device's copy) is no source any more.
    const emptied = task({ sources: [{ location: r2, lot: null, quantity: 0 }] });
    assert.equal(repl.checkSourceScan(emptied, scan("R-01-02-A")).ok, false);
  },
  "a case barcode counts its pack, a GS1 count multiplies it, the SKU typed in is one"() {
    assert.equal(repl.unitsPerScan(item, scan(EACH)), 1);
    assert.equal(repl.unitsPerScan(item, scan(`]E0${EACH}`)), 1);
    assert.equal(repl.unitsPerScan(item, scan(CASE)), 12);
    assert.equal(repl.unitsPerScan(item, scan(`]C102${CASE}|372`)), 24);
    assert.equal(repl.unitsPerScan(item, scan("sku-1")), 1);
    assert.equal(repl.unitsPerScan(item, scan(OTHER)), null);
  },
  "another item is the wrong item"() {
    const entries = repl.sourcesAt(task(), scan("R-01-02-A"));
    assert.deepEqual(repl.checkItemScan(task(), entries, scan(OTHER)), {
      ok: false,
      code: "wrong_item",
    });
  },
  "a lot the source bin does not hold is the wrong lot; a scan with no lot takes any"() {
    const t = task();
    const entries = repl.sourcesAt(t, scan("R-01-01-A"));
    const wrong = repl.checkItemScan(t, entries, scan(`]C101${CASE}10LX|17310131`));
    assert.deepEqual([wrong.ok, wrong.code, wrong.wanted, wrong.got], [
      false,
      "wrong_lot",
      ["LA", "LB"],
      "LX",
    ]);
    const right = repl.checkItemScan(t, entries, scan(`]C101${CASE}10LB|17310630`));
    assert.deepEqual(right, { ok: true, per: 12 });
    assert.equal(repl.held(entries, scan(`]C101${CASE}10LB|17310630`)), 24);
    assert.equal(repl.held(entries, scan(CASE)), 29);
    // The right lot with another expiry than the bin's lot: not the stock that is here.
    const otherExpiry = scan(`]C101${EACH.padStart(14, "0")}10LA|17300101`);
    assert.equal(repl.checkItemScan(t, entries, otherExpiry).code, "wrong_lot");
    // Untracked stock and a lot on the label: the server would find none of that lot here.
    const loose = repl.sourcesAt(t, scan("R-01-02-A"));
    assert.equal(repl.checkItemScan(t, loose, scan(`]C101${CASE}10LZ`)).code, "wrong_lot");
  },
  "one scan of more than may move is refused: what the task needs and what the bin holds"() {
    const t = task({ remaining: 10, moved: 36 });
    const entries = repl.sourcesAt(t, scan("R-01-02-A")); // 30 held
    assert.deepEqual(repl.checkItemScan(t, entries, scan(CASE)), {
      ok: false,
      code: "over_move",
      per: 12,
      left: 10,
    });
    const small = repl.sourcesAt(task(), scan("R-01-01-A"));
    const lotA5 = scan(`]C101${CASE}10LA`); // the bin holds 5 of lot LA: no case of 12
    assert.equal(repl.checkItemScan(task(), small, lotA5).code, "over_move");
    assert.equal(repl.checkItemScan(t, entries, scan(EACH)).ok, true);
    // A bin the device could not judge (offline, list cut short): only the task limits.
    assert.equal(repl.maxPacks(task(), null, scan(CASE), 12), 3);
  },
  "the quantity offered is the whole move in the scanned pack; more scans count by scanning"() {
    const t = task();
    const entries = repl.sourcesAt(t, scan("R-01-02-A")); // 30 held, 46 wanted
    assert.equal(repl.maxPacks(t, entries, scan(CASE), 12), 2);
    assert.equal(repl.maxPacks(t, entries, scan(EACH), 1), 30);
    assert.equal(repl.offeredPacks(30, 1), 30);
    assert.equal(repl.offeredPacks(30, 2), 2);
    assert.equal(repl.offeredPacks(2, 5), 2);
  },
  "minus and plus keep the quantity between 1 and the most that may move"() {
    assert.equal(repl.stepPacks(2, 1, 2), 2);
    assert.equal(repl.stepPacks(1, -1, 2), 1);
    assert.equal(repl.stepPacks(0, 1, 5), 1);
    assert.equal(repl.stepPacks(4, -1, 5), 3);
    assert.equal(repl.clampPacks(12, 5), 5);
    assert.equal(repl.clampPacks(null, 5), null);
  },
  "a move saved on the device moves the task on and takes the bin's stock, its lot first"() {
    const t = repl.applyMove(task(), {
      binCode: "R-01-01-A",
      units: 12,
      scan: scan(`]C101${CASE}10LB`),
    });
    assert.deepEqual([t.moved, t.remaining, t.status], [12, 34, "claimed"]);
    assert.deepEqual(
      t.sources.map((s) => [s.location.code, s.lot?.code ?? null, s.quantity]),
      [
        ["R-01-01-A", "LA", 5],
        ["R-01-01-A", "LB", 12],
        ["R-01-02-A", null, 30],
      ],
    );
    // No lot scanned: taken in the order the server listed the bin's lots (FEFO); an
    // emptied lot drops out, and the suggestion moves on.
    const u = repl.applyMove(task(), { binCode: "R-01-01-A", units: 7 });
    assert.deepEqual(
      u.sources.map((s) => [s.lot?.code ?? null, s.quantity]),
      [
        ["LB", 22],
        [null, 30],
      ],
    );
    assert.equal(repl.suggestedSource(u).location.code, "R-01-01-A");
    assert.equal(repl.suggestedSource(u).quantity, 22);
  },
  "the last move finishes the task and nothing more is suggested"() {
    const last = { binCode: "R-01-02-A", units: 6 };
    const t = repl.applyMove(task({ remaining: 6, moved: 40 }), last);
    assert.deepEqual([t.moved, t.remaining, t.status], [46, 0, "done"]);
    assert.equal(repl.isDone(t), true);
    assert.equal(repl.suggestedSource(t), null);
    assert.equal(repl.isDone(task()), false);
    assert.equal(repl.isDone(task({ status: "cancelled" })), true);
  },
  "the move carries every scan as scanned and how many of the scanned pack"() {
    assert.deepEqual(
      repl.moveBody({ fromRaw: "LOC-R0101", itemRaw: CASE, packs: 2, toRaw: "LOC-P0101" }),
      { from_bin: "LOC-R0101", item: CASE, quantity: 2, to_bin: "LOC-P0101" },
    );
    assert.equal(repl.moveWords(2, 12, "SKU-1"), "2 cases × SKU-1 (24 units)");
    assert.equal(repl.moveWords(1, 12, "SKU-1"), "1 case × SKU-1 (12 units)");
    assert.equal(repl.moveWords(5, 1, "SKU-1"), "5 × SKU-1");
    assert.equal(repl.lotWords(lotA), "LA (exp 2031-01-31)");
    assert.equal(repl.lotWords(null), null);
  },
  "a refused source says why and where to go instead, more precisely once the server read it"() {
    const t = task();
    const faceScan = repl.sourceRefusal(t, scan("LOC-P0101"), null, true);
    assert.equal(
      faceScan.text,
      "P-01-01-A is the pick face you refill. Take from reserve: Go to R-01-01-A.",
    );
    const none = repl.sourceRefusal(t, scan("C-04-01-C"), null, false);
    assert.equal(none.shown, "Wrong bin: C-04-01-C holds no SKU-1 to take. Go to R-01-01-A.");
    const otherFace = { kind: "location", location: { code: "P-09-01-A", type: "pick_face" } };
    assert.equal(
      repl.sourceRefusal(t, scan("LOC-P0901"), otherFace, false).text,
      "P-09-01-A is a pick face: refill from reserve. Go to R-01-01-A.",
    );
    const anItem = { kind: "item", item: { sku: "SKU-2" } };
    assert.equal(repl.sourceRefusal(t, scan(OTHER), anItem, false).title, "Scan the bin first");
    const empty = task({ sources: [], suggested_source: null, remaining: 46 });
    assert.match(repl.sourceRefusal(empty, scan("X"), null, false).text, /from a reserve bin/);
    const lot = { ok: false, code: "wrong_lot", wanted: ["LA", "LB"], got: "LX" };
    assert.equal(
      repl.itemRefusal(t, "R-01-01-A", lot, scan(CASE)).text,
      "R-01-01-A holds lot LA, LB, not LX.",
    );
    const big = { ok: false, code: "over_move", per: 12, left: 10 };
    assert.equal(repl.itemRefusal(t, "R-01-01-A", big, scan(CASE)).title, "Too many");
    const wrong = repl.itemRefusal(t, "R-01-01-A", { ok: false, code: "wrong_item" }, scan("ZZZ"));
    assert.equal(wrong.text, "ZZZ is not SKU-1 Tea.");
  },
  "each refusal of the server sends the worker back to the step that fixes it"() {
    const steps = Object.fromEntries(
      [
        "wrong_source",
        "insufficient_stock",
        "over_move",
        "wrong_item",
        "wrong_lot",
        "wrong_destination",
        "task_not_yours",
        "task_closed",
        "unknown_barcode",
      ].map((c) => [c, repl.stepAfterRefusal(c)]),
    );
    assert.deepEqual(steps, {
      wrong_source: "source",
      insufficient_stock: "source",
      over_move: "source",
      wrong_item: "item",
      wrong_lot: "item",
      wrong_destination: "dest",
      task_not_yours: "start",
      task_closed: "start",
      unknown_barcode: "source",
    });
  },
};

runNamedRules(tests);
