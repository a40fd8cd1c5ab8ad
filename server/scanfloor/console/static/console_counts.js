/* Scanfloor console, cycle counts: the page. It loads the warehouses and zones, refreshes
 * the approval queue, the open tasks, the policies and the accuracy table together, and
 * shares window.ScanfloorCounts (the chosen warehouse, refresh) with its parts, loaded
 * after it: console_count_approvals.js, console_count_plans.js and
 * console_count_accuracy.js. Built on window.ScanfloorConsole (console.js, loaded first);
 * values from the API are written with textContent, never innerHTML. */
(function () {
  "use strict";

  var C = window.ScanfloorConsole;
  var $ = C.$;
  var K = window.ScanfloorCounts = {};
  var REFRESH_MS = 20000;
  var timer = null;
  var listsShown = false;
  var loading = false;
  var zones = [];

  var warehouseIds = {};

  function warehouse() {
    return $("warehouse").value;
  }

  function showZones() {
    var here = warehouseIds[warehouse()];
    C.fillSelect($("adhoc-zone"), zones.filter(function (z) { return z.warehouse_id === here; }),
      function (z) { return z.code; }, function (z) { return z.code + " \u2014 " + z.name; },
      "Choose a zone");
  }

  function loadLists() {
    if (listsShown) return Promise.resolve();
    var wh = C.warehouses().then(function (rows) {
      rows.forEach(function (w) { warehouseIds[w.code] = w.id; });
      C.fillSelect($("warehouse"), rows, function (w) { return w.code; },
        function (w) { return w.code + " \u2014 " + w.name; });
    });
    var zn = C.call("GET", "/locations", { query: { level: "zone", limit: 200 } }).then(function (body) {
      zones = (body && body.locations) || [];
    });
    return Promise.all([wh, zn]).then(function () {
      showZones();
      listsShown = true;
    });
  }

  function denied() {
    $("counts-denied").hidden = false;
    ["approvals", "tasks", "policies", "accuracy"].forEach(C.showDenied);
  }

  var again = false;

  function refresh(force) {
    if (!C.loadSession()) return Promise.resolve();
    if (loading) {
      again = again || force === true;  // run once more when this one ends
      return Promise.resolve();
    }
    loading = true;
    var filter = $("counts-filter");
    C.busy(filter, true);
    return loadLists().then(function () {
      var wh = warehouse();
      return Promise.all([
        C.call("GET", "/count-approvals", { query: { warehouse: wh } }),
        C.call("GET", "/count-tasks", { query: { warehouse: wh, status: "open" } }),
        C.call("GET", "/count-tasks", { query: { warehouse: wh, status: "recount" } }),
        C.call("GET", "/count-policies", { query: { warehouse: wh } })
      ]);
    }).then(function (answers) {
      $("counts-denied").hidden = true;
      K.showApprovals((answers[0] && answers[0].tasks) || [], force === true);
      K.showTasks(((answers[2] && answers[2].tasks) || []).concat((answers[1] && answers[1].tasks) || []));
      K.showPolicies((answers[3] && answers[3].policies) || []);
      $("refreshed").textContent = "Updated " + new Date().toLocaleTimeString() +
        " \u00b7 refreshes every " + REFRESH_MS / 1000 + " s";
      return K.loadAccuracy();
    }).catch(function (err) {
      if (err.status === 403) return denied();
      C.explain(err);
    }).then(function () {
      loading = false;
      C.busy(filter, false);
      if (again) {
        again = false;
        return refresh(true);
      }
    });
  }

  function onSession(session) {
    if (timer !== null) window.clearInterval(timer);
    timer = null;
    listsShown = false;
    if (!session) return;
    K.allowEdits(session);
    refresh();
    timer = window.setInterval(function () {
      if (!document.hidden) refresh();
    }, REFRESH_MS);
  }

  $("counts-filter").addEventListener("submit", function (event) {
    event.preventDefault();
    C.clearError();
    refresh();
  });
  $("warehouse").addEventListener("change", function () {
    showZones();
    refresh();
  });
  K.warehouse = warehouse;
  K.refresh = refresh;
  C.onSession(onSession);
})();
