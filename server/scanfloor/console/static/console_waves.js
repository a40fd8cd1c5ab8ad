/* Scanfloor console, waves: choose the rules, preview what a wave would hold, release it;
 * then watch the waves' progress and give their pick tasks to people. Built on
 * window.ScanfloorConsole (console.js, loaded first). Values from the API are written with
 * textContent, never innerHTML. Every press of Release sends a new Idempotency-Key (call()
 * makes one per request), and the button stays disabled until the answer is in, so one
 * press releases one wave. */
(function () {
  "use strict";

  var C = window.ScanfloorConsole;
  var $ = C.$;
  var explain = C.explain;
  var fillSelect = C.fillSelect;
  var plural = C.plural;
  var REFRESH_MS = 20000;
  var NUMBERS = [
    "max_orders", "max_lines", "max_units", "max_pickers", "lines_per_picker", "orders_per_picker"
  ];
  // The reason codes the wave planner gives for an order it leaves out, in words.
  var REASONS = {
    stock_not_in_bins: "its reserved stock is no longer in the bins",
    nothing_to_pick: "nothing left to pick",
    exceeds_max_lines: "more lines than the wave may hold",
    exceeds_max_units: "more units than the wave may hold",
    exceeds_max_pickers: "needs more pickers than allowed (one per zone)",
    exceeds_lines_per_picker: "more lines than one picker may take"
  };
  var timer = null;
  var listsShown = false;
  var users = null; // the warehouse's pickers: [{id, username, display_name, role, open_tasks}]
  var openWave = null;
  var loading = false;

  // ---- the rules form --------------------------------------------------------------------

  function rules() {
    var body = { warehouse: Number($("warehouse").value), mode: $("mode").value };
    var channels = Array.prototype.filter.call($("channels").options, function (o) {
      return o.selected;
    }).map(function (o) { return o.value; });
    if (channels.length) body.channels = channels;
    var shipBy = $("ship-by").value;
    if (shipBy) {
      var at = new Date(shipBy); // the browser's local time, sent as UTC
      if (!isNaN(at.getTime())) body.ship_by_before = at.toISOString();
    }
    NUMBERS.forEach(function (name) {
      var raw = document.querySelector("#wave-rules [name=" + name + "]").value.trim();
      if (raw !== "") body[name] = Number(raw);
    });
    return body;
  }

  function showPreview(p) {
    $("pv-orders").textContent = C.formatQty(p.orders);
    $("pv-lines").textContent = C.formatQty(p.lines);
    $("pv-units").textContent = C.formatQty(p.units);
    $("pv-tasks").textContent = C.formatQty(p.tasks);
    $("pv-pickers").textContent = C.formatQty(p.pickers);
    $("pv-path").textContent = C.formatQty(p.path_length);
    showSkipped(p.skipped || []);
    $("preview-title").textContent = p.orders ? "Preview: " + plural(p.orders, "order", "orders") +
      " would be released" : "Preview: no order matches these rules";
    $("preview").hidden = false;
  }

  function showSkipped(skipped) {
    var tbody = C.clearBody($("skipped-table"));
    skipped.forEach(function (s) {
      var tr = document.createElement("tr");
      var order = s.order || {};
      C.cell(tr, order.external_id || "#" + order.id, "code");
      C.cell(tr, REASONS[s.reason] || String(s.reason || "").replace(/_/g, " "));
      tbody.appendChild(tr);
    });
    C.showRows("skipped", skipped.length);
  }

  function onPreview(event) {
    event.preventDefault();
    C.clearError();
    $("release-result").textContent = "";
    var form = $("wave-rules");
    C.busy(form, true);
    C.call("POST", "/waves/preview", { body: rules() })
      .then(showPreview)
      .catch(explain)
      .then(function () { C.busy(form, false); });
  }

  function onRelease() {
    C.clearError();
    var form = $("wave-rules");
    var result = $("release-result");
    C.busy(form, true);
    result.textContent = "Releasing\u2026";
    C.call("POST", "/waves", { body: rules() }).then(function (wave) {
      result.textContent = "Wave " + wave.id + " released: " +
        plural(wave.order_count, "order", "orders") + ", " +
        plural(wave.line_count, "line", "lines") + ", " +
        plural((wave.tasks || []).length, "task", "tasks") + ".";
      $("preview").hidden = true;
      return refresh().then(function () { showTasks(wave); });
    }).catch(function (err) {
      result.textContent = "Not released.";
      explain(err);
    }).then(function () { C.busy(form, false); });
  }

  // ---- the waves and their tasks ---------------------------------------------------------

  function progress(wave) {
    var total = 0;
    var open = 0;
    (wave.tasks || []).forEach(function (t) {
      total += t.lines || 0;
      open += t.lines_open || 0;
    });
    if (!total) total = wave.line_count || 0;
    return { picked: total - open, total: total };
  }

  function showWaves(waves) {
    var tbody = C.clearBody($("list-table"));
    waves.forEach(function (w) {
      var tr = document.createElement("tr");
      tr.setAttribute("data-wave", String(w.id));
      if (openWave === w.id) tr.className = "chosen";
      C.cell(tr, "#" + w.id, "code");
      C.cell(tr, C.formatTime(w.released_at) + (w.released_by ? " by " + w.released_by.username : ""));
      C.cell(tr, w.mode);
      C.cell(tr, w.status);
      C.cell(tr, C.formatQty(w.order_count), "num");
      var p = progress(w);
      var td = C.cell(tr, "");
      var bar = document.createElement("progress");
      bar.max = Math.max(p.total, 1);
      bar.value = p.picked;
      bar.setAttribute("aria-label", "Wave " + w.id + " lines picked");
      td.appendChild(bar);
      td.appendChild(document.createTextNode(" " + p.picked + " / " + p.total));
      C.cell(tr, C.formatQty(w.unit_count), "num");
      C.cell(tr, C.formatQty(w.path_length), "num");
      var actions = C.cell(tr, "");
      var show = document.createElement("button");
      show.type = "button";
      show.className = "small";
      show.textContent = "Tasks (" + (w.tasks || []).length + ")";
      // The accessible name starts with the visible text (WCAG 2.5.3, axe label-content-name-mismatch).
      show.setAttribute("aria-label", show.textContent + " of wave " + w.id);
      show.addEventListener("click", function () { showTasks(w); });
      actions.appendChild(show);
      tbody.appendChild(tr);
    });
    C.showRows("list", waves.length);
    // Not while someone is choosing a picker: the rebuilt row would drop their choice.
    if (openWave !== null && !$("tasks").contains(document.activeElement)) {
      var again = waves.filter(function (w) { return w.id === openWave; })[0];
      if (again) showTasks(again, true);
    }
  }

  function userChoice(task) {
    var label = "Picker for task " + task.id;
    var select = document.createElement("select");
    select.setAttribute("aria-label", label);
    (users || []).forEach(function (u) {
      var option = document.createElement("option");
      option.value = String(u.id);
      option.textContent = (u.display_name || u.username) + " (" + u.username + ")";
      option.title = u.open_tasks + " open task" + (u.open_tasks === 1 ? "" : "s") + " here";
      if (task.assigned_to && task.assigned_to.id === u.id) option.selected = true;
      select.appendChild(option);
    });
    return select;
  }

  function taskAction(button, path, body, done) {
    C.clearError();
    var row = button.closest("tr");
    C.busy(row, true);
    C.call("POST", path, { body: body }).then(function (task) {
      $("task-result").textContent = done(task);
      return refresh();
    }).catch(explain).then(function () { C.busy(row, false); });
  }

  function showTasks(wave, quiet) {
    openWave = wave.id;
    var tasks = wave.tasks || [];
    $("tasks-title").textContent = "Tasks of wave " + wave.id + " (" + wave.status + ")";
    $("tasks-users-note").hidden = !(users && users.length === 0);
    var tbody = C.clearBody($("tasks-table"));
    tasks.forEach(function (t) {
      var tr = document.createElement("tr");
      tr.setAttribute("data-task", String(t.id));
      C.cell(tr, "#" + t.id + (t.zone ? " \u00b7 " + t.zone.code : ""), "code");
      C.cell(tr, t.status);
      C.cell(tr, t.assigned_to ? t.assigned_to.username : "\u2013");
      C.cell(tr, C.formatQty(t.orders), "num");
      C.cell(tr, t.lines_open + " of " + t.lines);
      C.cell(tr, C.formatQty(t.units), "num");
      C.cell(tr, C.formatQty(t.path_length), "num");
      var td = C.cell(tr, "");
      if (t.status === "open" || t.status === "claimed") {
        var wrap = document.createElement("div");
        wrap.className = "give";
        var choice = userChoice(t);
        var give = document.createElement("button");
        give.type = "button";
        give.className = "small";
        give.textContent = "Reassign";
        give.setAttribute("aria-label", "Reassign task " + t.id);
        give.addEventListener("click", function () {
          var id = Number(choice.value);
          if (!id) {
            C.showError(new Error("Choose who should pick task " + t.id + "."));
            return;
          }
          taskAction(give, "/pick-tasks/" + t.id + "/assign", { user: id }, function (task) {
            return "Task " + task.id + " is now " +
              (task.assigned_to ? task.assigned_to.username + "'s" : "open") + ".";
          });
        });
        wrap.appendChild(choice);
        wrap.appendChild(give);
        if (t.assigned_to) {
          var drop = document.createElement("button");
          drop.type = "button";
          drop.className = "small plain";
          drop.textContent = "Unassign";
          drop.setAttribute("aria-label", "Unassign task " + t.id);
          drop.addEventListener("click", function () {
            taskAction(drop, "/pick-tasks/" + t.id + "/unassign", {}, function (task) {
              return "Task " + task.id + " is open again for anyone to claim.";
            });
          });
          wrap.appendChild(drop);
        }
        td.appendChild(wrap);
      } else {
        td.textContent = "\u2013";
      }
      tbody.appendChild(tr);
    });
    C.showRows("tasks", tasks.length);
    $("tasks").hidden = false;
    Array.prototype.forEach.call(document.querySelectorAll("#list-table tbody tr"), function (tr) {
      tr.className = tr.getAttribute("data-wave") === String(wave.id) ? "chosen" : "";
    });
    if (!quiet) $("tasks").scrollIntoView({ behavior: "smooth", block: "start" });
  }

  // ---- loading -----------------------------------------------------------------------------

  function loadLists() {
    if (listsShown) return Promise.resolve();
    var warehouses = C.warehouses().then(function (rows) {
      fillSelect($("warehouse"), rows, function (w) { return w.id; },
        function (w) { return w.code + " \u2014 " + w.name; });
    });
    var channels = C.call("GET", "/channels").then(function (body) {
      var rows = Array.isArray(body) ? body : (body && body.channels) || [];
      fillSelect($("channels"), rows, function (c) { return c.code; },
        function (c) { return c.code + " \u2014 " + c.name; });
    });
    return Promise.all([warehouses, channels]).then(function () { listsShown = true; });
  }

  // Who may pick in the chosen warehouse (supervisors and up may ask): the reassign choice.
  function loadPickers() {
    var warehouse = $("warehouse").value;
    if (!warehouse) {
      users = [];
      return Promise.resolve();
    }
    return C.call("GET", "/pick-tasks/pickers", { query: { warehouse: warehouse } })
      .then(function (body) { users = (body && body.pickers) || []; });
  }

  function denied() {
    $("waves-denied").hidden = false;
    $("wave-rules").hidden = true;
    $("preview").hidden = true;
    $("tasks").hidden = true;
    C.showDenied("list");
  }

  function refresh() {
    if (loading || !C.loadSession()) return Promise.resolve();
    loading = true;
    var filter = $("waves-filter");
    C.busy(filter, true);
    return loadLists().then(function () {
      return loadPickers();
    }).then(function () {
      return C.call("GET", "/waves", {
        query: { warehouse: $("warehouse").value, status: $("status").value }
      });
    }).then(function (body) {
      $("waves-denied").hidden = true;
      $("wave-rules").hidden = false;
      showWaves(Array.isArray(body) ? body : (body && body.waves) || []);
      $("refreshed").textContent = "Updated " + new Date().toLocaleTimeString() +
        " \u00b7 refreshes every " + REFRESH_MS / 1000 + " s";
    }).catch(function (err) {
      if (err.status === 403) return denied();
      explain(err);
    }).then(function () {
      loading = false;
      C.busy(filter, false);
    });
  }

  function onSession(session) {
    if (timer !== null) window.clearInterval(timer);
    timer = null;
    listsShown = false;
    users = null;
    openWave = null;
    if (!session) return;
    refresh();
    timer = window.setInterval(function () {
      if (!document.hidden) refresh();
    }, REFRESH_MS);
  }

  $("wave-rules").addEventListener("submit", onPreview);
  $("release-button").addEventListener("click", onRelease);
  $("waves-filter").addEventListener("submit", function (event) {
    event.preventDefault();
    C.clearError();
    refresh();
  });
  $("warehouse").addEventListener("change", function () {
    openWave = null;
    $("tasks").hidden = true;
    $("preview").hidden = true;
    refresh();
  });
  $("status").addEventListener("change", refresh);
  C.onSession(onSession);
})();
