// The console's chart geometry (server/scanfloor/console/static/console_chart.js): ticks,
// scales and the points and line segments it draws. The drawing itself (SVG in a page) is
// checked in the browser by tests/e2e/test_purchasing_console_browser.py.
// Prints {"passed": [names], "failed": {name: why}} as JSON and exits 1 if any rule failed.
// Run by tests/unit/test_console_chart.py, or alone: node tests/unit/js/run_console_chart.mjs

import assert from "node:assert/strict";
import { dirname, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { runNamedRules } from "./named_rules.mjs";

const file = resolve(
  dirname(fileURLToPath(import.meta.url)),
  "../../../server/scanfloor/console/static/console_chart.js",
);
const chart = await import(pathToFileURL(file).href);

const near = (actual, expected, why) => assert.ok(Math.abs(actual - expected) < 1e-9, `${why}: ${actual} != ${expected}`);

const tests = {
  "a step is 1, 2, 2.5 or 5 times a power of ten, at least span / count"() {
    assert.equal(chart.niceStep(100, 5), 20);
    assert.equal(chart.niceStep(1, 5), 0.2);
    assert.equal(chart.niceStep(12, 5), 2.5);
    assert.equal(chart.niceStep(0.9, 4), 0.25);
    assert.equal(chart.niceStep(730, 5), 200);
    assert.equal(chart.niceStep(7, 5), 2);
    assert.equal(chart.niceStep(0, 5), 1, "no span: a step of 1, never 0 (an endless loop)");
  },
  "a rate's axis runs exactly 0 to 1 in fifths whatever the values"() {
    const axis = chart.valueAxis([0.93, 0.5, null], { min: 0, max: 1 });
    assert.deepEqual([axis.lo, axis.hi], [0, 1]);
    assert.deepEqual(axis.ticks, [0, 0.2, 0.4, 0.6, 0.8, 1], "no 0.6000000000000001");
  },
  "a free axis starts at 0 and widens to the next whole step above the largest value"() {
    const axis = chart.valueAxis([3, 17, 11]);
    assert.equal(axis.lo, 0);
    assert.equal(axis.hi, 20);
    assert.deepEqual(axis.ticks, [0, 5, 10, 15, 20]);
  },
  "counts get whole-number ticks even when the largest is 1 or 2"() {
    assert.deepEqual(chart.valueAxis([1, 0], { integer: true }).ticks, [0, 1]);
    assert.deepEqual(chart.valueAxis([2, 1], { integer: true }).ticks, [0, 1, 2]);
    assert.deepEqual(chart.valueAxis([1, 0]).ticks, [0, 0.2, 0.4, 0.6, 0.8, 1], "without: fifths");
    const g = chart.layout({ categories: ["a"], series: [{ name: "n", values: [3] }], integer: true }, 400, 300, "bar");
    assert.ok(g.ticks.every((t) => Number.isInteger(t.value)));
  },
  "negative values take the axis below 0 and 0 stays a tick"() {
    const axis = chart.valueAxis([-3, 8]);
    assert.ok(axis.lo <= -3 && axis.hi >= 8);
    assert.ok(axis.ticks.includes(0));
  },
  "no values, or all equal to 0, still give an axis with a height"() {
    for (const values of [[], [null, null], [0, 0]]) {
      const axis = chart.valueAxis(values);
      assert.ok(axis.hi > axis.lo, JSON.stringify(values));
      assert.ok(axis.ticks.length >= 2);
    }
  },
  "values map onto the plot: the axis low at its bottom, the high at its top"() {
    const spec = { categories: ["a", "b", "c"], series: [{ name: "s", values: [0, 0.5, 1] }], min: 0, max: 1 };
    const g = chart.layout(spec, 400, 300);
    const [p0, p1, p2] = g.series[0].points;
    near(p0.y, g.plot.bottom, "0 at the bottom");
    near(p2.y, g.plot.top, "1 at the top");
    near(p1.y, (g.plot.top + g.plot.bottom) / 2, "0.5 half way");
    near(p0.x, g.plot.left, "a line starts at the left edge");
    near(p2.x, g.plot.right, "and ends at the right edge");
    near(p1.x - p0.x, p2.x - p1.x, "categories are evenly spaced");
  },
  "a missing month breaks the line into two segments and draws no point for it"() {
    const spec = { categories: ["01", "02", "03", "04", "05"], series: [{ name: "OTIF", values: [1, 0.8, null, 0.5, 0.9] }] };
    const g = chart.layout(spec, 640, 300);
    const s = g.series[0];
    assert.deepEqual(s.points.map((p) => p.index), [0, 1, 3, 4]);
    assert.deepEqual(s.segments.map((seg) => seg.map((p) => p.index)), [[0, 1], [3, 4]]);
    assert.equal(chart.pointsAttribute(s.segments[0]).split(" ").length, 2);
  },
  "one month alone sits in the middle of the plot"() {
    const g = chart.layout({ categories: ["2024-05"], series: [{ name: "s", values: [4] }] }, 500, 300);
    near(g.series[0].points[0].x, (g.plot.left + g.plot.right) / 2, "centred");
  },
  "bars stand on 0 in their band, side by side per series, never overlapping"() {
    const spec = {
      categories: ["a", "b"],
      series: [{ name: "x", values: [10, 5] }, { name: "y", values: [4, null] }],
    };
    const g = chart.layout(spec, 600, 300, "bar");
    const [x0, x1] = g.series[0].points;
    const [y0] = g.series[1].points;
    near(x0.barY + x0.barHeight, g.plot.bottom, "a bar's foot is the 0 line");
    near(x0.barHeight, 2 * x1.barHeight, "10 is twice as tall as 5");
    assert.ok(x0.barX + x0.barWidth <= y0.barX + 1e-9, "series side by side");
    assert.ok(y0.barX + y0.barWidth <= g.plot.left + (g.plot.width / 2) + 1e-9, "inside its band");
    assert.equal(g.series[1].points.length, 1, "no bar for a missing value");
  },
  "category labels thin out to what fits under the axis, never overlapping"() {
    assert.equal(chart.labelStride(12, 600), 2, "12 months in 600 px: 10 labels fit, so every 2nd");
    assert.equal(chart.labelStride(12, 700), 1);
    assert.equal(chart.labelStride(36, 300), 8);
    assert.equal(chart.labelStride(1, 50), 1);
  },
  "every tick's y lies inside the plot"() {
    const g = chart.layout({ categories: ["a", "b"], series: [{ name: "s", values: [3, 97] }] }, 640, 300);
    for (const t of g.ticks) assert.ok(t.y >= g.plot.top - 1e-9 && t.y <= g.plot.bottom + 1e-9, String(t.value));
    assert.equal(g.ticks[0].value, 0);
    assert.equal(g.ticks.at(-1).value, 100);
  },
};

runNamedRules(tests);
