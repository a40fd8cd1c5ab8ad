/* Scanfloor console, replenishment: for one warehouse, the replenishment tasks (release a
 * claimed one back to the queue, cancel one), the pick faces with their min/max (add or
 * change one, stop one) and what runs low (items at or below their reorder level, pick
 * faces below their min). Refreshes every 30 s while the tab is shown. Built on
 * window.ScanfloorConsole and window.ScanfloorBuying; values are written with textContent;
 * the API decides who may do what and its refusals are shown as they are. */
(function () {
  "use strict";

  var C = window.ScanfloorConsole;
  var B = window.ScanfloorBuying;
  var $ = C.$;
  var REFRESH_MS = 30000;
  var timer = null;
  var listed = false;
  var loading = null;  // the refresh under way
  var supervisor = false;
  var REASONS = { below_min: "Below its min", out_with_demand: "Out, with orders waiting" };

  function warehouse() {
    return $("warehouse").value;
  }

  function denied(prefix) {
    return function (err) {
      if (err.status === 403) return C.showDenied(prefix);
      throw err;
    };
  }

  // ---- tasks -----------------------------------------------------------------------------

  function taskAction(task, step, done) {
    C.clearError();
    C.call("POST", "/replenishment-tasks/" + task.id + "/" + step).then(function () {
      return refresh();
    }).then(function () {
      $("tasks-result").textContent = "Task " + task.id + " " + done + ".";
    }).catch(C.explain);
  }

  function taskRow(task) {
    var tr = document.createElement("tr");
    tr.setAttribute("data-task", String(task.id));
    C.cell(tr, "#" + task.id);
    C.cell(tr, B.words(task.status), "state");
    C.cell(tr, B.itemText(task.item));
    C.cell(tr, task.to_location ? task.to_location.code : "", "code");
    var source = task.suggested_source;
    C.cell(tr, source ? source.location.code + (source.lot ? " (lot " + source.lot.code + ")" : "") : "\u2013", "code");
    C.cell(tr, C.formatQty(task.moved) + " of " + C.formatQty(task.quantity), "num");
    C.cell(tr, B.person(task.claimed_by));
    C.cell(tr, C.formatTime(task.created_at));
    var td = document.createElement("td");
    var box = document.createElement("div");
    box.className = "actions";
    if (task.status === "claimed") {
      box.appendChild(B.button("Release", "small plain", function () { taskAction(task, "release", "released"); }));
      box.lastChild.setAttribute("aria-label", "Release task " + task.id);
    }
    if (supervisor && (task.status === "open" || task.status === "claimed")) {
      box.appendChild(B.button("Cancel", "small danger-outline", function () { taskAction(task, "cancel", "cancelled"); }));
      box.lastChild.setAttribute("aria-label", "Cancel task " + task.id);
    }
    td.appendChild(box);
    tr.appendChild(td);
    return tr;
  }

  function loadTasks() {
    return C.call("GET", "/replenishment-tasks", {
      query: { warehouse: warehouse(), status: $("tasks-status").value }
    }).then(function (body) {
      var tbody = C.clearBody($("tasks-table"));
      B.rows(body, ["tasks"]).forEach(function (t) { tbody.appendChild(taskRow(t)); });
      C.showRows("tasks", tbody.rows.length);
    }).catch(denied("tasks"));
  }

  // ---- pick faces ------------------------------------------------------------------------

  function editFace(face) {
    $("face-form-title").textContent = "Change " + face.location.code + " \u00b7 " + face.item.sku;
    $("face-bin").value = face.location.code;
    $("face-sku").value = face.item.sku;
    $("face-min").value = String(face.min_qty);
    $("face-max").value = String(face.max_qty);
    $("face-new").hidden = false;
    $("face-min").focus();
  }

  function newFace() {
    $("face-form-title").textContent = "Add a pick face";
    ["face-bin", "face-sku", "face-min", "face-max"].forEach(function (id) { $(id).value = ""; });
    $("face-new").hidden = true;
  }

  function stopFace(face) {
    C.clearError();
    C.call("DELETE", "/pick-faces/" + face.id).then(function () {
      return refresh();
    }).then(function () {
      $("face-result").textContent = "Stopped " + face.location.code + " \u00b7 " + face.item.sku + ".";
    }).catch(C.explain);
  }

  function faceRow(face) {
    var tr = document.createElement("tr");
    tr.setAttribute("data-face", String(face.id));
    if (face.below_min) tr.className = "low";
    C.cell(tr, face.location.code, "code");
    C.cell(tr, B.itemText(face.item));
    C.cell(tr, C.formatQty(face.quantity), "num");
    C.cell(tr, C.formatQty(face.min_qty), "num");
    C.cell(tr, C.formatQty(face.max_qty), "num");
    C.cell(tr, face.live_task_id ? "#" + face.live_task_id : face.below_min ? "Below min" : "");
    var td = document.createElement("td");
    if (supervisor) {
      var box = document.createElement("div");
      box.className = "actions";
      var where = face.location.code + " " + face.item.sku;
      box.appendChild(B.button("Change", "small plain", function () { editFace(face); }));
      box.lastChild.setAttribute("aria-label", "Change " + where);
      box.appendChild(B.button("Stop", "small danger-outline", function () { stopFace(face); }));
      box.lastChild.setAttribute("aria-label", "Stop " + where);
      td.appendChild(box);
    }
    tr.appendChild(td);
    return tr;
  }

  function loadFaces() {
    return C.call("GET", "/pick-faces", { query: { warehouse: warehouse() } }).then(function (body) {
      var tbody = C.clearBody($("faces-table"));
      B.rows(body, ["pick_faces"]).forEach(function (f) { tbody.appendChild(faceRow(f)); });
      C.showRows("faces", tbody.rows.length);
    }).catch(denied("faces"));
  }

  function onSaveFace(event) {
    event.preventDefault();
    C.clearError();
    var body = {
      bin: $("face-bin").value.trim(),
      sku: $("face-sku").value.trim(),
      min_qty: B.intOf("face-min"),
      max_qty: B.intOf("face-max")
    };
    var form = $("face-form");
    C.busy(form, true);
    C.call("PUT", "/pick-faces", { body: B.compact(body) }).then(function (face) {
      newFace();
      return refresh().then(function () {
        $("face-result").textContent = "Saved " + face.location.code + " \u00b7 " + face.item.sku +
          ": min " + face.min_qty + ", max " + face.max_qty + ".";
      });
    }).catch(function (err) {
      $("face-result").textContent = "Not saved.";
      C.explain(err);
    }).then(function () { C.busy(form, false); });
  }

  // ---- low stock ---------------------------------------------------------------------------

  function loadLow() {
    return C.call("GET", "/purchasing/low-stock", { query: { warehouse: warehouse() } }).then(function (body) {
      var items = C.clearBody($("low-items-table"));
      ((body && body.items) || []).forEach(function (row) {
        var tr = document.createElement("tr");
        C.cell(tr, row.item.sku, "code");
        C.cell(tr, row.item.name);
        C.cell(tr, C.formatQty(row.on_hand), "num");
        C.cell(tr, B.dash(row.min_qty), "num");
        C.cell(tr, C.formatQty(row.backordered), "num");
        C.cell(tr, REASONS[row.reason] || B.words(row.reason));
        items.appendChild(tr);
      });
      C.showRows("low-items", items.rows.length);
      var faces = C.clearBody($("low-faces-table"));
      ((body && body.pick_faces) || []).forEach(function (row) {
        var tr = document.createElement("tr");
        C.cell(tr, row.location.code, "code");
        C.cell(tr, row.item.sku, "code");
        C.cell(tr, C.formatQty(row.quantity), "num");
        C.cell(tr, C.formatQty(row.min_qty), "num");
        C.cell(tr, C.formatQty(row.max_qty), "num");
        C.cell(tr, row.live_task_id ? "#" + row.live_task_id : "None yet");
        faces.appendChild(tr);
      });
      C.showRows("low-faces", faces.rows.length);
    }).catch(function (err) {
      if (err.status !== 403) throw err;
      C.showDenied("low-items");
      C.showDenied("low-faces");
    });
  }

  // ---- the page ----------------------------------------------------------------------------

  function refresh() {
    if (!C.loadSession()) return Promise.resolve();
    // One refresh at a time; asked again meanwhile (after an action), run once more after it.
    if (loading) return loading.then(refresh);
    var filter = $("repl-filter");
    C.busy(filter, true);
    var lists = listed ? Promise.resolve() : B.fillWarehouses($("warehouse")).then(function () { listed = true; });
    loading = lists.then(function () {
      return Promise.all([loadTasks(), loadFaces(), loadLow()]);
    }).then(function () {
      $("refreshed").textContent = "Updated " + new Date().toLocaleTimeString();
    }).catch(C.explain).then(function () {
      loading = null;
      C.busy(filter, false);
    });
    return loading;
  }

  $("repl-filter").addEventListener("submit", function (event) {
    event.preventDefault();
    C.clearError();
    refresh();
  });
  $("warehouse").addEventListener("change", function () { refresh(); });
  $("tasks-filter").addEventListener("submit", function (event) {
    event.preventDefault();
    loadTasks().catch(C.explain);
  });
  $("tasks-status").addEventListener("change", function () { loadTasks().catch(C.explain); });
  $("face-form").addEventListener("submit", onSaveFace);
  $("face-new").addEventListener("click", newFace);

  C.onSession(function (session) {
    if (timer !== null) window.clearInterval(timer);
    timer = null;
    if (!session) return;
    supervisor = B.atLeast(session, "supervisor");
    $("face-form").hidden = !supervisor;
    refresh();
    timer = window.setInterval(function () {
      if (!document.hidden) refresh();
    }, REFRESH_MS);
  });
})();
