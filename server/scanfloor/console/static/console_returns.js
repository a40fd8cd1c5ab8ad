/* Scanfloor console, returns: the RMAs of a warehouse by status with their age, and a form
 * for the back office to authorise a return (POST /returns, manager). One RMA in full is
 * console_return_detail.js. Built on window.ScanfloorConsole (console.js, loaded first).
 * Values from the API are written with textContent, never innerHTML. */
(function () {
  "use strict";

  var C = window.ScanfloorConsole;
  var $ = C.$;
  var explain = C.explain;
  var REFRESH_MS = 30000;
  var LATE_MINUTES = 24 * 60; // a return waiting a day for inspection is late

  // ---- the list ------------------------------------------------------------------------

  var listTimer = null;
  var listsShown = false;
  var loading = false;

  function ageText(r) {
    if (r.age_minutes !== null && r.age_minutes !== undefined) return C.formatAge(r.age_minutes);
    if (r.status === "authorised") return "not arrived";
    return "\u2013";
  }

  function showList(rows) {
    var tbody = C.clearBody($("list-table"));
    rows.forEach(function (r) {
      var tr = document.createElement("tr");
      tr.setAttribute("data-rma", String(r.id));
      if (r.age_minutes !== null && r.age_minutes >= LATE_MINUTES) tr.className = "late";
      var first = C.cell(tr, "", "code");
      var link = document.createElement("a");
      link.href = "returns/" + r.id;
      link.textContent = r.number || "#" + r.id;
      first.appendChild(link);
      C.cell(tr, r.status, "status");
      C.cell(tr, ageText(r), "num");
      C.cell(tr, r.channel ? r.channel.code : "");
      C.cell(tr, r.order ? r.order.external_id || "#" + r.order.id : "", "code");
      C.cell(tr, r.customer_name || r.customer_email || "");
      C.cell(tr, C.formatQty(r.units_expected), "num");
      C.cell(tr, C.formatQty(r.units_received), "num");
      C.cell(tr, C.formatQty(r.units_awaiting), "num");
      C.cell(tr, C.formatMoney(r.credit_due), "num");
      C.cell(tr, C.formatTime(r.created_at));
      tbody.appendChild(tr);
    });
    C.showRows("list", rows.length);
  }

  function loadChoices() {
    if (listsShown) return Promise.resolve();
    var wh = C.warehouses().then(function (rows) {
      C.fillSelect($("warehouse"), rows, function (w) { return w.code; },
        function (w) { return w.code + " \u2014 " + w.name; });
    });
    var ch = C.call("GET", "/channels").then(function (body) {
      var rows = Array.isArray(body) ? body : (body && body.channels) || [];
      C.fillSelect($("rma-channel"), rows, function (c) { return c.code; },
        function (c) { return c.code + " \u2014 " + c.name; });
    }).catch(function () { /* the channel list is for managers; the form says so */ });
    return Promise.all([wh, ch]).then(function () { listsShown = true; });
  }

  function refreshList() {
    if (loading || !C.loadSession()) return Promise.resolve();
    loading = true;
    var filter = $("returns-filter");
    C.busy(filter, true);
    return loadChoices().then(function () {
      return C.call("GET", "/returns", {
        query: { warehouse: $("warehouse").value, status: $("status").value, q: $("q").value.trim() }
      });
    }).then(function (body) {
      $("returns-denied").hidden = true;
      showList((body && body.returns) || []);
      $("refreshed").textContent = "Updated " + new Date().toLocaleTimeString();
    }).catch(function (err) {
      if (err.status === 403) {
        $("returns-denied").hidden = false;
        C.showDenied("list");
        return;
      }
      explain(err);
    }).then(function () {
      loading = false;
      C.busy(filter, false);
    });
  }

  // ---- authorising a return ------------------------------------------------------------

  var foundOrder = null;

  function showOrderLines(order) {
    foundOrder = order;
    var tbody = C.clearBody($("rma-lines"));
    (order.lines || []).forEach(function (l) {
      var tr = document.createElement("tr");
      tr.setAttribute("data-line-no", String(l.line_no));
      C.cell(tr, l.line_no, "num");
      C.cell(tr, l.sku + (l.kit_sku ? " (kit " + l.kit_sku + ")" : ""), "code");
      C.cell(tr, C.formatQty(l.quantity), "num");
      C.cell(tr, C.formatQty(l.consumed_qty), "num");
      var qty = document.createElement("input");
      qty.type = "number";
      qty.min = "0";
      qty.step = "1";
      qty.inputMode = "numeric";
      qty.className = "qty";
      qty.name = "qty-" + l.line_no;
      qty.setAttribute("aria-label", "Return quantity of line " + l.line_no + " (" + l.sku + ")");
      C.cell(tr, "").appendChild(qty);
      var why = document.createElement("input");
      why.name = "reason-" + l.line_no;
      why.maxLength = 64;
      why.setAttribute("aria-label", "Reason for line " + l.line_no);
      C.cell(tr, "").appendChild(why);
      tbody.appendChild(tr);
    });
    $("rma-lines").hidden = false;
    $("rma-lines-title").hidden = false;
    $("order-found").textContent = "Order " + order.external_id + " (" + order.status + "), " +
      (order.lines || []).length + " lines. Enter what comes back.";
  }

  function onFindOrder() {
    C.clearError();
    var channel = $("rma-channel").value;
    var external = $("rma-order").value.trim();
    if (!channel || !external) {
      C.showError(new Error("Choose the channel and type the order's external id first."));
      return;
    }
    var form = $("rma-form");
    C.busy(form, true);
    C.call("GET", "/orders", { query: { channel: channel, external_id: external, limit: 1 } })
      .then(function (body) {
        var rows = (body && body.orders) || [];
        if (!rows.length) {
          foundOrder = null;
          $("rma-lines").hidden = true;
          $("order-found").textContent = "No order " + external + " in channel " + channel + ".";
          return null;
        }
        return C.call("GET", "/orders/" + rows[0].id).then(showOrderLines);
      }).catch(explain).then(function () { C.busy(form, false); });
  }

  function rmaBody() {
    var lines = [];
    Array.prototype.forEach.call(document.querySelectorAll("#rma-lines tbody tr"), function (tr) {
      var qty = tr.querySelector("input.qty").value.trim();
      if (qty === "" || Number(qty) === 0) return;
      var line = { line_no: Number(tr.getAttribute("data-line-no")), quantity: Number(qty) };
      var why = tr.querySelector("input[name^=reason-]").value.trim();
      if (why) line.reason = why;
      lines.push(line);
    });
    var body = {
      channel: $("rma-channel").value,
      order_external_id: $("rma-order").value.trim(),
      lines: lines
    };
    var external = $("rma-external").value.trim();
    if (external) body.external_id = external;
    var reason = $("rma-reason").value.trim();
    if (reason) body.reason = reason;
    var note = $("rma-note").value.trim();
    if (note) body.note = note;
    return body;
  }

  function onCreate(event) {
    event.preventDefault();
    C.clearError();
    var result = $("rma-result");
    if (!foundOrder) {
      C.showError(new Error("Find the order's lines first."));
      return;
    }
    var body = rmaBody();
    if (!body.lines.length) {
      C.showError(new Error("Enter a return quantity on at least one line."));
      return;
    }
    var form = $("rma-form");
    C.busy(form, true);
    result.textContent = "Authorising\u2026";
    C.call("POST", "/returns", { body: body }).then(function (rma) {
      result.textContent = "";
      var link = document.createElement("a");
      link.href = "returns/" + rma.id;
      link.textContent = rma.number;
      result.appendChild(document.createTextNode("Return "));
      result.appendChild(link);
      result.appendChild(document.createTextNode(" authorised for order " +
        (rma.order ? rma.order.external_id : body.order_external_id) + " (" + rma.status + ")."));
      return refreshList();
    }).catch(function (err) {
      result.textContent = "Not authorised.";
      if (err.status === 403) $("rma-form-denied").hidden = false;
      explain(err);
    }).then(function () { C.busy(form, false); });
  }

  // ---- start ---------------------------------------------------------------------------

  function onSession(session) {
    if (listTimer !== null) window.clearInterval(listTimer);
    listTimer = null;
    listsShown = false;
    if (!session) return;
    var manager = ["manager", "admin"].indexOf(C.role(session)) >= 0;
    $("rma-form-denied").hidden = manager;
    $("rma-create").disabled = !manager;
    refreshList();
    listTimer = window.setInterval(function () {
      if (!document.hidden) refreshList();
    }, REFRESH_MS);
  }

  $("returns-filter").addEventListener("submit", function (event) {
    event.preventDefault();
    C.clearError();
    refreshList();
  });
  $("warehouse").addEventListener("change", refreshList);
  $("status").addEventListener("change", refreshList);
  $("find-order").addEventListener("click", onFindOrder);
  $("rma-form").addEventListener("submit", onCreate);
  $("rma-order").addEventListener("change", function () {
    foundOrder = null;
    $("rma-lines").hidden = true;
    $("rma-lines-title").hidden = true;
    $("order-found").textContent = "";
  });
  C.onSession(onSession);
})();
