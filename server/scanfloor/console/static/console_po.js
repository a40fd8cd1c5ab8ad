/* Scanfloor console: purchase orders (list, create, CSV import) and one PO's detail.
 * Plain browser JavaScript, no build step. Signs in through the console home page (the same
 * sessionStorage entry); every value from the API is written with textContent. */
(function () {
  "use strict";

  var SESSION_KEY = "scanfloor.console.session";
  var body = document.body;
  var API = body.getAttribute("data-api-base") || "/api/v1";
  var LIST = body.getAttribute("data-po-list") || "/console/purchase-orders";
  var nextCursor = null;

  function $(id) { return document.getElementById(id); }

  function session() {
    try {
      var s = JSON.parse(window.sessionStorage.getItem(SESSION_KEY) || "null");
      if (s && s.expires_at && Date.parse(s.expires_at) <= Date.now()) return null;
      return s;
    } catch (e) { return null; }
  }

  function role() { var s = session(); return (s && s.user && s.user.role) || ""; }
  function isManager() { return role() === "manager" || role() === "admin"; }

  function request(method, path, options) {
    options = options || {};
    var headers = { "Accept": "application/json" };
    var s = session();
    if (s) headers["Authorization"] = "Bearer " + s.token;
    var init = { method: method, headers: headers, credentials: "same-origin" };
    if (options.form) {
      init.body = options.form;
    } else if (options.json !== undefined) {
      headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(options.json);
    }
    if (method !== "GET") headers["Idempotency-Key"] = "console-" + Date.now() + "-" + Math.random().toString(36).slice(2);
    var url = API + path;
    if (options.query) {
      var params = new URLSearchParams();
      Object.keys(options.query).forEach(function (k) {
        var v = options.query[k];
        if (v !== undefined && v !== null && v !== "") params.set(k, String(v));
      });
      if (params.toString()) url += "?" + params.toString();
    }
    return fetch(url, init).then(function (res) {
      return res.text().then(function (text) {
        var data = null;
        try { data = text ? JSON.parse(text) : null; } catch (e) { data = null; }
        if (!res.ok) {
          var err = (data && data.error) || {};
          var e = new Error(err.message || res.status + " " + res.statusText);
          e.status = res.status;
          e.details = err.details || {};
          throw e;
        }
        return data;
      });
    }, function (e) { throw new Error("The server did not answer (" + e.message + ")."); });
  }

  function showError(err) {
    var box = $("error");
    box.textContent = err && err.message ? err.message : String(err);
    box.hidden = false;
    var problems = $("import-problems");
    if (problems && err && err.details && err.details.problems) {
      err.details.problems.forEach(function (p) {
        var li = document.createElement("li");
        li.textContent = "Row " + p.row + (p.column ? " (" + p.column + ")" : "") + ": " + p.message +
          (p.value ? " \u2014 " + p.value : "");
        problems.appendChild(li);
      });
    }
  }

  function clearError() {
    $("error").hidden = true;
    var problems = $("import-problems");
    if (problems) while (problems.firstChild) problems.removeChild(problems.firstChild);
  }

  function cell(tr, text, className) {
    var td = document.createElement("td");
    td.textContent = text === null || text === undefined ? "\u2014" : String(text);
    if (className) td.className = className;
    tr.appendChild(td);
    return td;
  }

  function clearBody(table) {
    var tb = table.tBodies[0];
    while (tb.firstChild) tb.removeChild(tb.firstChild);
    return tb;
  }

  function when(iso) {
    var t = Date.parse(iso);
    return isNaN(t) ? iso || "" : new Date(t).toLocaleString();
  }

  function stateText(state) { return (state || "").replace(/_/g, " "); }

  // ---- list page -----------------------------------------------------------------------

  function loadList(more) {
    clearError();
    var query = { q: $("po-q").value.trim(), state: $("po-state").value, limit: 50 };
    if (more) query.cursor = nextCursor;
    return request("GET", "/purchase-orders", { query: query }).then(function (data) {
      var tb = more ? $("po-table").tBodies[0] : clearBody($("po-table"));
      (data.purchase_orders || []).forEach(function (po) {
        var tr = document.createElement("tr");
        var td = document.createElement("td");
        var a = document.createElement("a");
        a.href = LIST + "/" + po.id;
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
    request("POST", "/purchase-orders", { json: po }).then(function (created) {
      window.location.href = LIST + "/" + created.id;
    }).catch(showError);
  }

  function onImport(event) {
    event.preventDefault();
    clearError();
    var form = new FormData();
    var file = $("import-file").files[0];
    if (!file) return;
    form.append("file", file);
    request("POST", "/purchase-orders/import", {
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
    request("POST", "/suppliers", { json: {
      code: $("sup-code").value.trim(),
      name: $("sup-name").value.trim(),
      over_receipt_tolerance_pct: $("sup-tol").value.trim() || "0"
    } }).then(function (s) {
      $("manage-note").textContent = "Supplier " + s.code + " added (tolerance " + s.over_receipt_tolerance_pct + "%).";
      $("supplier-create").reset();
    }).catch(showError);
  }

  function startList() {
    $("workspace").hidden = false;
    $("manage").hidden = !isManager();
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
    var manager = isManager();
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
      request("GET", "/purchase-orders/" + id),
      request("GET", "/purchase-orders/" + id + "/receipts")
    ]).then(function (answers) {
      showPo(answers[0]);
      showReceipts(answers[1]);
      $("po-detail").hidden = false;
    }).catch(showError);
  }

  function startDetail() {
    var article = $("po-detail");
    var id = article.getAttribute("data-po-id");
    ["open", "close"].forEach(function (step) {
      $("po-" + step).addEventListener("click", function () {
        clearError();
        request("POST", "/purchase-orders/" + id + "/" + step).then(function () {
          return loadPo(id);
        }).catch(showError);
      });
    });
    loadPo(id);
  }

  document.addEventListener("DOMContentLoaded", function () {
    var s = session();
    if (!s) { $("signed-out").hidden = false; return; }
    $("whoami-name").textContent = (s.user && (s.user.display_name || s.user.username)) || "";
    $("whoami-role").textContent = role();
    if ($("po-detail")) startDetail(); else startList();
  });
})();
