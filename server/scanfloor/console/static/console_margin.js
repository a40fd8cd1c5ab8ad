/* Scanfloor console, margin: gross margin (finance/margin_rules.py defines it) as a bar
 * chart by channel and a line by month, each with its table (console_chart.js draws both,
 * an ES module loaded with import() at the versioned URL the page names), and a table per
 * order line, channel, warehouse, fulfilment path or month with its totals; filtered by
 * entry dates, channel and warehouse; the CSV link for the same grouping and filters.
 * Shipping cost shows what was subtracted, or "unknown" (margin_rules: when it is).
 * Built on window.ScanfloorConsole, ScanfloorBuying and ScanfloorFinance; values from the
 * API are written with textContent. */
(function () {
  "use strict";

  var C = window.ScanfloorConsole;
  var B = window.ScanfloorBuying;
  var F = window.ScanfloorFinance;
  var $ = C.$;
  var started = false;
  var chartModule = null;

  function charts() {
    if (!chartModule) chartModule = import($("workspace").getAttribute("data-chart-module"));
    return chartModule;
  }

  function filters() {
    return {
      from: $("margin-from").value || undefined,
      to: $("margin-to").value || undefined,
      channel: B.valueOf("margin-channel"),
      warehouse: $("margin-warehouse").value || undefined
    };
  }

  function withGroup(groupBy) {
    var q = filters();
    q.group_by = groupBy;
    return q;
  }

  function pct(v) {
    return v === null || v === undefined ? "\u2013" : v + "%";
  }

  /* The shipping subtracted; "unknown" when none of the row's is known, and how many of
   * its orders' shipping is unknown (not subtracted) beside a known part. */
  function shipping(figures) {
    var n = figures.shipping_unknown_orders;
    if (figures.shipping_cost === null || figures.shipping_cost === undefined) return "unknown";
    return n ? figures.shipping_cost + " (+" + n + " unknown)" : figures.shipping_cost;
  }

  function amount(text) {
    return F.cents(text) / 100;
  }

  function label(row, groupBy) {
    if (groupBy === "order_line") {
      return row.external_id + (row.line_no === null ? "" : " line " + row.line_no) +
        (row.sku ? " \u00b7 " + row.sku : "");
    }
    if (groupBy === "path") {
      return [row.channel, B.dash(row.warehouse), (row.carrier ? row.carrier + " " + row.service : "no shipment")].join(" \u00b7 ");
    }
    var v = row[groupBy === "channel" ? "channel" : groupBy === "warehouse" ? "warehouse" : "month"];
    return v === null || v === undefined ? "None" : String(v);
  }

  function tableRow(row, groupBy) {
    var tr = document.createElement("tr");
    C.cell(tr, label(row, groupBy), groupBy === "month" ? "" : "code");
    C.cell(tr, row.revenue, "num");
    C.cell(tr, row.returns_credited, "num");
    C.cell(tr, row.cogs, "num");
    C.cell(tr, row.returns_restocked, "num");
    C.cell(tr, row.channel_fees, "num");
    C.cell(tr, shipping(row), "num");
    C.cell(tr, row.gross_margin, "num");
    C.cell(tr, pct(row.margin_pct), "num");
    return tr;
  }

  function showTotals(t) {
    $("tot-revenue").textContent = t.revenue;
    $("tot-credited").textContent = t.returns_credited;
    $("tot-cogs").textContent = t.cogs;
    $("tot-restocked").textContent = t.returns_restocked;
    $("tot-fees").textContent = t.channel_fees;
    $("tot-shipping").textContent = shipping(t);
    $("tot-margin").textContent = t.gross_margin;
    $("tot-pct").textContent = pct(t.margin_pct);
  }

  function showFigures(report) {
    var t = report.totals;
    B.facts($("margin-figures"), [
      ["Net revenue", t.net_revenue],
      ["Net COGS", t.net_cogs],
      ["Channel fees", t.channel_fees],
      ["Shipping cost", shipping(t)],
      ["Gross margin", t.gross_margin],
      ["Margin", pct(t.margin_pct)]
    ]);
    $("margin-status").textContent = report.shipping_cost_known ? ""
      : "Shipping cost is unknown for " + t.shipping_unknown_orders + " order(s) (revenue " +
        t.shipping_unknown_revenue + "): it is not subtracted from their margin.";
  }

  function drawCharts(byChannel, byMonth) {
    return charts().then(function (chart) {
      var ch = byChannel.rows;
      chart.barChart($("channel-chart"), {
        title: "Gross margin by channel",
        description: ch.length ? "Gross margin of each channel: " + ch.map(function (r) {
          return r.channel + " " + r.gross_margin;
        }).join(", ") + "." : "No margin to show.",
        xLabel: "Channel",
        yLabel: "Gross margin",
        categories: ch.map(function (r) { return r.channel; }),
        series: [
          { name: "Gross margin", values: ch.map(function (r) { return amount(r.gross_margin); }) },
          { name: "Net revenue", values: ch.map(function (r) { return amount(r.net_revenue); }) }
        ],
        format: function (v) { return F.money(Math.round(v * 100)); }
      });
      var mo = byMonth.rows;
      chart.lineChart($("month-chart"), {
        title: "Gross margin by month",
        description: mo.length ? "Gross margin per month from " + mo[0].month + " to " +
          mo[mo.length - 1].month + "; in " + mo[mo.length - 1].month + " it was " +
          mo[mo.length - 1].gross_margin + "." : "No month to show.",
        xLabel: "Month",
        yLabel: "Gross margin",
        categories: mo.map(function (r) { return r.month; }),
        series: [{ name: "Gross margin", values: mo.map(function (r) { return amount(r.gross_margin); }) }],
        format: function (v) { return F.money(Math.round(v * 100)); }
      });
    });
  }

  function loadRows(event) {
    if (event) event.preventDefault();
    C.clearError();
    var groupBy = $("margin-group").value;
    var query = withGroup(groupBy);
    F.csvLink($("margin-csv"), query);
    return C.call("GET", "/finance/margin", { query: query }).then(function (report) {
      var tbody = C.clearBody($("rows-table"));
      report.rows.forEach(function (row) { tbody.appendChild(tableRow(row, groupBy)); });
      showTotals(report.totals);
      C.showRows("rows", report.rows.length);
    }).catch(F.failed("rows"));
  }

  function load(event) {
    if (event) event.preventDefault();
    C.clearError();
    var main = $("finance-main");
    C.busy(main, true);
    return Promise.all([
      C.call("GET", "/finance/margin", { query: withGroup("channel") }),
      C.call("GET", "/finance/margin", { query: withGroup("month") })
    ]).then(function (got) {
      showFigures(got[0]);
      return drawCharts(got[0], got[1]);
    }).catch(F.failed("rows")).then(function () {
      C.busy(main, false);
      return loadRows(null);
    });
  }

  C.onSession(function (session) {
    if (!session || !F.allowed(session) || started) return;
    started = true;
    $("margin-filter").addEventListener("submit", load);
    $("group-form").addEventListener("submit", loadRows);
    $("margin-from").value = F.param("from");
    $("margin-to").value = F.param("to");
    $("margin-channel").value = F.param("channel");
    var group = F.param("group_by");
    if (group) $("margin-group").value = group;
    B.fillWarehouses($("margin-warehouse"), "Every warehouse").catch(C.explain).then(function () {
      load(null);
    });
  });
})();
