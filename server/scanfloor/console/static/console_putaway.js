/* Scanfloor console, putaway queue: what waits on the docks, for how long, and where each
 * task should go. Built on window.ScanfloorConsole (console.js, loaded first): the same
 * sign-in, session and API helpers as the landing page. Values from the API are written
 * with textContent, never innerHTML. */
(function () {
  "use strict";

  var C = window.ScanfloorConsole;
  var $ = C.$;
  var REFRESH_MS = 30000;
  var LATE_MINUTES = 120; // stock waiting longer than this is shown in red
  var RULES = {
    same_item_lot: "already holds this item and lot",
    empty_in_zone: "empty bin in the item's zone",
    empty_anywhere: "first empty bin on the walk"
  };
  var timer = null;
  var warehousesShown = false;
  var loading = false;

  function formatAge(minutes) {
    if (minutes === null || minutes === undefined) return "\u2013";
    if (minutes < 60) return minutes + " min";
    var hours = Math.floor(minutes / 60);
    if (hours < 24) return hours + " h " + (minutes % 60) + " min";
    return Math.floor(hours / 24) + " d " + (hours % 24) + " h";
  }

  function query() {
    var wh = $("warehouse").value;
    return wh ? { warehouse_id: wh } : {};
  }

  function showWarehouses(body) {
    var select = $("warehouse");
    var chosen = select.value;
    ((body && body.locations) || []).forEach(function (w) {
      var option = document.createElement("option");
      option.value = String(w.id);
      option.textContent = w.code + " \u2014 " + w.name;
      select.appendChild(option);
    });
    select.value = chosen;
    warehousesShown = true;
  }

  function showSummary(body) {
    $("summary-denied").hidden = true;
    $("summary-figures").hidden = false;
    $("docks-table").hidden = false;
    $("open-tasks").textContent = C.formatQty(body.open_tasks);
    $("units-waiting").textContent = C.formatQty(body.units_waiting);
    $("oldest-age").textContent = formatAge(body.oldest_age_minutes);
    var tbody = C.clearBody($("docks-table"));
    (body.by_dock || []).forEach(function (d) {
      var tr = document.createElement("tr");
      C.cell(tr, d.location.code, "code");
      C.cell(tr, C.formatQty(d.open_tasks), "num");
      C.cell(tr, C.formatQty(d.units_waiting), "num");
      C.cell(tr, formatAge(d.oldest_age_minutes), "num");
      tbody.appendChild(tr);
    });
  }

  function summaryDenied() {
    $("summary-denied").hidden = false;
    $("summary-figures").hidden = true;
    $("docks-table").hidden = true;
  }

  function what(task) {
    if (task.item) return task.item.sku + " \u2014 " + task.item.name;
    return task.contents.length + " items";
  }

  function showTasks(body) {
    var tasks = (body && body.tasks) || [];
    var tbody = C.clearBody($("tasks-table"));
    tasks.forEach(function (t) {
      var tr = document.createElement("tr");
      if (t.age_minutes !== null && t.age_minutes >= LATE_MINUTES) tr.className = "late";
      C.cell(tr, formatAge(t.age_minutes), "num");
      C.cell(tr, t.container ? "LPN " + t.container.code : "loose", "code");
      C.cell(tr, what(t));
      C.cell(tr, t.lot ? t.lot.code : "\u2013");
      C.cell(tr, C.formatQty(t.quantity), "num");
      C.cell(tr, t.from_location.code, "code");
      var to = t.suggested_location;
      C.cell(tr, to ? to.code : "no bin fits", "code");
      C.cell(tr, to ? RULES[to.rule] || to.rule : "ask a supervisor");
      tbody.appendChild(tr);
    });
    $("tasks-empty").hidden = tasks.length > 0;
    $("tasks-table").hidden = tasks.length === 0;
    $("tasks-title").textContent = tasks.length === 1 ? "1 task" :
      tasks.length + " tasks, oldest first";
  }

  function refresh() {
    if (loading || !C.loadSession()) return;
    loading = true;
    C.clearError();
    var form = $("putaway-filter");
    C.busy(form, true);
    var lists = warehousesShown ? Promise.resolve(null) :
      C.call("GET", "/locations", { query: { level: "warehouse", limit: 200 } })
        .then(showWarehouses);
    var summary = C.call("GET", "/putaway/queue-summary", { query: query() })
      .then(showSummary, function (err) {
        if (err.status === 403) return summaryDenied();
        throw err;
      });
    var tasks = C.call("GET", "/putaway/tasks", { query: Object.assign({ limit: 200 }, query()) })
      .then(showTasks);
    Promise.all([lists, summary, tasks]).then(function () {
      $("refreshed").textContent = "Updated " + new Date().toLocaleTimeString() +
        " \u00b7 refreshes every " + REFRESH_MS / 1000 + " s";
    }).catch(C.showError).then(function () {
      loading = false;
      C.busy(form, false);
    });
  }

  function onSession(session) {
    if (timer !== null) window.clearInterval(timer);
    timer = null;
    if (!session) return;
    refresh();
    timer = window.setInterval(function () {
      if (!document.hidden) refresh();
    }, REFRESH_MS);
  }

  $("putaway-filter").addEventListener("submit", function (event) {
    event.preventDefault();
    refresh();
  });
  $("warehouse").addEventListener("change", refresh);
  C.onSession(onSession);
})();
