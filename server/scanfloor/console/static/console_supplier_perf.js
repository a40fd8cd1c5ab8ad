/* Scanfloor console, one supplier: how it delivers (on time in full, fill rate, lead time
 * against its promise) with a monthly trend chart and the same numbers in a table beside it,
 * the PO lines judged, and a seasonal pre-buy plan (order-by date leg by leg, and the
 * container plan of an import supplier). Part of the supplier page (console_supplier.js,
 * loaded before it, starts it). The charts come from console_chart.js, an ES module loaded
 * with import() at the versioned URL the page names (a classic script may import a module;
 * the version in the URL keeps a cached copy from outliving a release). */
(function () {
  "use strict";

  var C = window.ScanfloorConsole;
  var B = window.ScanfloorBuying;
  var S = window.ScanfloorSupplier;
  var $ = C.$;
  var chartModule = null;
  var TIMING = { early: "Early", on_time: "On time", late: "Late" };
  var FULLNESS = { short: "Short", in_full: "In full", over: "Over" };

  function charts() {
    if (!chartModule) chartModule = import($("workspace").getAttribute("data-chart-module"));
    return chartModule;
  }

  function num(v) {
    return v === null || v === undefined || v === "" ? null : Number(v);
  }

  function signedDays(v) {
    if (v === null || v === undefined) return "\u2013";
    var n = Number(v);
    return (n > 0 ? "+" : "") + n.toFixed(1) + " days";
  }

  // ---- performance ---------------------------------------------------------------------

  function showFigures(p) {
    var lt = p.lead_time || {};
    var mean = lt.mean === null || lt.mean === undefined ? "\u2013"
      : Number(lt.mean).toFixed(1) + (lt.sd !== null && lt.sd !== undefined ? " \u00b1 " + Number(lt.sd).toFixed(1) : "") + " days";
    B.facts($("perf-figures"), [
      ["On time in full", B.pct(p.otif_rate)],
      ["Fill rate", B.pct(p.fill_rate)],
      ["Lines judged", C.formatQty(p.lines_judged)],
      ["Lead time (mean \u00b1 sd)", mean],
      ["Promised", B.days(lt.promised)],
      ["Mean vs promised", signedDays(lt.mean_delta)],
      ["Within the promise", B.pct(lt.within_rate)],
      ["Early \u00b7 late", C.formatQty(p.early) + " \u00b7 " + C.formatQty(p.late)],
      ["Short \u00b7 over", C.formatQty(p.short) + " \u00b7 " + C.formatQty(p.over)]
    ]);
    $("perf-window").textContent = "Lines due " + p.from + " to " + p.to + " (" +
      C.plural(lt.samples || 0, "delivery", "deliveries") + " timed; " +
      C.formatQty(p.pending || 0) + " not due yet or still open, not rated).";
  }

  function latest(trend, key) {
    for (var i = trend.length - 1; i >= 0; i -= 1) {
      if (trend[i][key] !== null && trend[i][key] !== undefined) return trend[i];
    }
    return null;
  }

  function describe(trend) {
    if (!trend.length) return "No month to show.";
    var last = latest(trend, "otif_rate");
    return "Monthly on-time-in-full and fill rates from " + trend[0].month + " to " +
      trend[trend.length - 1].month + (last ? "; in " + last.month + " on time in full was " +
      B.pct(last.otif_rate) + " and the fill rate " + B.pct(last.fill_rate) + "." : "; no line was judged.");
  }

  function drawCharts(trend) {
    return charts().then(function (chart) {
      var months = trend.map(function (t) { return t.month; });
      chart.lineChart($("trend-chart"), {
        title: "On time in full and fill rate by month",
        description: describe(trend),
        xLabel: "Month due",
        yLabel: "Share of lines / units",
        categories: months,
        series: [
          { name: "On time in full", values: trend.map(function (t) { return num(t.otif_rate); }) },
          { name: "Fill rate", values: trend.map(function (t) { return num(t.fill_rate); }) }
        ],
        min: 0,
        max: 1,
        format: B.pct,
        tickFormat: function (v) { return Math.round(v * 100) + "%"; }
      });
      chart.barChart($("lines-chart"), {
        title: "Lines judged by month",
        description: "How many purchase-order lines fell due and were judged each month.",
        xLabel: "Month due",
        yLabel: "Lines",
        categories: months,
        series: [{ name: "Lines judged", values: trend.map(function (t) { return t.lines; }) }],
        integer: true,
        height: 220,
        format: C.formatQty
      });
    });
  }

  function showLines(lines) {
    var tbody = C.clearBody($("judged-table"));
    var base = $("workspace").getAttribute("data-po-base");
    lines.forEach(function (ln) {
      var tr = document.createElement("tr");
      B.linkCell(tr, base + "/" + ln.po_id, ln.po_number, "code");
      C.cell(tr, ln.line_no, "num");
      C.cell(tr, ln.sku, "code");
      C.cell(tr, ln.due);
      C.cell(tr, B.dash(ln.received_on));
      C.cell(tr, C.formatQty(ln.ordered), "num");
      C.cell(tr, C.formatQty(ln.received), "num");
      var days = ln.days_off ? " (" + (ln.days_off > 0 ? "+" : "") + ln.days_off + " d)" : "";
      C.cell(tr, (TIMING[ln.timing] || B.words(ln.timing)) + days, ln.timing === "late" ? "late" : "");
      var units = ln.units_off ? " (" + (ln.units_off > 0 ? "+" : "") + ln.units_off + ")" : "";
      C.cell(tr, (FULLNESS[ln.fullness] || B.words(ln.fullness)) + units, ln.fullness === "short" ? "late" : "");
      tbody.appendChild(tr);
    });
    C.showRows("judged", lines.length);
  }

  function loadPerformance() {
    if (!B.atLeast(S.session, "supervisor")) {
      $("perf-denied").textContent = "Delivery performance is for supervisors and above.";
      $("perf-denied").hidden = false;
      $("perf-filter").hidden = true;
      C.showDenied("judged");
      return Promise.resolve();
    }
    var section = $("perf-title").closest("section");
    C.busy(section, true);
    return C.call("GET", "/suppliers/" + S.id + "/performance", {
      query: { months: $("perf-months").value }
    }).then(function (p) {
      showFigures(p);
      showLines(p.lines || []);
      return drawCharts(p.trend || []);
    }).catch(C.explain).then(function () { C.busy(section, false); });
  }

  // ---- pre-buy ---------------------------------------------------------------------------

  function addDays(iso, n) {
    var parts = iso.split("-").map(Number);
    var d = new Date(Date.UTC(parts[0], parts[1] - 1, parts[2] + n));
    return d.toISOString().slice(0, 10);
  }

  function showLegs(plan) {
    var tbody = C.clearBody($("legs-table"));
    var at = plan.order_by;
    (plan.legs || []).forEach(function (leg) {
      var tr = document.createElement("tr");
      C.cell(tr, leg.leg.charAt(0).toUpperCase() + leg.leg.slice(1) +
        (leg.leg === "dock to stock" && plan.dock_to_stock
          ? " (" + (plan.dock_to_stock.source === "ledger"
            ? "median of " + C.plural(plan.dock_to_stock.samples, "receipt", "receipts")
            : "default: no putaway measured") + ")"
          : ""));
      C.cell(tr, C.formatQty(leg.days), "num");
      C.cell(tr, at);
      at = addDays(at, leg.days);
      tbody.appendChild(tr);
    });
    var foot = $("legs-table").tFoot;
    while (foot.firstChild) foot.removeChild(foot.firstChild);
    var tr = document.createElement("tr");
    C.cell(tr, "Sellable on the season start");
    C.cell(tr, C.formatQty(plan.total_days), "num");
    C.cell(tr, plan.season_start);
    foot.appendChild(tr);
  }

  function showContainers(cp) {
    if (!cp) {
      $("containers-note").textContent = "Not an import supplier: no container plan. Tick " +
        "\u201cImports by container\u201d in its details to plan containers.";
      B.facts($("containers-figures"), []);
      C.clearBody($("containers-table"));
      $("containers-table").hidden = true;
      $("containers-empty").hidden = true;
      return;
    }
    $("containers-note").textContent = "What the supplier's draft purchase orders hold, in " +
      "whole cases, in the fewest containers; the room left topped up one case at a time on " +
      "the line with the fewest days of cover." +
      ((cp.skipped || []).length ? " Left out (no case cube or weight): " + cp.skipped.join(", ") + "." : "");
    B.facts($("containers-figures"), [
      ["Containers", cp.containers ? C.formatQty(cp.containers) + " \u00d7 " + cp.container
        : "None: no draft purchase order to ship"],
      ["Cube", B.dash(cp.cube_m3) + " m\u00b3 (" + B.pct(cp.cube_used) + ")"],
      ["Weight", B.dash(cp.weight_kg) + " kg (" + B.pct(cp.weight_used) + ")"]
    ]);
    var tbody = C.clearBody($("containers-table"));
    (cp.lines || []).forEach(function (ln) {
      var tr = document.createElement("tr");
      C.cell(tr, ln.item ? ln.item.sku : ln.sku, "code");
      C.cell(tr, C.formatQty(ln.suggested), "num");
      C.cell(tr, C.formatQty(ln.topped_up), "num");
      C.cell(tr, C.formatQty(ln.quantity) + (ln.cases !== undefined ? " (" + C.plural(ln.cases, "case", "cases") + ")" : ""), "num");
      C.cell(tr, B.dash(ln.days_of_cover), "num");
      tbody.appendChild(tr);
    });
    C.showRows("containers", tbody.rows.length);
  }

  function onPreBuy(event) {
    event.preventDefault();
    C.clearError();
    var start = $("prebuy-start").value;
    if (!start) {
      C.showError(new Error("Choose the day the season starts."));
      $("prebuy-start").focus();
      return;
    }
    var form = $("prebuy-form");
    C.busy(form, true);
    C.call("GET", "/suppliers/" + S.id + "/pre-buy", {
      query: { season_start: start, warehouse: $("prebuy-warehouse").value }
    }).then(function (plan) {
      var left = plan.days_left;
      B.facts($("prebuy-figures"), [
        ["Order by", plan.order_by],
        ["Days left", left < 0 ? "Too late by " + B.days(-left) : B.days(left)],
        ["Lead time in all", B.days(plan.total_days)],
        ["Warehouse", plan.warehouse ? plan.warehouse.code : ""]
      ]);
      showLegs(plan);
      showContainers(plan.container_plan);
      $("prebuy").hidden = false;
    }).catch(C.explain).then(function () { C.busy(form, false); });
  }

  // ---- start ---------------------------------------------------------------------------

  $("perf-filter").addEventListener("submit", function (event) {
    event.preventDefault();
    C.clearError();
    loadPerformance();
  });
  $("prebuy-form").addEventListener("submit", onPreBuy);

  S.onLoad(function (supplier, session) {
    // Pre-buy plans are for buyers (supervisors and above), as the API says.
    $("prebuy-card").hidden = !B.atLeast(session, "supervisor");
    if (!$("prebuy-card").hidden) B.fillWarehouses($("prebuy-warehouse")).catch(C.explain);
    loadPerformance();
  });
})();
