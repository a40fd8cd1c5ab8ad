/* Scanfloor console: purchase orders (list, create, CSV import) and one PO's detail.
 * Plain browser JavaScript, no build step. Built on window.ScanfloorConsole (console.js,
 * loaded first): the same sign-in, session and API client as every console page. Every
 * value from the API is written with textContent. */
(function () {
  "use strict";

  var C = window.ScanfloorConsole;
  var $ = C.$;
  var nextCursor = null;
  var started = false;
  var manager = false;

  function list() {
    return $("workspace").getAttribute("data-po-list") || "/console/purchase-orders";
  }

  /* A CSV import refused: its problems, row by row, under the message. */
  function showProblems(err) {
    var problems = $("import-problems");
    if (!problems) return;
    while (problems.firstChild) problems.removeChild(problems.firstChild);
    ((err && err.details && err.details.problems) || []).forEach(function (p) {
      var li = document.createElement("li");
      li.textContent = "Row " + p.row + (p.column ? " (" + p.column + ")" : "") + ": " + p.message +
        (p.value ? " \u2014 " + p.value : "");
      problems.appendChild(li);
    });
  }

  var showError = C.showError;
  var clearError = C.clearError;
  var clearBody = C.clearBody;
  var when = C.formatTime;

  function cell(tr, text, className) {
    return C.cell(tr, text === null || text === undefined ? "\u2014" : text, className);
  }

  function stateText(state) { return (state || "").replace(/_/g, " "); }

  // ---- list page -----------------------------------------------------------------------

  function loadList(more) {
    clearError();
    var query = { q: $("po-q").value.trim(), state: $("po-state").value, limit: 50 };
    if (more) query.cursor = nextCursor;
    return C.call("GET", "/purchase-orders", { query: query }).then(function (data) {
      var tb = more ? $("po-table").tBodies[0] : clearBody($("po-table"));
      (data.purchase_orders || []).forEach(function (po) {
        var tr = document.createElement("tr");
        var td = document.createElement("td");
        var a = document.createElement("a");
        a.href = list() + "/" + po.id;
        a.className = "code";
        a.textContent = po.number;
        td.appendChild(a);
        tr.appendChild(td);
        cell(tr, po.supplier.code + " \u2014 " + po.supplier.name);
        cell(tr, stateText(po.state) + (po.blind_receipt ? " (blind)" : ""));
        cell(tr, po.expected_date);
        cell(tr, po.line_count, "num");
        cell(tr, po.ordered_total, "num");
        cell(tr, po.received_total, "num");
        tb.appendChild(tr);
      });
      nextCursor = data.next_cursor;
      $("po-more").hidden = !nextCursor;
      $("po-empty").hidden = tb.rows.length > 0;
    }).catch(showError);
  }

  function parseLines(text) {
    return text.split(/\r?\n/).map(function (l) { return l.trim(); }).filter(Boolean).map(function (l, i) {
      var parts = l.split(",").map(function (p) { return p.trim(); });
      var qty = parseInt(parts[1], 10);
      if (parts.length < 3 || !parts[0] || !(qty > 0) || String(qty) !== parts[1]) {
        throw new Error("Line " + (i + 1) + " should read sku,quantity,unit_cost");
      }
      return { sku: parts[0], quantity: qty, unit_cost: parts[2] };
    });
  }

  function onCreate(event) {
    event.preventDefault();
    clearError();
    var po;
    try {
      po = {
        number: $("new-number").value.trim(),
        supplier: $("new-supplier").value.trim(),
        blind_receipt: $("new-blind").checked,
        lines: parseLines($("new-lines").value)
      };
    } catch (e) { showError(e); return; }
    if ($("new-date").value) po.expected_date = $("new-date").value;
    C.call("POST", "/purchase-orders", { body: po }).then(function (created) {
      window.location.href = list() + "/" + created.id;
    }).catch(showError);
  }

  function onImport(event) {
    event.preventDefault();
    clearError();
    var form = new FormData();
    var file = $("import-file").files[0];
    if (!file) return;
    form.append("file", file);
    C.call("POST", "/purchase-orders/import", {
      form: form, query: { open: $("import-open").checked ? "true" : "" }
    }).then(function (result) {
      var numbers = (result.created || []).map(function (p) { return p.number; });
      $("manage-note").textContent = "Imported " + numbers.length + " purchase order(s): " + numbers.join(", ");
      $("po-import").reset();
      return loadList(false);
    }).catch(showError);
  }

  function onSupplier(event) {
    event.preventDefault();
    clearError();
    C.call("POST", "/suppliers", { body: {
      code: $("sup-code").value.trim(),
      name: $("sup-name").value.trim(),
      over_receipt_tolerance_pct: $("sup-tol").value.trim() || "0"
    } }).then(function (s) {
      $("manage-note").textContent = "Supplier " + s.code + " added (tolerance " + s.over_receipt_tolerance_pct + "%).";
      $("supplier-create").reset();
    }).catch(showError);
  }

  function startList() {
    $("po-search").addEventListener("submit", function (e) { e.preventDefault(); loadList(false); });
    $("po-more").addEventListener("click", function () { loadList(true); });
    $("po-create").addEventListener("submit", onCreate);
    $("po-import").addEventListener("submit", onImport);
    $("supplier-create").addEventListener("submit", onSupplier);
    loadList(false);
  }

  // ---- detail page ---------------------------------------------------------------------

  function showPo(po) {
    $("po-heading").textContent = po.number + " \u2014 " + stateText(po.state);
    var meta = ["Supplier " + po.supplier.code + " (" + po.supplier.name + ")",
      "tolerance " + po.supplier.over_receipt_tolerance_pct + "%"];
    if (po.expected_date) meta.push("expected " + po.expected_date);
    if (po.blind_receipt) meta.push("blind receipt");
    $("po-meta").textContent = meta.join(" \u00b7 ");
    var tb = clearBody($("lines-table"));
    po.lines.forEach(function (ln) {
      var tr = document.createElement("tr");
      cell(tr, ln.line_no, "num");
      cell(tr, ln.item.sku, "code");
      cell(tr, ln.item.name);
      cell(tr, ln.ordered, "num");
      cell(tr, ln.received, "num");
      cell(tr, ln.damaged, "num");
      cell(tr, ln.open_quantity, "num");
      cell(tr, ln.variance, "num");
      cell(tr, ln.unit_cost, "num");
      tb.appendChild(tr);
    });
    $("po-actions").hidden = !manager;
    $("po-open").hidden = po.state !== "draft";
    $("po-close").hidden = po.state === "closed";
  }

  function showReceipts(data) {
    var tb = clearBody($("receipts-table"));
    (data.receipts || []).forEach(function (r) {
      (r.lines || []).forEach(function (ln) {
        var tr = document.createElement("tr");
        cell(tr, "#" + r.id);
        cell(tr, when(ln.created_at));
        cell(tr, r.actor ? r.actor.display_name : null);
        cell(tr, r.device_id, "code");
        cell(tr, ln.line_no, "num");
        cell(tr, ln.sku, "code");
        cell(tr, ln.quantity, "num");
        cell(tr, ln.damaged_quantity ? ln.damaged_quantity + " (" + ln.damage_reason + ")" : 0, "num");
        cell(tr, ln.lot_code);
        cell(tr, ln.expiry);
        cell(tr, ln.container_code ? ln.location_code + " / " + ln.container_code : ln.location_code, "code");
        cell(tr, ln.variance, "num");
        cell(tr, ln.approved_by ? ln.approved_by.display_name : null);
        tb.appendChild(tr);
      });
    });
    $("receipts-empty").hidden = tb.rows.length > 0;
    $("receipts-table").hidden = tb.rows.length === 0;
  }

  function loadPo(id) {
    return Promise.all([
      C.call("GET", "/purchase-orders/" + id),
      C.call("GET", "/purchase-orders/" + id + "/receipts")
    ]).then(function (answers) {
      showPo(answers[0]);
      showReceipts(answers[1]);
      $("po-detail").hidden = false;
      // console_po_actions.js shows the PO's terms, its actions by state and its amendments.
      document.dispatchEvent(new CustomEvent("scanfloor:po-loaded", { detail: answers[0] }));
    }).catch(showError);
  }

  function startDetail() {
    var article = $("po-detail");
    var id = article.getAttribute("data-po-id");
    window.ScanfloorPo = { reload: function () { return loadPo(id); } };
    ["open", "close"].forEach(function (step) {
      $("po-" + step).addEventListener("click", function () {
        clearError();
        C.call("POST", "/purchase-orders/" + id + "/" + step).then(function () {
          return loadPo(id);
        }).catch(showError);
      });
    });
    loadPo(id);
  }

  C.onError(showProblems);
  C.onSession(function (session) {
    var role = C.role(session);
    manager = role === "manager" || role === "admin";
    if ($("manage")) $("manage").hidden = !manager;
    if (!session || started) return;
    started = true;
    if ($("po-detail")) startDetail(); else startList();
  });
})();
