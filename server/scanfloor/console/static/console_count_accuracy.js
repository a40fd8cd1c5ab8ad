/* Scanfloor console, cycle counts: the accuracy table (counted and matched bins and value,
 * by class, zone or counter over a date range). Part of the counts page (console_counts.js,
 * loaded before it, refreshes it). */
(function () {
  "use strict";

  var C = window.ScanfloorConsole;
  var K = window.ScanfloorCounts;
  var $ = C.$;

  function percent(x) {
    if (x === null || x === undefined || x === "") return "\u2013";
    var n = Number(x);
    return isNaN(n) ? String(x) : (n * 100).toFixed(1) + " %";
  }

  function accuracyRow(tr, r, label) {
    C.cell(tr, label, "code");
    C.cell(tr, C.formatQty(r.counted), "num");
    C.cell(tr, C.formatQty(r.matched), "num");
    C.cell(tr, percent(r.accuracy), "num");
    C.cell(tr, r.value_counted === undefined ? "\u2013" : r.value_counted, "num");
    C.cell(tr, r.value_matched === undefined ? "\u2013" : r.value_matched, "num");
    C.cell(tr, percent(r.value_accuracy), "num");
  }

  function showAccuracy(body) {
    var rows = (body && body.rows) || [];
    var tbody = C.clearBody($("accuracy-table"));
    rows.forEach(function (r) {
      var tr = document.createElement("tr");
      accuracyRow(tr, r, r.label || String(r.key));
      tbody.appendChild(tr);
    });
    var foot = $("accuracy-table").tFoot;
    while (foot.firstChild) foot.removeChild(foot.firstChild);
    if (body && body.total && rows.length) {
      var tr = document.createElement("tr");
      accuracyRow(tr, body.total, "Total");
      foot.appendChild(tr);
    }
    C.showRows("accuracy", rows.length);
  }

  function loadAccuracy() {
    return C.call("GET", "/counts/accuracy", {
      query: { warehouse: K.warehouse(), by: $("accuracy-by").value,
               from: $("accuracy-from").value, to: $("accuracy-to").value }
    }).then(showAccuracy).catch(function (err) {
      if (err.status === 403) return C.showDenied("accuracy");
      C.explain(err);
    });
  }

  function isoDay(d) {
    return d.getFullYear() + "-" + String(d.getMonth() + 1).padStart(2, "0") + "-" +
      String(d.getDate()).padStart(2, "0");
  }

  K.loadAccuracy = loadAccuracy;

  var today = new Date();
  $("accuracy-to").value = isoDay(today);
  $("accuracy-from").value = isoDay(new Date(today.getTime() - 30 * 24 * 3600 * 1000));
  $("accuracy-filter").addEventListener("submit", function (event) {
    event.preventDefault();
    C.clearError();
    loadAccuracy();
  });
  $("accuracy-by").addEventListener("change", loadAccuracy);
})();
