/* Scanfloor console: small charts drawn as inline SVG, an ES module shared by the pages.
 *
 * No chart library is vendored: the console's Content-Security-Policy refuses inline
 * <style> elements and style attributes, which chart libraries inject. So the SVG is built
 * with document.createElementNS, coloured by classes (console_chart.css) and presentation
 * attributes only, and every value from the API goes in with textContent.
 *
 * Every chart is a <figure>: its title (a <figcaption>, which wraps on a phone as SVG text
 * cannot), the SVG (role="img", named by its <title> and <desc>, with axis labels) and,
 * always beside it, a table of the same numbers, which is what a screen reader or a
 * keyboard user reads. A missing value (null) breaks the line
 * rather than drawing it as 0; series are told apart by marker shape and dash, not colour
 * alone.
 *
 * The geometry (ticks, scales, points) is pure and exported, so node runs its unit tests
 * (tests/unit/js/run_console_chart.mjs); only lineChart/barChart touch the document. */

const SVG_NS = "http://www.w3.org/2000/svg";
const MARGIN = { top: 14, right: 16, bottom: 48, left: 60 };
const MIN_WIDTH = 280;
const MAX_WIDTH = 720;
let chartCount = 0;

/* A "nice" step (1, 2, 2.5 or 5 times a power of ten) near span / count. */
export function niceStep(span, count) {
  if (!(span > 0) || !(count > 0)) return 1;
  const raw = span / count;
  const power = Math.pow(10, Math.floor(Math.log10(raw)));
  const fraction = raw / power;
  const nice = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 2.5 ? 2.5 : fraction <= 5 ? 5 : 10;
  return nice * power;
}

function decimalsOf(step) {
  const text = String(step);
  if (text.includes("e-")) return Number(text.split("e-")[1]) + 1;
  const dot = text.indexOf(".");
  return dot < 0 ? 0 : text.length - dot - 1;
}

/* The value axis: its low and high ends and the ticks between them. Given `min`/`max` the
 * ends are those exactly (a rate is 0 to 1); otherwise they come from the values, widened
 * to whole steps, and 0 is always on the axis (a bar or a rate measured from 0). With
 * `integer` (counts) no tick falls between whole numbers. */
export function valueAxis(values, options = {}, count = 5) {
  const finite = values.filter((v) => typeof v === "number" && Number.isFinite(v));
  let lo = options.min ?? Math.min(0, ...finite);
  let hi = options.max ?? Math.max(0, ...finite);
  if (!(hi > lo)) hi = lo + 1;
  let step = niceStep(hi - lo, count);
  if (options.integer) step = Math.max(1, Math.ceil(step));
  if (options.min === undefined || options.min === null) lo = Math.floor(lo / step) * step;
  if (options.max === undefined || options.max === null) hi = Math.ceil(hi / step) * step;
  const places = decimalsOf(step);
  const ticks = [];
  for (let k = Math.ceil(lo / step - 1e-9); k * step <= hi + step * 1e-9; k += 1) {
    ticks.push(Number((k * step).toFixed(places)));
  }
  return { lo, hi, step, ticks };
}

/* Which category labels fit under the axis: every k-th, k the smallest that leaves each
 * label `room` px (the first is always shown). */
export function labelStride(count, plotWidth, room = 56) {
  if (count <= 1) return 1;
  const fits = Math.max(1, Math.floor(plotWidth / room));
  return Math.max(1, Math.ceil(count / fits));
}

function seriesValues(spec) {
  return (spec.series || []).flatMap((s) => s.values || []);
}

function isValue(v) {
  return typeof v === "number" && Number.isFinite(v);
}

/* Everything a chart draws, in SVG user units, for a viewBox `width` x `height`:
 * the plot area, the value axis with each tick's y, each category's x (and its bar band),
 * and per series its points (null values left out) and its line segments (runs of
 * consecutive values; a null breaks the line). */
export function layout(spec, width = 640, height = 300, kind = "line") {
  const categories = spec.categories || [];
  const series = spec.series || [];
  const plot = {
    left: MARGIN.left,
    top: MARGIN.top,
    right: width - MARGIN.right,
    bottom: height - MARGIN.bottom,
  };
  plot.width = plot.right - plot.left;
  plot.height = plot.bottom - plot.top;
  const axis = valueAxis(seriesValues(spec), { min: spec.min, max: spec.max, integer: spec.integer });
  const y = (v) => plot.bottom - ((v - axis.lo) / (axis.hi - axis.lo)) * plot.height;
  const n = categories.length;
  const band = n > 0 ? plot.width / n : plot.width;
  // Lines run edge to edge; bars sit in the middle of their band.
  const x = (i) =>
    kind === "bar" || n === 1 ? plot.left + band * (i + 0.5) : plot.left + (i * plot.width) / (n - 1);
  const barWidth = series.length ? (band * 0.7) / series.length : 0;
  const zeroY = y(Math.min(Math.max(0, axis.lo), axis.hi));
  const drawn = series.map((s, si) => {
    const points = [];
    const segments = [];
    let run = [];
    categories.forEach((category, i) => {
      const value = (s.values || [])[i];
      if (!isValue(value)) {
        if (run.length) segments.push(run);
        run = [];
        return;
      }
      const point = { index: i, category, value, x: x(i), y: y(value) };
      if (kind === "bar") {
        point.barX = plot.left + band * i + band * 0.15 + barWidth * si;
        point.barWidth = barWidth;
        point.barY = Math.min(point.y, zeroY);
        point.barHeight = Math.abs(zeroY - point.y);
      }
      points.push(point);
      run.push(point);
    });
    if (run.length) segments.push(run);
    return { name: s.name, points, segments };
  });
  return {
    width,
    height,
    plot,
    axis,
    ticks: axis.ticks.map((value) => ({ value, y: y(value) })),
    categories: categories.map((label, i) => ({ label, x: x(i) })),
    stride: labelStride(n, plot.width),
    series: drawn,
  };
}

/* The points of a segment as an SVG "points" attribute, to 1 decimal. */
export function pointsAttribute(segment) {
  return segment.map((p) => `${p.x.toFixed(1)},${p.y.toFixed(1)}`).join(" ");
}

// ---- drawing (browser only) -------------------------------------------------------------

function svg(name, attrs, parent) {
  const el = document.createElementNS(SVG_NS, name);
  Object.entries(attrs || {}).forEach(([k, v]) => el.setAttribute(k, String(v)));
  if (parent) parent.appendChild(el);
  return el;
}

function text(parent, content, attrs) {
  const el = svg("text", attrs, parent);
  el.textContent = content;
  return el;
}

function html(name, className, content) {
  const el = document.createElement(name);
  if (className) el.className = className;
  if (content !== undefined) el.textContent = content;
  return el;
}

function plainFormat(v) {
  return isValue(v) ? v.toLocaleString() : "\u2013";
}

function drawAxes(root, spec, geo, format) {
  const { plot } = geo;
  const grid = svg("g", { class: "chart-grid" }, root);
  geo.ticks.forEach((t) => {
    svg("line", { x1: plot.left, x2: plot.right, y1: t.y, y2: t.y }, grid);
    text(grid, (spec.tickFormat || format)(t.value), { x: plot.left - 6, y: t.y + 4, "text-anchor": "end", class: "chart-tick" });
  });
  const axes = svg("g", { class: "chart-axis" }, root);
  svg("line", { x1: plot.left, x2: plot.left, y1: plot.top, y2: plot.bottom }, axes);
  svg("line", { x1: plot.left, x2: plot.right, y1: plot.bottom, y2: plot.bottom }, axes);
  geo.categories.forEach((c, i) => {
    if (i % geo.stride !== 0) return;
    text(axes, String(c.label), { x: c.x, y: plot.bottom + 18, "text-anchor": "middle", class: "chart-tick" });
  });
  if (spec.xLabel) {
    text(root, spec.xLabel, {
      x: plot.left + plot.width / 2, y: geo.height - 8, "text-anchor": "middle", class: "chart-label",
    });
  }
  if (spec.yLabel) {
    const cy = plot.top + plot.height / 2;
    text(root, spec.yLabel, {
      x: 14, y: cy, "text-anchor": "middle", transform: `rotate(-90 14 ${cy})`, class: "chart-label",
    });
  }
}

function marker(group, p, si, kind, label) {
  let el;
  if (kind === "bar") {
    el = svg("rect", { x: p.barX, y: p.barY, width: p.barWidth, height: Math.max(p.barHeight, 1) }, group);
  } else if (si % 2 === 1) {
    el = svg("rect", { x: p.x - 4, y: p.y - 4, width: 8, height: 8 }, group);
  } else {
    el = svg("circle", { cx: p.x, cy: p.y, r: 4 }, group);
  }
  el.setAttribute("class", "chart-point");
  el.setAttribute("data-index", String(p.index));
  el.setAttribute("data-value", String(p.value));
  const tip = svg("title", {}, el);  // a pointer's tooltip; the table is the accessible copy
  tip.textContent = label;
  return el;
}

function drawSeries(root, geo, kind, format) {
  geo.series.forEach((s, si) => {
    const group = svg("g", { class: `chart-series series-${si % 4}`, "data-series": s.name }, root);
    if (kind === "line") {
      s.segments.forEach((seg) => {
        if (seg.length > 1) svg("polyline", { points: pointsAttribute(seg), fill: "none" }, group);
      });
    }
    s.points.forEach((p) => marker(group, p, si, kind, `${p.category} \u00b7 ${s.name}: ${format(p.value)}`));
  });
}

function legend(spec, kind) {
  const list = html("ul", "chart-legend");
  (spec.series || []).forEach((s, si) => {
    const li = html("li", `series-${si % 4}`);
    const key = html("span", `chart-key chart-key-${kind}${si % 2 === 1 ? " chart-key-alt" : ""}`);
    key.setAttribute("aria-hidden", "true");
    li.appendChild(key);
    li.appendChild(document.createTextNode(s.name));
    list.appendChild(li);
  });
  return list;
}

/* The same numbers as a table: one row per category, one column per series. */
export function dataTable(spec, format = plainFormat) {
  const wrap = html("div", "table-wrap chart-table");
  wrap.tabIndex = 0;
  wrap.setAttribute("role", "region");
  wrap.setAttribute("aria-label", `${spec.title}: data`);
  const table = html("table");
  table.appendChild(html("caption", "", `${spec.title}: data`));
  const head = table.createTHead().insertRow();
  const corner = html("th", "", spec.xLabel || "");
  corner.scope = "col";
  head.appendChild(corner);
  (spec.series || []).forEach((s) => {
    const th = html("th", "num", s.name);
    th.scope = "col";
    head.appendChild(th);
  });
  const body = table.createTBody();
  (spec.categories || []).forEach((category, i) => {
    const tr = body.insertRow();
    const th = html("th", "", String(category));
    th.scope = "row";
    tr.appendChild(th);
    (spec.series || []).forEach((s) => {
      const v = (s.values || [])[i];
      tr.appendChild(html("td", "num", isValue(v) ? format(v) : "\u2013"));
    });
  });
  if (!(spec.categories || []).length) {
    const td = html("td", "muted", "No data.");
    td.colSpan = 1 + (spec.series || []).length;
    body.insertRow().appendChild(td);
  }
  wrap.appendChild(table);
  return wrap;
}

function chart(host, spec, kind) {
  const format = spec.format || plainFormat;
  chartCount += 1;
  const id = `chart-${chartCount}`;
  const figure = html("figure", `chart chart-${kind}`);
  const caption = html("figcaption", "chart-title", spec.title);
  figure.appendChild(caption);
  const picture = html("div", "chart-picture");
  figure.appendChild(picture);
  figure.appendChild(dataTable(spec, format));
  while (host.firstChild) host.removeChild(host.firstChild);
  host.appendChild(figure);
  // The viewBox is as wide as the space the picture gets (within limits), so its text is
  // drawn near 1:1 on a phone as on a desk, not shrunk with the picture.
  const measured = picture.clientWidth || MAX_WIDTH;
  const width = Math.round(Math.min(MAX_WIDTH, Math.max(MIN_WIDTH, measured)));
  const geo = layout(spec, width, spec.height || 300, kind);

  const root = svg("svg", {
    viewBox: `0 0 ${geo.width} ${geo.height}`,
    role: "img",
    "aria-labelledby": `${id}-title ${id}-desc`,
    class: "chart-svg",
  });
  svg("title", { id: `${id}-title` }, root).textContent = spec.title;
  svg("desc", { id: `${id}-desc` }, root).textContent = spec.description || "";
  drawAxes(root, spec, geo, format);
  if (!(spec.categories || []).length) {
    text(root, "No data yet", {
      x: geo.plot.left + geo.plot.width / 2, y: geo.plot.top + geo.plot.height / 2,
      "text-anchor": "middle", class: "chart-empty",
    });
  }
  drawSeries(root, geo, kind, format);
  picture.appendChild(root);
  if ((spec.series || []).length > 1) picture.appendChild(legend(spec, kind));
  return figure;
}

/* A line chart of `spec` in `host` (its content replaced): {title, description, xLabel,
 * yLabel, categories: [label], series: [{name, values: [number|null]}], min?, max?,
 * integer? (counts: whole-number ticks), format?(value) -> text (table and tooltips),
 * tickFormat?(value) -> text (the axis; default format), height?}. Returns the <figure>. */
export function lineChart(host, spec) {
  return chart(host, spec, "line");
}

/* The same as bars (grouped side by side when there are several series). */
export function barChart(host, spec) {
  return chart(host, spec, "bar");
}
