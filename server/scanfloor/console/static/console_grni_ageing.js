/* Scanfloor console, GRNI ageing: what is received and not yet invoiced, per purchase order
 * (supplier, PO, warehouse, oldest open receipt) in 0-30 / 31-60 / 61-90 / over 90 day
 * buckets as of a day, filtered by supplier code and warehouse; the totals, the GRNI
 * accounts' balance and whether they agree; the CSV link for the same filters. A PO number
 * opens the purchase order. Built on window.ScanfloorConsole, ScanfloorBuying and
 * ScanfloorFinance; values from the API are written with textContent. */
(function () {
  "use strict";

  var C = window.ScanfloorConsole;
  var B = window.ScanfloorBuying;
  var F = window.ScanfloorFinance;
  var $ = C.$;
  var started = false;

  function orderRow(row) {
    var tr = document.createElement("tr");
    if (row.kind === "unassigned") {
      tr.setAttribute("data-po", "unassigned");
      C.cell(tr, "\u2013");
      C.cell(tr, "Unassigned (no purchase order)");
    } else {
      tr.setAttribute("data-po", row.po_number);
      C.cell(tr, row.supplier_code, "code");
      var base = $("workspace").getAttribute("data-po-base");
      B.linkCell(tr, base + "/" + row.po_id, row.po_number, "code");
    }
    C.cell(tr, B.dash(row.warehouse_code), "code");
    C.cell(tr, B.dash(row.oldest_receipt_date));
    C.cell(tr, row.days_0_30, "num");
    C.cell(tr, row.days_31_60, "num");
    C.cell(tr, row.days_61_90, "num");
    C.cell(tr, row.days_over_90, "num");
    C.cell(tr, row.total, "num");
    return tr;
  }

  function filters() {
    return {
      as_of: $("grni-as-of").value || undefined,
      supplier: B.valueOf("grni-supplier"),
      warehouse: $("grni-warehouse").value || undefined
    };
  }

  function showTotals(report) {
    var t = report.totals;
    $("grni-oldest").textContent = B.dash(t.oldest_receipt_date);
    $("grni-0-30").textContent = t.days_0_30;
    $("grni-31-60").textContent = t.days_31_60;
    $("grni-61-90").textContent = t.days_61_90;
    $("grni-over-90").textContent = t.days_over_90;
    $("grni-total").textContent = t.total;
    B.facts($("grni-figures"), [
      ["As of", report.as_of],
      ["Purchase orders", String(report.rows.filter(function (r) {
        return r.kind !== "unassigned";
      }).length)],
      ["GRNI account balance", report.account_balance]
    ]);
    var status = $("grni-status");
    if (report.reconciled === null || report.reconciled === undefined) {
      status.className = "result";
      status.textContent = "Filtered: the totals are these purchase orders' own.";
    } else {
      status.className = "result " + (report.reconciled ? "ok" : "bad");
      status.textContent = report.reconciled
        ? "The total equals the GRNI account balance."
        : "The total differs from the GRNI account balance. Run scanfloor finance verify.";
    }
  }

  function load(event) {
    if (event) event.preventDefault();
    C.clearError();
    var query = filters();
    F.csvLink($("grni-csv"), query);
    return C.call("GET", "/finance/grni-ageing", { query: query }).then(function (report) {
      var tbody = C.clearBody($("orders-table"));
      report.rows.forEach(function (row) { tbody.appendChild(orderRow(row)); });
      showTotals(report);
      C.showRows("orders", report.rows.length);
    }).catch(F.failed("orders"));
  }

  C.onSession(function (session) {
    if (!session || !F.allowed(session) || started) return;
    started = true;
    $("grni-filter").addEventListener("submit", load);
    $("grni-as-of").value = F.param("as_of");
    $("grni-supplier").value = F.param("supplier");
    B.fillWarehouses($("grni-warehouse"), "Every warehouse").catch(C.explain).then(function () {
      load(null);
    });
  });
})();
