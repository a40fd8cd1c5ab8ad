/* Scanfloor console, dashboards: the pure rules that turn any KPI report of
 * GET /api/v1/reports/kpis/<id> into a card (an ES module; no document access, so node
 * runs its unit tests: tests/unit/js/run_console_reports.mjs).
 *
 * Every figure answers in one shape (api/reports_schemas.py): typed columns, rows
 * {label, cells} (label: the group of the breakdown, null for all) and maybe a total. So a
 * card is chosen from the shape, generically, and a small map (PLANS) overrides what the
 * shape cannot say: which column is the headline, the breakdown a card opens with, or that
 * a list of flags is read, not charted.
 *
 * - Headline: the plan's column (else the first decimal column, else the first integer
 *   one) in the total row, else in the only row, else summed over the rows (a plan with
 *   `sum`: a weekly series), else in the first row, named with its label.
 * - Chart: rows along a period column (week, month, day) are a trend line; along an
 *   ordered category column (an ageing bucket) a histogram; rows per group of a
 *   breakdown are bars per group. One figure, or a list (flags, ranked exceptions), gets no
 *   chart: a number is read, not looked at. At most MAX_SERIES lines and MAX_BARS bars;
 *   the table beside the chart always has every row.
 * - Only the filters a KPI lists are sent (the API refuses any other with 422).
 * - A row drills down to its records by its label; a row of a period narrows the dates to
 *   that week or month (within the range asked for). */

export const DATE_RANGE = "date_range";
export const DIMENSIONS = ["warehouse", "channel", "zone", "abc_class", "supplier", "worker"];
export const PERIOD_COLUMNS = ["week", "month", "day"];
export const CATEGORY_COLUMNS = ["bucket"];
export const MAX_SERIES = 4;
export const MAX_BARS = 12;
export const DEFAULT_DAYS = 28;
// The dashboards in the order of their tabs, each with what it is for (dashboards.py).
export const DASHBOARD_TITLES = {
  operations: { title: "Operations", about: "Queues, exceptions, ageing alerts and throughput." },
  purchasing: { title: "Purchasing", about: "Suppliers' performance, stock-outs and days of supply." },
  finance: { title: "Finance", about: "Margin, working capital and shrink in money." },
  executive: {
    title: "Executive",
    about: "Trends, service level, working capital and the exception summary.",
  },
};

/* What a card cannot read from the report's shape (module docstring). headline: column;
 * also: more columns shown beside it; sum: the headline adds up the rows; by: the
 * breakdown the card opens with; series: the columns drawn (yLabel: their axis, when
 * several); chart: "none" for a list; count: the headline is the number of rows, in this
 * noun. */
export const PLANS = {
  line_fill: { headline: "rate", by: "channel" },
  unit_fill: { headline: "rate", by: "channel" },
  order_fill: { headline: "rate", by: "channel" },
  order_cycle_time: { headline: "p50_hours", also: ["p90_hours"], by: "channel", series: ["p50_hours", "p90_hours"] },
  dock_to_stock: { headline: "p50_hours", also: ["p90_hours"], series: ["p50_hours", "p90_hours"] },
  return_disposition_time: { headline: "p50_hours", also: ["p90_hours"], series: ["p50_hours", "p90_hours"] },
  uninspected_queue_age: { headline: "oldest_hours", also: ["returns"] },
  backorder_ageing: { headline: "units", also: ["value"], series: ["units"] },
  inventory_record_accuracy: { headline: "rate", also: ["value_rate"], by: "zone", series: ["rate", "value_rate"] },
  adjustment_trend: {
    headline: "shrink_value", also: ["shrink_units"], sum: true,
    series: ["shrink_value", "scrapped_value"], yLabel: "Value at cost",
  },
  pick_productivity: { headline: "units_per_hour", also: ["lines_per_hour"], by: "worker" },
  unusual_losses: { count: "flag", chart: "none" },
  repeated_small_losses: { count: "flag", chart: "none" },
  exception_priority: { count: "exception", chart: "none" },
  supplier_performance: { headline: "otif_rate", series: ["otif_rate", "lead_time_within_rate"] },
  stockout_days: { headline: "stockout_days", also: ["rate"], series: ["stockout_days"] },
  inventory_turns: { headline: "turns", also: ["annualised_turns"], by: "category" },
  days_of_supply: { headline: "days_of_supply", by: "category" },
  gross_margin: { headline: "gross_margin", also: ["margin_pct"], by: "channel", series: ["gross_margin", "net_revenue"] },
};

export function planOf(kpiId) {
  return PLANS[kpiId] || {};
}

/* The breakdown a card opens with: the plan's, when the KPI takes it. */
export function defaultBy(kpi) {
  const by = planOf(kpi.id).by;
  return by && (kpi.breakdowns || []).includes(by) ? by : "";
}

function blank(v) {
  return v === undefined || v === null || v === "";
}

/* The query of a KPI's report: only the filters it takes, and the breakdown. */
export function queryFor(kpi, filters, by) {
  const takes = kpi.filters || [];
  const q = {};
  if (takes.includes(DATE_RANGE)) {
    if (!blank(filters.from)) q.from = filters.from;
    if (!blank(filters.to)) q.to = filters.to;
  }
  DIMENSIONS.forEach((name) => {
    if (takes.includes(name) && !blank(filters[name])) q[name] = filters[name];
  });
  if (!blank(by)) q.by = by;
  return q;
}

/* The filters (by name) any of these KPIs takes: the filter bar shows those. */
export function filtersTaken(kpis) {
  const names = new Set();
  kpis.forEach((k) => (k.filters || []).forEach((f) => names.add(f)));
  return [DATE_RANGE, ...DIMENSIONS].filter((n) => names.has(n));
}

function isoDay(d) {
  return d.toISOString().slice(0, 10);
}

/* The last DEFAULT_DAYS days to `today` (a Date; its local calendar day), both included. */
export function defaultRange(today) {
  const end = new Date(Date.UTC(today.getFullYear(), today.getMonth(), today.getDate()));
  const start = new Date(end.getTime() - (DEFAULT_DAYS - 1) * 86400000);
  return { from: isoDay(start), to: isoDay(end) };
}

/* Monday and Sunday of an ISO week "2026-W50" (week 1 holds 4 January), or null. */
export function isoWeekRange(text) {
  const m = /^(\d{4})-W(\d{2})$/.exec(String(text));
  if (!m) return null;
  const jan4 = new Date(Date.UTC(Number(m[1]), 0, 4));
  const monday1 = jan4.getTime() - ((jan4.getUTCDay() + 6) % 7) * 86400000;
  const monday = monday1 + (Number(m[2]) - 1) * 7 * 86400000;
  return [isoDay(new Date(monday)), isoDay(new Date(monday + 6 * 86400000))];
}

/* First and last day of a month "2026-12", or of a day "2026-12-07" (itself), or null. */
export function periodRange(column, text) {
  if (column === "week") return isoWeekRange(text);
  if (column === "day" && /^\d{4}-\d{2}-\d{2}$/.test(String(text))) return [text, text];
  const m = /^(\d{4})-(\d{2})$/.exec(String(text));
  if (column !== "month" || !m) return null;
  const last = new Date(Date.UTC(Number(m[1]), Number(m[2]), 0));
  return [`${m[1]}-${m[2]}-01`, isoDay(last)];
}

export function periodColumn(columns) {
  const names = (columns || []).map((c) => c.name);
  return PERIOD_COLUMNS.find((n) => names.includes(n)) || null;
}

function categoryColumn(columns) {
  const names = (columns || []).map((c) => c.name);
  return CATEGORY_COLUMNS.find((n) => names.includes(n)) || null;
}

/* The query of the drill-down page for one row (null: the total, every record): the
 * report's query, the row's label as the group, a period row's dates narrowed to it. */
export function drillQuery(kpi, report, query, row) {
  const q = { ...query };
  if (!row) return q;
  if (row.label !== null && row.label !== undefined) q.group = row.label;
  const period = periodColumn(report.columns);
  const range = period && (kpi.filters || []).includes(DATE_RANGE)
    ? periodRange(period, row.cells[period]) : null;
  if (range) {
    q.from = blank(query.from) || query.from < range[0] ? range[0] : query.from;
    q.to = blank(query.to) || query.to > range[1] ? range[1] : query.to;
  }
  return q;
}

// ---- values --------------------------------------------------------------------------

export function isRate(name) {
  return name === "rate" || /_rate$/.test(name);
}

function number(v) {
  if (blank(v)) return null;
  const n = Number(v);
  return Number.isFinite(n) ? n : null;
}

export function percent(v) {
  const n = number(v);
  return n === null ? "\u2013" : `${(n * 100).toFixed(1)}%`;
}

function grouped(n, places) {
  const fixed = Math.abs(n).toFixed(places);
  const [whole, frac] = fixed.split(".");
  const withCommas = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return (n < 0 ? "-" : "") + withCommas + (frac ? `.${frac}` : "");
}

/* A cell as a person reads it: rates as percentages, *_pct with "%", integers grouped,
 * decimals as the API wrote them (exact), a dash for no figure. */
export function formatCell(value, column) {
  if (blank(value)) return "\u2013";
  const name = column ? column.name : "";
  if (isRate(name)) return percent(value);
  if (/_pct$/.test(name)) return `${value}%`;
  if (column && column.type === "integer" && typeof value === "number") return grouped(value, 0);
  return String(value);
}

/* A chart value as text (tooltips and the chart's table): rates as percentages. */
function chartFormat(name) {
  if (isRate(name)) return (v) => percent(v);
  return (v) => (Number.isInteger(v) ? grouped(v, 0) : grouped(v, 2));
}

// ---- headline ------------------------------------------------------------------------

function headlineColumns(kpi, report) {
  const plan = planOf(kpi.id);
  const cols = report.columns || [];
  const named = (n) => cols.find((c) => c.name === n);
  const main = named(plan.headline) || cols.find((c) => c.type === "decimal")
    || cols.find((c) => c.type === "integer");
  const also = (plan.also || []).map(named).filter(Boolean);
  return main ? [main, ...also.filter((c) => c !== main)] : also;
}

function sumOf(rows, column) {
  let total = 0;
  let places = 0;
  rows.forEach((r) => {
    const v = r.cells[column.name];
    if (blank(v)) return;
    total += Number(v);
    const dot = String(v).indexOf(".");
    if (dot >= 0) places = Math.max(places, String(v).length - dot - 1);
  });
  return column.type === "decimal" ? total.toFixed(places) : total;
}

/* The card's headline figures: [{term, value}] (module docstring). */
export function headline(kpi, report) {
  const plan = planOf(kpi.id);
  const rows = report.rows || [];
  if (plan.count) {
    const n = rows.length;
    return [{ term: kpi.title, value: `${n} ${plan.count}${n === 1 ? "" : "s"}` }];
  }
  const cols = headlineColumns(kpi, report);
  let row = report.total;
  let where = "";
  if (!row && rows.length === 1) row = rows[0];
  if (!row && plan.sum && rows.length) {
    const period = periodColumn(report.columns);
    const cells = {};
    cols.forEach((c) => { cells[c.name] = sumOf(rows, c); });
    row = { label: null, cells };
    where = period ? `, all ${period}s` : ", all rows";
  }
  if (!row && rows.length) {
    row = rows[0];
    where = blank(row.label) ? "" : ` (${row.label})`;
  }
  if (!row) return [{ term: kpi.title, value: "No figure yet" }];
  return cols.map((c) => ({ term: c.title + where, value: formatCell(row.cells[c.name], c) }));
}

// ---- chart ---------------------------------------------------------------------------

function seriesColumns(kpi, report) {
  const plan = planOf(kpi.id);
  const cols = report.columns || [];
  const wanted = (plan.series || []).map((n) => cols.find((c) => c.name === n)).filter(Boolean);
  if (wanted.length) return wanted;
  const main = headlineColumns(kpi, report)[0];
  return main ? [main] : [];
}

function label(v) {
  return blank(v) ? "(none)" : String(v);
}

function numbers(rows, name) {
  return rows.map((r) => number(r.cells[name]));
}

// The `limit` groups with the largest absolute sum of `name` (ties: first seen).
function largestGroups(rows, name, limit) {
  const sums = new Map();
  rows.forEach((r) => {
    const k = label(r.label);
    sums.set(k, (sums.get(k) || 0) + Math.abs(number(r.cells[name]) || 0));
  });
  const all = [...sums.keys()];
  const kept = [...all].sort((a, b) => sums.get(b) - sums.get(a)).slice(0, limit);
  return { kept: all.filter((k) => kept.includes(k)), of: all.length };
}

function alongAxis(kpi, report, axis, kind) {
  const rows = report.rows || [];
  const cols = seriesColumns(kpi, report);
  const categories = [...new Set(rows.map((r) => String(r.cells[axis])))];
  if (kind === "line") categories.sort();
  const grouped = rows.some((r) => !blank(r.label));
  let series;
  let note = "";
  if (grouped) {
    const col = cols[0];
    const { kept, of } = largestGroups(rows, col.name, MAX_SERIES);
    if (of > kept.length) note = ` The ${kept.length} largest of ${of} groups; the table has all.`;
    series = kept.map((g) => ({
      name: g,
      values: categories.map((cat) => {
        const r = rows.find((x) => label(x.label) === g && String(x.cells[axis]) === cat);
        return r ? number(r.cells[col.name]) : null;
      }),
    }));
    return { cols: [col], categories, series, note };
  }
  series = cols.slice(0, MAX_SERIES).map((c) => ({
    name: c.title,
    values: categories.map((cat) => {
      const r = rows.find((x) => String(x.cells[axis]) === cat);
      return r ? number(r.cells[c.name]) : null;
    }),
  }));
  return { cols, categories, series, note };
}

function perGroup(kpi, report) {
  // Broken down, a row without a label is a group too (no value for it); otherwise only
  // labelled rows are groups (a report that names its rows, such as one per supplier).
  const rows = (report.rows || []).filter((r) => report.by || !blank(r.label));
  const cols = seriesColumns(kpi, report).slice(0, MAX_SERIES);
  const shown = rows.slice(0, MAX_BARS);
  const note = rows.length > shown.length ? ` The first ${shown.length} of ${rows.length}; the table has all.` : "";
  return {
    cols,
    categories: shown.map((r) => label(r.label)),
    series: cols.map((c) => ({ name: c.title, values: numbers(shown, c.name) })),
    note,
  };
}

function describe(kind, title, drawn, axisTitle) {
  if (!drawn.categories.length) return "No figure to draw.";
  const parts = drawn.series.map((s) => {
    const fmt = chartFormat(drawn.cols.length === 1 ? drawn.cols[0].name : "");
    const last = s.values.length - 1;
    if (kind === "line") {
      return `${s.name}: ${drawn.categories[last]} ${s.values[last] === null ? "no figure" : fmt(s.values[last])}`;
    }
    return `${s.name}: ` + drawn.categories.map((c, i) => `${c} ${s.values[i] === null ? "no figure" : fmt(s.values[i])}`).join(", ");
  });
  const span = kind === "line"
    ? `${title} per ${axisTitle.toLowerCase()} from ${drawn.categories[0]} to ${drawn.categories[drawn.categories.length - 1]}. Latest: `
    : `${title} per ${axisTitle.toLowerCase()}. `;
  return span + parts.join("; ") + "." + drawn.note;
}

/* A breakdown's or a filter's name as a title: "order_line" -> "Order line". */
export function titleOf(name) {
  const words = String(name).replace(/_/g, " ").replace(/\babc\b/, "ABC");
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/* The chart of a card, or null (module docstring): {kind: "line"|"bar", spec} where spec is
 * what console_chart.js draws. */
export function chartPlan(kpi, report) {
  const plan = planOf(kpi.id);
  if (plan.chart === "none" || !(report.rows || []).length) return null;
  const period = periodColumn(report.columns);
  const category = categoryColumn(report.columns);
  let kind;
  let drawn;
  let axisTitle;
  if (period || category) {
    const axis = period || category;
    kind = period ? "line" : "bar";
    drawn = alongAxis(kpi, report, axis, kind);
    axisTitle = (report.columns.find((c) => c.name === axis) || { title: axis }).title;
  } else {
    drawn = perGroup(kpi, report);
    if (drawn.categories.length < 2) return null;
    kind = "bar";
    const only = (kpi.breakdowns || []).length === 1 ? kpi.breakdowns[0] : null;
    axisTitle = titleOf(report.by || only || "group");
  }
  if (!drawn.cols.length) return null;
  const rates = drawn.cols.every((c) => isRate(c.name));
  const integer = drawn.cols.every((c) => c.type === "integer");
  const yLabel = drawn.cols.length === 1 ? drawn.cols[0].title : plan.yLabel || kpi.unit;
  const spec = {
    title: kpi.title,
    description: describe(kind, kpi.title, drawn, axisTitle),
    xLabel: axisTitle,
    yLabel: titleOf(yLabel),
    categories: drawn.categories,
    series: drawn.series,
    integer,
    format: chartFormat(drawn.cols.length === 1 || rates ? drawn.cols[0].name : ""),
  };
  if (rates) Object.assign(spec, { min: 0, max: 1 });
  return { kind, spec };
}
