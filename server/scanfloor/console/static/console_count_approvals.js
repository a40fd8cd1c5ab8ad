/* Scanfloor console, cycle counts: the approval queue (each task's lines with system,
 * counted and recounted quantities, variance and value; approve or reject with a reason
 * code) and the open and recount tasks. Part of the counts page (console_counts.js, loaded
 * before it, refreshes it). The server decides who may approve: its refusals
 * (approver_counted, manager_required) are shown in words on the task they refused. */
(function () {
  "use strict";

  var C = window.ScanfloorConsole;
  var K = window.ScanfloorCounts;
  var $ = C.$;

  // Reason codes a decision is recorded with (the API requires one): why the stock really
  // differs (approve), or why the count is not trusted (reject).
  var REASONS = [
    ["", "Choose a reason\u2026"],
    ["shrinkage", "Approve: shrinkage (theft or loss)"],
    ["damaged_unrecorded", "Approve: damaged, not recorded"],
    ["mispick", "Approve: mispick on an earlier order"],
    ["receiving_error", "Approve: receiving error"],
    ["found_stock", "Approve: stock found"],
    ["count_error", "Reject: count error"],
    ["wrong_bin", "Reject: stock in another bin"],
    ["in_transit", "Reject: stock moving at the time"],
    ["other", "Other (explain in the note)"]
  ];
  var WHY = {
    short_pick: "short pick", refused_putaway: "refused putaway", empty_bin: "bin emptied",
    abc: "ABC plan", adhoc: "ad hoc"
  };
  var REFUSALS = {
    approver_counted: "You counted or recounted this bin: someone who did neither must decide.",
    manager_required: "This adjustment is above the value a supervisor may approve: a manager must approve it.",
    not_awaiting_approval: "This task is no longer waiting for approval (someone decided it already).",
    forbidden: "Your role may not decide counts."
  };

  function signed(n) {
    if (typeof n !== "number") return "";
    return (n > 0 ? "+" : "") + n.toLocaleString();
  }

  function signedMoney(text) {
    if (text === null || text === undefined || text === "") return "\u2013";
    var s = String(text);
    return s.charAt(0) === "-" || s === "0.00" || Number(s) === 0 ? s : "+" + s;
  }

  function who(u) {
    return u ? u.username : "\u2013";
  }

  // ---- the approval queue ------------------------------------------------------------

  /* One row per item and lot: the first count, the recount, and the figures the decision
   * is about (the latest attempt's system quantity, variance and value). */
  function mergeLines(lines) {
    var rows = [];
    var byKey = {};
    lines.forEach(function (l) {
      var key = (l.item ? l.item.id : "?") + "/" + (l.lot ? l.lot.id : "-");
      var row = byKey[key];
      if (!row) {
        row = { item: l.item, lot: l.lot, counted: null, recounted: null, latest: l };
        byKey[key] = row;
        rows.push(row);
      }
      if (l.attempt === 2) row.recounted = l;
      else row.counted = l;
      if (l.attempt >= row.latest.attempt) row.latest = l;
    });
    return rows;
  }

  function decisionForm(task) {
    var form = document.createElement("form");
    form.className = "decide";
    form.setAttribute("method", "post");
    form.setAttribute("novalidate", "");
    var grid = document.createElement("div");
    grid.className = "decide-grid";

    var reasonWrap = document.createElement("div");
    var reasonLabel = document.createElement("label");
    reasonLabel.htmlFor = "reason-" + task.id;
    reasonLabel.textContent = "Reason code (required)";
    var reason = document.createElement("select");
    reason.id = "reason-" + task.id;
    reason.name = "reason_code";
    reason.required = true;
    REASONS.forEach(function (r) {
      var o = document.createElement("option");
      o.value = r[0];
      o.textContent = r[1];
      reason.appendChild(o);
    });
    reasonWrap.appendChild(reasonLabel);
    reasonWrap.appendChild(reason);

    var noteWrap = document.createElement("div");
    var noteLabel = document.createElement("label");
    noteLabel.htmlFor = "note-" + task.id;
    noteLabel.textContent = "Note";
    var note = document.createElement("input");
    note.id = "note-" + task.id;
    note.name = "note";
    note.maxLength = 500;
    noteWrap.appendChild(noteLabel);
    noteWrap.appendChild(note);
    grid.appendChild(reasonWrap);
    grid.appendChild(noteWrap);
    form.appendChild(grid);

    var again = document.createElement("label");
    var box = document.createElement("input");
    box.type = "checkbox";
    box.name = "recount";
    box.checked = true;
    again.appendChild(box);
    again.appendChild(document.createTextNode("On reject, raise a new count of the bin"));
    form.appendChild(again);

    var actions = document.createElement("div");
    actions.className = "actions";
    var approve = document.createElement("button");
    approve.type = "submit";
    approve.value = "approve";
    approve.textContent = "Approve";
    approve.setAttribute("aria-label", "Approve task " + task.id);
    var reject = document.createElement("button");
    reject.type = "button";
    reject.className = "danger-outline";
    reject.textContent = "Reject";
    reject.setAttribute("aria-label", "Reject task " + task.id);
    actions.appendChild(approve);
    actions.appendChild(reject);
    form.appendChild(actions);

    var outcome = document.createElement("p");
    outcome.className = "refusal";
    outcome.setAttribute("role", "alert");
    outcome.hidden = true;
    form.appendChild(outcome);

    function decide(decision) {
      C.clearError();
      outcome.hidden = true;
      if (!reason.value) {
        outcome.textContent = "Choose a reason code before you " + decision + ".";
        outcome.hidden = false;
        reason.focus();
        return;
      }
      var body = { decision: decision, reason_code: reason.value };
      if (note.value.trim()) body.note = note.value.trim();
      if (decision === "reject") body.recount = box.checked;
      C.busy(form, true);
      C.call("POST", "/count-tasks/" + task.id + "/decide", { body: body }).then(function (done) {
        var text = "Task " + done.id + " " + (decision === "approve" ? "approved" : "rejected") +
          " (" + body.reason_code.replace(/_/g, " ") + ")" +
          (decision === "approve" && done.posting_id ? ": adjustment posted as #" + done.posting_id : "") + ".";
        $("decided").textContent = text;
        var card = form.closest("article");
        if (card) card.remove();
        return K.refresh(true);
      }).catch(function (err) {
        outcome.textContent = (REFUSALS[err.code] || err.message) +
          (err.code && REFUSALS[err.code] ? " (" + err.code + ")" : "");
        outcome.hidden = false;
        if (err.status === 401) C.showError(err);
      }).then(function () { C.busy(form, false); });
    }

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      decide("approve");
    });
    reject.addEventListener("click", function () { decide("reject"); });
    return form;
  }

  function approvalCard(task) {
    var card = document.createElement("article");
    card.className = "approval";
    card.setAttribute("data-task", String(task.id));
    var head = document.createElement("h3");
    head.id = "approval-" + task.id;
    head.textContent = "Task " + task.id + " \u00b7 bin " + (task.location ? task.location.code : "?") +
      (task.item ? " \u00b7 " + task.item.sku : "");
    card.setAttribute("aria-labelledby", head.id);
    card.appendChild(head);
    if (task.needs_manager) {
      var badge = document.createElement("span");
      badge.className = "needs-manager";
      badge.textContent = "Needs a manager";
      head.appendChild(document.createTextNode(" "));
      head.appendChild(badge);
    }
    var meta = document.createElement("p");
    meta.className = "muted";
    meta.textContent = [
      WHY[task.reason] || task.reason,
      "counted by " + who(task.counted_by) + (task.counted_at ? " " + C.formatTime(task.counted_at) : ""),
      "recounted by " + who(task.recounted_by) + (task.recounted_at ? " " + C.formatTime(task.recounted_at) : ""),
      "value at stake " + (task.pending_value || "\u2013")
    ].join(" \u00b7 ");
    card.appendChild(meta);

    var wrap = document.createElement("div");
    wrap.className = "table-wrap";
    wrap.tabIndex = 0;
    wrap.setAttribute("role", "region");
    wrap.setAttribute("aria-label", "Lines of task " + task.id);
    var table = document.createElement("table");
    table.className = "lines";
    var thead = document.createElement("thead");
    var hr = document.createElement("tr");
    [["Item", ""], ["Lot", ""], ["System", "num"], ["Counted", "num"], ["Recounted", "num"],
     ["Variance", "num"], ["Value", "num"], ["Class", ""], ["State", ""]].forEach(function (h) {
      var th = document.createElement("th");
      th.textContent = h[0];
      if (h[1]) th.className = h[1];
      hr.appendChild(th);
    });
    thead.appendChild(hr);
    table.appendChild(thead);
    var tbody = document.createElement("tbody");
    mergeLines(task.lines || []).forEach(function (row) {
      var l = row.latest;
      var tr = document.createElement("tr");
      if (l.outcome === "approval") tr.className = "waiting";
      C.cell(tr, (row.item ? row.item.sku : "") + (l.unexpected ? " (not expected here)" : ""), "code");
      C.cell(tr, row.lot ? row.lot.code : "\u2013");
      C.cell(tr, C.formatQty(l.system_qty), "num");
      C.cell(tr, row.counted ? C.formatQty(row.counted.counted_qty) : "\u2013", "num");
      C.cell(tr, row.recounted ? C.formatQty(row.recounted.counted_qty) : "\u2013", "num");
      C.cell(tr, signed(l.variance), "num variance");
      C.cell(tr, signedMoney(l.variance_value), "num");
      C.cell(tr, l.abc_class || "");
      C.cell(tr, (l.outcome || "").replace(/_/g, " ") + (l.within_tolerance === false ? " (beyond tolerance)" : ""));
      tbody.appendChild(tr);
    });
    table.appendChild(tbody);
    wrap.appendChild(table);
    card.appendChild(wrap);
    card.appendChild(decisionForm(task));
    return card;
  }

  /* Someone is choosing a reason or writing a note: a background refresh waits. */
  function deciding() {
    var box = $("approvals-table");
    return Array.prototype.some.call(box.querySelectorAll("select, input[name=note]"), function (el) {
      return el.value;
    });
  }

  function showApprovals(tasks, force) {
    var box = $("approvals-table");
    if (!force && deciding()) return;
    while (box.firstChild) box.removeChild(box.firstChild);
    tasks.forEach(function (t) { box.appendChild(approvalCard(t)); });
    $("approvals-title").textContent = "Waiting for approval (" + tasks.length + ")";
    C.showRows("approvals", tasks.length);
  }

  // ---- open and recount tasks --------------------------------------------------------

  function showTasks(tasks) {
    var tbody = C.clearBody($("tasks-table"));
    tasks.forEach(function (t) {
      var tr = document.createElement("tr");
      tr.setAttribute("data-task", String(t.id));
      C.cell(tr, "#" + t.id, "code");
      C.cell(tr, t.status + (t.attempt === 2 ? " (2nd count)" : ""));
      C.cell(tr, WHY[t.reason] || t.reason);
      C.cell(tr, t.location ? t.location.code : "", "code");
      C.cell(tr, t.item ? t.item.sku : "every item", t.item ? "code" : "");
      C.cell(tr, t.assigned_to ? t.assigned_to.username : "\u2013");
      C.cell(tr, C.formatTime(t.created_at));
      tbody.appendChild(tr);
    });
    C.showRows("tasks", tasks.length);
  }

  K.showApprovals = showApprovals;
  K.showTasks = showTasks;
})();
