/* Scanfloor console, one purchase order: what a buyer does with it, by its state.
 *   draft     -> Approve, Edit lines (free: no amendment), Cancel
 *   approved  -> Send to supplier, Amend, Cancel
 *   sent/open -> Amend, Cancel while nothing is received
 *   partially received -> Amend
 * An amendment needs a reason and is kept in the history table (one row per amendment,
 * each change listed). The PO's value, currency, revision and warehouse are shown, and its
 * PDF and CSV are fetched with the session's token and offered as downloads. The API
 * decides who may (a PO above the value threshold needs a manager); its refusals are shown
 * as they are. Listens for console_po.js's "scanfloor:po-loaded"; reloads the PO through
 * window.ScanfloorPo after each action. Values are written with textContent. */
(function () {
  "use strict";

  var C = window.ScanfloorConsole;
  var B = window.ScanfloorBuying;
  var $ = C.$;
  var AMENDABLE = ["approved", "sent", "open", "partially_received"];
  var CANCELLABLE = ["draft", "approved", "sent", "open"];
  var po = null;
  var buyer = false;
  var mode = null;  // "draft" or "amend" while the editor is open

  function base(name) {
    return $("po-buyer").getAttribute("data-" + name);
  }

  function say(text) {
    $("po-action-result").textContent = text;
  }

  function reload() {
    return window.ScanfloorPo ? window.ScanfloorPo.reload() : Promise.resolve();
  }

  // ---- terms and buttons -----------------------------------------------------------------

  function when(at, by) {
    if (!at) return null;
    return C.formatTime(at) + (by ? " by " + B.person(by) : "");
  }

  function showFacts() {
    var pairs = [
      ["Value", B.money(po.value, po.currency)],
      ["Revision", po.revision],
      ["Warehouse", po.warehouse ? po.warehouse.code : "Any (older order)"]
    ];
    var supplier = document.createElement("span");
    supplier.appendChild(B.link(base("suppliers") + "/" + po.supplier.id, po.supplier.code));
    pairs.push(["Supplier", supplier]);
    if (po.approved_at) pairs.push(["Approved", when(po.approved_at, po.approved_by)]);
    if (po.sent_at) pairs.push(["Sent", when(po.sent_at, po.sent_by)]);
    if (po.cancelled_at) pairs.push(["Cancelled", when(po.cancelled_at, po.cancelled_by)]);
    if (po.cancel_reason) pairs.push(["Why cancelled", po.cancel_reason]);
    if (po.suggestion_run_id) {
      var run = document.createElement("span");
      run.appendChild(B.link(base("purchasing") + "?run=" + po.suggestion_run_id, "Run " + po.suggestion_run_id));
      pairs.push(["Suggested by", run]);
    }
    B.facts($("po-facts"), pairs);
  }

  function showButtons() {
    var state = po.state;
    var nothingReceived = !po.received_total;
    $("po-buyer").hidden = !buyer;
    $("po-docs").hidden = !buyer;  // the documents are for buyers too (the API says so)
    $("po-approve").hidden = state !== "draft";
    $("po-send").hidden = state !== "approved";
    $("po-edit").hidden = state !== "draft";
    $("po-amend").hidden = AMENDABLE.indexOf(state) < 0;
    $("po-cancel").hidden = CANCELLABLE.indexOf(state) < 0 || !nothingReceived;
    if (state === "cancelled" || state === "closed") $("cancel-form").hidden = true;
  }

  // ---- actions -------------------------------------------------------------------------

  function step(name, body, done) {
    C.clearError();
    var box = $("po-buyer");
    C.busy(box, true);
    say("");
    return C.call("POST", "/purchase-orders/" + po.id + "/" + name, { body: body }).then(function (answer) {
      say(done(answer || {}));
      closeEditor();
      $("cancel-form").hidden = true;
      return reload();
    }).catch(function (err) {
      say("Not done.");
      C.explain(err);
    }).then(function () { C.busy(box, false); });
  }

  function onCancel(event) {
    event.preventDefault();
    var reason = $("cancel-reason").value.trim();
    if (!reason) {
      C.showError(new Error("Say why the order is cancelled."));
      $("cancel-reason").focus();
      return;
    }
    step("cancel", { reason: reason }, function () { return "Cancelled: " + reason + "."; });
  }

  function download(kind) {
    C.clearError();
    B.download("/purchase-orders/" + po.id + "/document." + kind, po.number + "." + kind).then(function (name) {
      say("Saved " + name + ".");
    }).catch(C.explain);
  }

  // ---- the line editor -------------------------------------------------------------------

  function input(name, value, label, attrs) {
    var el = document.createElement("input");
    el.name = name;
    el.value = value === null || value === undefined ? "" : String(value);
    el.setAttribute("data-was", el.value);
    el.setAttribute("aria-label", label);
    Object.keys(attrs || {}).forEach(function (k) { el.setAttribute(k, attrs[k]); });
    return el;
  }

  function editorRow(line) {
    var tr = document.createElement("tr");
    tr.setAttribute("data-line-no", String(line.line_no));
    var n = " of line " + line.line_no;
    C.cell(tr, line.line_no, "num");
    C.cell(tr, line.item.sku, "code");
    C.cell(tr, C.formatQty(line.received || 0), "num");
    var received = line.received || 0;
    [
      input("quantity", line.ordered, "Quantity" + n,
        { type: "number", step: "1", min: String(Math.max(received, 1)), inputmode: "numeric" }),
      input("unit_cost", line.unit_cost, "Unit cost" + n, { inputmode: "decimal" }),
      input("expected_date", line.expected_date, "Expected date" + n, { type: "date" })
    ].forEach(function (el) {
      var td = document.createElement("td");
      td.appendChild(el);
      tr.appendChild(td);
    });
    var td = document.createElement("td");
    td.className = "remove";
    if (!received) {
      var label = document.createElement("label");
      var box = document.createElement("input");
      box.type = "checkbox";
      box.name = "remove";
      label.appendChild(box);
      label.appendChild(document.createTextNode("Remove line " + line.line_no));
      td.appendChild(label);
    }
    tr.appendChild(td);
    return tr;
  }

  function openEditor(as) {
    mode = as;
    var tbody = C.clearBody($("editor-table"));
    po.lines.forEach(function (line) { tbody.appendChild(editorRow(line)); });
    $("editor-table").className = as === "draft" ? "draft" : "";
    $("editor-add").hidden = as === "draft";
    $("editor-reason-box").hidden = as === "draft";
    $("editor-title").textContent = as === "draft" ? "Edit the draft's lines" : "Amend the order";
    $("editor-note").textContent = as === "draft"
      ? "A draft changes freely: no amendment is recorded."
      : "Revision " + po.revision + " becomes " + (po.revision + 1) + ". A quantity never goes below " +
        "what was received; a line with receipts cannot be removed." +
        (po.state === "approved" ? " An approved order not sent yet goes back to draft, to be approved again."
          : " The supplier is sent the amended order.");
    $("editor-save").textContent = as === "draft" ? "Save lines" : "Amend the order";
    ["add-sku", "add-qty", "add-cost", "editor-reason"].forEach(function (id) { $(id).value = ""; });
    $("editor").hidden = false;
    var first = tbody.querySelector("input");
    if (first) first.focus();
  }

  function closeEditor() {
    mode = null;
    $("editor").hidden = true;
  }

  /* The lines the form changes: [{line_no, quantity?, unit_cost?, expected_date?}]. */
  function changedLines() {
    var out = [];
    Array.prototype.forEach.call($("editor-table").tBodies[0].rows, function (tr) {
      var change = { line_no: Number(tr.getAttribute("data-line-no")) };
      var any = false;
      ["quantity", "unit_cost", "expected_date"].forEach(function (name) {
        var el = tr.querySelector("input[name=" + name + "]");
        var now = el.value.trim();
        if (now === el.getAttribute("data-was")) return;
        change[name] = name === "quantity" ? Number(now) : now === "" ? null : now;
        any = true;
      });
      var remove = tr.querySelector("input[name=remove]");
      if (any && !(remove && remove.checked)) out.push(change);
    });
    return out;
  }

  function removedLines() {
    return Array.prototype.filter.call($("editor-table").tBodies[0].rows, function (tr) {
      var box = tr.querySelector("input[name=remove]");
      return box && box.checked;
    }).map(function (tr) { return Number(tr.getAttribute("data-line-no")); });
  }

  function saveDraft(changes) {
    // One PATCH per changed line, one after the other: each is its own request.
    return changes.reduce(function (done, change) {
      return done.then(function () {
        var body = {};
        Object.keys(change).forEach(function (k) { if (k !== "line_no") body[k] = change[k]; });
        return C.call("PATCH", "/purchase-orders/" + po.id + "/lines/" + change.line_no, { body: body });
      });
    }, Promise.resolve()).then(function () {
      return C.plural(changes.length, "line", "lines") + " saved.";
    });
  }

  function saveAmendment(changes) {
    var reason = $("editor-reason").value.trim();
    var lines = changes.slice();
    var sku = $("add-sku").value.trim();
    if (sku || $("add-qty").value.trim()) {
      lines.push({ sku: sku, quantity: Number($("add-qty").value), unit_cost: $("add-cost").value.trim() });
    }
    var remove = removedLines();
    if (!reason) return Promise.reject(new Error("An amendment needs a reason."));
    if (!lines.length && !remove.length) return Promise.reject(new Error("Nothing is changed."));
    return C.call("POST", "/purchase-orders/" + po.id + "/amend", {
      body: { reason: reason, lines: lines, remove: remove }
    }).then(function (answer) {
      return "Amended: revision " + ((answer && answer.revision) || po.revision + 1) + ".";
    });
  }

  function onSave(event) {
    event.preventDefault();
    C.clearError();
    var changes = changedLines();
    if (mode === "draft" && !changes.length) {
      C.showError(new Error("Nothing is changed."));
      return;
    }
    var form = $("editor-form");
    C.busy(form, true);
    (mode === "draft" ? saveDraft(changes) : saveAmendment(changes)).then(function (text) {
      say(text);
      closeEditor();
      return reload();
    }).catch(C.explain).then(function () { C.busy(form, false); });
  }

  // ---- amendments ------------------------------------------------------------------------

  // An added or removed line is field "line", the line's fields its new or old value.
  function lineText(v) {
    if (!v || typeof v !== "object") return B.dash(v);
    return Object.keys(v).filter(function (k) { return v[k] !== null && v[k] !== undefined; })
      .map(function (k) { return B.words(k) + " " + v[k]; }).join(", ");
  }

  function changeText(c) {
    if (c.field === "line") {
      return "line " + c.line_no + (c.old === null || c.old === undefined
        ? " added: " + lineText(c["new"]) : " removed (was " + lineText(c.old) + ")");
    }
    var what = B.words(c.field);
    var where = c.line_no ? "line " + c.line_no + " " : "";
    if (c.old === null || c.old === undefined) return where + what + ": " + B.dash(c["new"]) + " (added)";
    if (c["new"] === null || c["new"] === undefined) return where + what + ": " + B.dash(c.old) + " (removed)";
    return where + what + ": " + c.old + " \u2192 " + c["new"];
  }

  function showAmendments(list) {
    var tbody = C.clearBody($("amendments-table"));
    list.forEach(function (a) {
      var tr = document.createElement("tr");
      C.cell(tr, a.revision, "num");
      C.cell(tr, C.formatTime(a.created_at));
      C.cell(tr, B.person(a.actor || a.actor_id));
      C.cell(tr, a.reason);
      var td = document.createElement("td");
      var ul = document.createElement("ul");
      ul.className = "packs";
      (a.changes || []).forEach(function (c) {
        var li = document.createElement("li");
        li.textContent = changeText(c);
        ul.appendChild(li);
      });
      td.appendChild(ul);
      tr.appendChild(td);
      tbody.appendChild(tr);
    });
    C.showRows("amendments", list.length);
  }

  function loadAmendments() {
    if (!buyer) return Promise.resolve(C.showDenied("amendments"));
    return C.call("GET", "/purchase-orders/" + po.id + "/amendments").then(function (body) {
      showAmendments(B.rows(body, ["amendments"]));
    }).catch(function (err) {
      if (err.status === 403) return C.showDenied("amendments");
      C.explain(err);
    });
  }

  // ---- start -----------------------------------------------------------------------------

  document.addEventListener("scanfloor:po-loaded", function (event) {
    po = event.detail;
    buyer = B.atLeast(C.loadSession(), "supervisor");
    showFacts();
    showButtons();
    if (mode && !(mode === "draft" ? po.state === "draft" : AMENDABLE.indexOf(po.state) >= 0)) closeEditor();
    loadAmendments();
  });

  $("po-approve").addEventListener("click", function () {
    step("approve", undefined, function () { return "Approved."; });
  });
  $("po-send").addEventListener("click", function () {
    step("send", undefined, function () { return "Sent to the supplier."; });
  });
  $("po-edit").addEventListener("click", function () { openEditor("draft"); });
  $("po-amend").addEventListener("click", function () { openEditor("amend"); });
  $("po-cancel").addEventListener("click", function () {
    $("cancel-form").hidden = false;
    $("cancel-reason").focus();
  });
  $("cancel-back").addEventListener("click", function () { $("cancel-form").hidden = true; });
  $("cancel-form").addEventListener("submit", onCancel);
  $("editor-form").addEventListener("submit", onSave);
  $("editor-close").addEventListener("click", closeEditor);
  $("doc-pdf").addEventListener("click", function () { download("pdf"); });
  $("doc-csv").addEventListener("click", function () { download("csv"); });
})();
