/* Scanfloor console, stock valuation: what the stock is worth by item and place (a
 * warehouse, or in transit), filtered by warehouse and SKU, paged; each SKU opens the item's
 * page with its cost layers and how its movements were costed; beneath, a line of the
 * stock's value at the end of each of the last 30 days (GET /finance/valuation/history,
 * drawn by console_chart.js with its table). Built on
 * window.ScanfloorConsole, ScanfloorBuying and ScanfloorFinance; values from the API are
 * written with textContent. */
(function () {
  "use strict";

  var C = window.ScanfloorConsole;
  var B = window.ScanfloorBuying;
  var F = window.ScanfloorFinance;
  var $ = C.$;
  var started = false;
  var cursor = null;
  var filter = {};
  var chartModule = null;

  function charts() {
    if (!chartModule) chartModule = import($("workspace").getAttribute("data-chart-module"));
    return chartModule;
  }

  /* The value over time for the warehouse chosen (every place without one). */
  function loadHistory() {
    var query = { warehouse: filter.warehouse };
    return C.call("GET", "/finance/valuation/history", { query: query }).then(function (body) {
      var days = body.days;
      var last = days[days.length - 1];
      $("history-status").textContent = last ? "Value at the end of " + last.day + ": " +
        C.formatMoney(last.value) + (body.warehouse ? " (" + body.warehouse + ")" : "") : "";
      return charts().then(function (chart) {
        chart.lineChart($("history-chart"), {
          title: "Stock value, end of day",
          description: last ? "Stock value from " + days[0].day + " (" + days[0].value +
            ") to " + last.day + " (" + last.value + ")." : "No value to show.",
          xLabel: "Day",
          yLabel: "Value",
          categories: days.map(function (d) { return d.day; }),
          series: [{
            name: "Value",
            values: days.map(function (d) { return F.cents(d.value) / 100; })
          }],
          format: function (v) { return F.money(Math.round(v * 100)); }
        });
      });
    }).catch(C.explain);
  }

  function methodText(method) {
    return method === "fifo" ? "FIFO" : B.words(method);
  }

  function itemHref(row) {
    return $("workspace").getAttribute("data-item-base") + "/" + row.item_id +
      F.query({ place: row.place_id });
  }

  function tableRow(row) {
    var tr = document.createElement("tr");
    tr.setAttribute("data-sku", row.sku);
    tr.setAttribute("data-place", row.place_code);
    B.linkCell(tr, itemHref(row), row.sku, "code");
    C.cell(tr, row.name);
    C.cell(tr, row.place_code, "code");
    C.cell(tr, methodText(row.method));
    C.cell(tr, C.formatQty(row.quantity), "num");
    C.cell(tr, B.dash(row.unit_cost), "num");
    C.cell(tr, C.formatMoney(row.value), "num");
    return tr;
  }

  /* The item id a SKU names (exact, any case), or null: the valuation filters by id. */
  function itemIdOf(sku) {
    if (!sku) return Promise.resolve(undefined);
    return C.call("GET", "/items", { query: { q: sku, limit: 25 } }).then(function (body) {
      var hit = B.rows(body, ["items"]).filter(function (it) {
        return it.sku.toUpperCase() === sku.toUpperCase();
      })[0];
      return hit ? hit.id : null;
    });
  }

  function load(more) {
    C.clearError();
    var query = { warehouse: filter.warehouse, item: filter.item, limit: 100 };
    if (more) query.cursor = cursor;
    return C.call("GET", "/finance/valuation", { query: query }).then(function (body) {
      var tbody = more ? $("values-table").tBodies[0] : C.clearBody($("values-table"));
      B.rows(body, ["stock_values"]).forEach(function (row) { tbody.appendChild(tableRow(row)); });
      cursor = (body && body.next_cursor) || null;
      $("values-more").hidden = !cursor;
      $("values-count").textContent = C.plural(tbody.rows.length, "row", "rows") +
        (cursor ? " so far" : "");
      C.showRows("values", tbody.rows.length);
    }).catch(F.failed("values"));
  }

  function onFilter(event) {
    if (event) event.preventDefault();
    var sku = $("values-sku").value.trim();
    filter.warehouse = $("values-warehouse").value || undefined;
    return itemIdOf(sku).then(function (id) {
      if (id === null) {
        C.clearBody($("values-table"));
        C.showRows("values", 0);
        $("values-more").hidden = true;
        $("values-count").textContent = "No item has the SKU " + sku + ".";
        return;
      }
      filter.item = id;
      return Promise.all([load(false), loadHistory()]);
    }).catch(C.explain);
  }

  C.onSession(function (session) {
    if (!session || !F.allowed(session) || started) return;
    started = true;
    $("values-filter").addEventListener("submit", onFilter);
    $("values-more").addEventListener("click", function () { load(true); });
    $("values-sku").value = F.param("sku");
    B.fillWarehouses($("values-warehouse"), "Every place").catch(C.explain).then(function () {
      onFilter(null);
    });
  });
})();
