// The dashboards' card rules (server/scanfloor/console/static/console_reports_rules.js):
// which filters a figure is sent, its headline, which chart (if any) its report gets, how a
// row drills down, and how a cell reads. The reports below have the API's shape
// (api/reports_schemas.py); the cards themselves are checked in the browser by
// tests/e2e/test_reports_console_browser.py.
// Prints {"passed": [names], "failed": {name: why}} as JSON and exits 1 if any rule failed.
// Run by tests/unit/test_console_reports.py, or alone: node tests/unit/js/run_console_reports.mjs

import assert from "node:assert/strict";
import { dirname, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { runNamedRules } from "./named_rules.mjs";

const file = resolve(
  dirname(fileURLToPath(import.meta.url)),
  "../../../server/scanfloor/console/static/console_reports_rules.js",
);
const R = await import(pathToFileURL(file).href);

const FILL = {
  id: "line_fill", title: "Line fill rate", unit: "ratio (0 to 1)",
  filters: ["date_range", "warehouse", "channel"], breakdowns: ["channel", "warehouse"],
};
const FILL_COLUMNS = [
  { name: "judged", title: "Lines judged", type: "integer" },
  { name: "filled", title: "Lines filled", type: "integer" },
  { name: "rate", title: "Fill rate", type: "decimal" },
];
const TREND = {
  id: "adjustment_trend", title: "Adjustment and shrink trend", unit: "units and money",
  filters: ["date_range", "warehouse", "zone", "worker"], breakdowns: ["location", "zone", "worker", "item"],
};
const TREND_COLUMNS = [
  { name: "week", title: "Week", type: "text" },
  { name: "shrink_units", title: "Shrink (units)", type: "integer" },
  { name: "shrink_value", title: "Shrink (value)", type: "decimal" },
  { name: "scrapped_value", title: "Scrapped (value)", type: "decimal" },
];
const week = (label, w, units, value, scrapped = "0.00") => ({
  label, cells: { week: w, shrink_units: units, shrink_value: value, scrapped_value: scrapped },
});

const tests = {
  "a figure is sent only the filters it takes, so the API never refuses one with 422"() {
    const ageing = { id: "backorder_ageing", filters: ["warehouse", "channel"] };
    const bar = { from: "2026-11-10", to: "2026-12-07", warehouse: "WH1", channel: "", zone: "A", worker: "w1" };
    assert.deepEqual(R.queryFor(ageing, bar, ""), { warehouse: "WH1" }, "no dates, no zone, no worker");
    assert.deepEqual(R.queryFor(TREND, bar, "item"),
      { from: "2026-11-10", to: "2026-12-07", warehouse: "WH1", zone: "A", worker: "w1", by: "item" });
  },
  "the filter bar offers what some figure of the tab takes, in the bar's order"() {
    assert.deepEqual(R.filtersTaken([FILL, { filters: ["warehouse", "supplier"] }]),
      ["date_range", "warehouse", "channel", "supplier"]);
    assert.deepEqual(R.filtersTaken([]), []);
  },
  "the default period is the 28 days to today, today included"() {
    assert.deepEqual(R.defaultRange(new Date(2026, 11, 7, 23, 30)), { from: "2026-11-10", to: "2026-12-07" });
    assert.deepEqual(R.defaultRange(new Date(2026, 2, 1)), { from: "2026-02-02", to: "2026-03-01" });
  },
  "a card opens with its plan's breakdown only when the figure takes it"() {
    assert.equal(R.defaultBy(FILL), "channel");
    assert.equal(R.defaultBy({ ...FILL, breakdowns: ["warehouse"] }), "");
    assert.equal(R.defaultBy(TREND), "", "a weekly series opens all together");
  },
  "the headline is the total row's figure, a rate as a percentage"() {
    const report = {
      by: "channel", columns: FILL_COLUMNS,
      rows: [{ label: "WEB", cells: { judged: 4, filled: 3, rate: "0.7500" } }],
      total: { label: null, cells: { judged: 10, filled: 9, rate: "0.9000" } },
    };
    assert.deepEqual(R.headline(FILL, report), [{ term: "Fill rate", value: "90.0%" }]);
  },
  "a weekly series without a total adds its weeks up for the headline, to the cent"() {
    const report = {
      by: null, columns: TREND_COLUMNS, total: null,
      rows: [week(null, "2026-W49", 1, "0.10"), week(null, "2026-W50", 2, "0.20")],
    };
    // 0.10 + 0.20 is 0.30 (not 0.30000000000000004); 1 + 2 units = 3.
    assert.deepEqual(R.headline(TREND, report), [
      { term: "Shrink (value), all weeks", value: "0.30" },
      { term: "Shrink (units), all weeks", value: "3" },
    ]);
  },
  "a list of flags is headlined by how many there are, and gets no chart"() {
    const flags = { id: "unusual_losses", title: "Unusual losses", filters: [], breakdowns: [] };
    const report = { by: null, columns: [{ name: "score", title: "Score", type: "decimal" }], total: null,
      rows: [{ label: "a", cells: { score: "4.1" } }, { label: "b", cells: { score: "3.9" } }] };
    assert.deepEqual(R.headline(flags, report), [{ term: "Unusual losses", value: "2 flags" }]);
    assert.equal(R.chartPlan(flags, report), null);
    assert.deepEqual(R.headline(flags, { ...report, rows: [] }), [{ term: "Unusual losses", value: "0 flags" }]);
  },
  "rows named per group with no total headline the first row, named by its label"() {
    const perf = { id: "supplier_performance", title: "Supplier OTIF", breakdowns: ["supplier"] };
    const report = { by: null, total: null, columns: [{ name: "otif_rate", title: "On time in full", type: "decimal" }],
      rows: [{ label: "ACME", cells: { otif_rate: "0.3077" } }, { label: "BOLT", cells: { otif_rate: "1" } }] };
    assert.deepEqual(R.headline(perf, report), [{ term: "On time in full (ACME)", value: "30.8%" }]);
    const plan = R.chartPlan(perf, report);
    assert.equal(plan.kind, "bar");
    assert.equal(plan.spec.xLabel, "Supplier", "the figure's one breakdown names the axis");
  },
  "a rate broken down by channel is bars per channel on a 0 to 1 axis"() {
    const report = {
      by: "channel", columns: FILL_COLUMNS, total: null,
      rows: [{ label: "MARKET", cells: { rate: "1.0000" } }, { label: "WEB", cells: { rate: "0.5000" } }],
    };
    const plan = R.chartPlan(FILL, report);
    assert.equal(plan.kind, "bar");
    assert.deepEqual(plan.spec.categories, ["MARKET", "WEB"]);
    assert.deepEqual(plan.spec.series, [{ name: "Fill rate", values: [1, 0.5] }]);
    assert.deepEqual([plan.spec.min, plan.spec.max, plan.spec.xLabel], [0, 1, "Channel"]);
    assert.equal(plan.spec.format(0.5), "50.0%");
    assert.equal(plan.spec.description, "Line fill rate per channel. Fill rate: MARKET 100.0%, WEB 50.0%.");
  },
  "one figure alone gets no chart: a number is read, not looked at"() {
    const report = { by: null, columns: FILL_COLUMNS, total: { label: null, cells: { rate: "0.9" } }, rows: [] };
    assert.equal(R.chartPlan(FILL, report), null);
    const one = { ...report, total: null, rows: [{ label: null, cells: { rate: "0.9" } }] };
    assert.equal(R.chartPlan(FILL, one), null);
  },
  "a weekly series is a trend line in week order, a line per drawn column"() {
    const report = {
      by: null, columns: TREND_COLUMNS, total: null,
      rows: [week(null, "2026-W50", 3, "12.33", "1.00"), week(null, "2026-W49", 0, "0.00")],
    };
    const plan = R.chartPlan(TREND, report);
    assert.equal(plan.kind, "line");
    assert.deepEqual(plan.spec.categories, ["2026-W49", "2026-W50"]);
    assert.deepEqual(plan.spec.series.map((s) => [s.name, s.values]),
      [["Shrink (value)", [0, 12.33]], ["Scrapped (value)", [0, 1]]]);
    assert.equal(plan.spec.yLabel, "Value at cost");
    assert.match(plan.spec.description, /from 2026-W49 to 2026-W50\. Latest: Shrink \(value\): 2026-W50 12\.33/);
  },
  "a weekly series broken down is a line per group, the four largest kept, a gap where a group has no week"() {
    const rows = [
      week("A", "2026-W49", 0, "1.00"), week("A", "2026-W50", 0, "1.00"),
      week("B", "2026-W50", 0, "9.00"), week("C", "2026-W50", 0, "-5.00"),
      week("D", "2026-W50", 0, "3.00"), week("E", "2026-W50", 0, "2.50"),
    ];
    const plan = R.chartPlan(TREND, { by: "location", columns: TREND_COLUMNS, total: null, rows });
    // |sums|: A 2, B 9, C 5, D 3, E 2.5 -> B, C, D, E kept (in the order first seen), A left out.
    assert.deepEqual(plan.spec.series.map((s) => s.name), ["B", "C", "D", "E"]);
    assert.deepEqual(plan.spec.series[0].values, [null, 9], "B has no 2026-W49 row: a gap, not 0");
    assert.match(plan.spec.description, /The 4 largest of 5 groups; the table has all\./);
  },
  "an ageing histogram keeps its buckets in the report's order"() {
    const ageing = { id: "backorder_ageing", title: "Backorder ageing", unit: "units and money", filters: [], breakdowns: ["channel"] };
    const columns = [{ name: "bucket", title: "Age (days)", type: "text" }, { name: "units", title: "Units waiting", type: "integer" }];
    const rows = ["0-2", "3-7", "8-14", "15-30", ">30"].map((b, i) => ({ label: null, cells: { bucket: b, units: i } }));
    const plan = R.chartPlan(ageing, { by: null, columns, rows, total: { label: null, cells: { bucket: "all", units: 10 } } });
    assert.equal(plan.kind, "bar");
    assert.deepEqual(plan.spec.categories, ["0-2", "3-7", "8-14", "15-30", ">30"]);
    assert.equal(plan.spec.integer, true, "units: whole-number ticks");
    assert.equal(plan.spec.xLabel, "Age (days)");
  },
  "bars stop at twelve groups and say so; the table keeps every row"() {
    const rows = Array.from({ length: 15 }, (_, i) => ({ label: `I${i}`, cells: { rate: "0.5" } }));
    const plan = R.chartPlan(FILL, { by: "warehouse", columns: FILL_COLUMNS, rows, total: null });
    assert.equal(plan.spec.categories.length, 12);
    assert.match(plan.spec.description, /The first 12 of 15; the table has all\.$/);
  },
  "a row drills down by its label under the same filters; the total drills down to every record"() {
    const query = { from: "2026-11-10", to: "2026-12-07", channel: "WEB", by: "channel" };
    const report = { columns: FILL_COLUMNS };
    assert.deepEqual(R.drillQuery(FILL, report, query, { label: "WEB", cells: {} }), { ...query, group: "WEB" });
    assert.deepEqual(R.drillQuery(FILL, report, query, null), query);
  },
  "a week's row drills down to that week's days, inside the range asked for"() {
    const query = { from: "2026-11-10", to: "2026-12-09" };
    const report = { columns: TREND_COLUMNS };
    // 2026-W46 is Mon 9 to Sun 15 November: it starts before the range, so from stays the 10th.
    assert.deepEqual(R.drillQuery(TREND, report, query, week(null, "2026-W46", 0, "0")),
      { from: "2026-11-10", to: "2026-11-15" });
    // 2026-W50 is Mon 7 to Sun 13 December: it ends after the range, so to stays the 9th.
    assert.deepEqual(R.drillQuery(TREND, report, query, week("P-1", "2026-W50", 0, "0")),
      { from: "2026-12-07", to: "2026-12-09", group: "P-1" });
  },
  "ISO weeks and months have their first and last days, across a year's end"() {
    assert.deepEqual(R.isoWeekRange("2026-W01"), ["2025-12-29", "2026-01-04"]);
    assert.deepEqual(R.isoWeekRange("2020-W53"), ["2020-12-28", "2021-01-03"]);
    assert.deepEqual(R.periodRange("month", "2028-02"), ["2028-02-01", "2028-02-29"]);
    assert.deepEqual(R.periodRange("day", "2026-12-07"), ["2026-12-07", "2026-12-07"]);
    assert.equal(R.isoWeekRange("week 50"), null);
  },
  "a cell reads as its type says: rates in percent, integers grouped, decimals exact, a dash for none"() {
    assert.equal(R.formatCell("0.0700", { name: "rate", type: "decimal" }), "7.0%");
    assert.equal(R.formatCell("0.3077", { name: "lead_time_within_rate", type: "decimal" }), "30.8%");
    assert.equal(R.formatCell("48.45", { name: "margin_pct", type: "decimal" }), "48.45%");
    assert.equal(R.formatCell(1234567, { name: "units", type: "integer" }), "1,234,567");
    assert.equal(R.formatCell("799096.37", { name: "closing_value", type: "decimal" }), "799096.37");
    assert.equal(R.formatCell(null, { name: "p50_hours", type: "decimal" }), "\u2013");
    assert.equal(R.titleOf("abc_class"), "ABC class");
  },
};

runNamedRules(tests);
