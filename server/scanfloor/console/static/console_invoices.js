/* Scanfloor console, supplier invoices: the approval queue (held invoices with the lines
 * that did not match and why, from each line's match_detail) with Approve and Reject (a
 * note); posted and rejected invoices by status; entering an invoice against a purchase
 * order's lines; one invoice (?invoice=id): its lines, match detail, the receipts it
 * cleared from GRNI and its journal entry. Approve, Reject and the entry form are for
 * finance and admins (F.writes); the other readers see the same lists without them. The
 * API refuses an approval by the person who entered the invoice: the page says so as the
 * API words it. Built on
 * window.ScanfloorConsole, ScanfloorBuying and ScanfloorFinance; values from the API are
 * written with textContent. */
(function () {
  "use strict";

  var C = window.ScanfloorConsole;
  var B = window.ScanfloorBuying;
  var F = window.ScanfloorFinance;
  var $ = C.$;
  var API = "/finance/invoices";
  var session = null;
  var started = false;
  var rejecting = null; // the held invoice the reject form is for
  var doneCursor = null;
  var po = null; // the purchase order the entry form bills

  function base(name) {
    return $("workspace").getAttribute("data-" + name + "-base");
  }

  function invoiceHref(id) {
    return base("page") + F.query({ invoice: id });
  }

  function journalHref(values) {
    return base("journal") + F.query(values);
  }

  function who(userId) {
    if (userId === null || userId === undefined) return "\u2013";
    var me = session && session.user && session.user.id;
    return me === userId ? "you (user " + userId + ")" : "user " + userId;
  }

  /* Why a line did not match, in words, from its match_detail. */
  function why(line) {
    var d = line.match_detail || {};
    if (line.match_status === "matched") return "Within the tolerances.";
    if (line.match_status === "no_receipt") {
      return "Nothing received against this order line (ordered " + B.dash(d.ordered) + ").";
    }
    var parts = [];
    if (d.quantity_ok === false) {
      parts.push("Billed " + d.invoiced_after + " in all against " + d.received +
        " received (ordered " + d.ordered + ", tolerance " + d.quantity_tolerance_pct + "%).");
    }
    if (d.price_ok === false) {
      parts.push("Price " + d.unit_price + " against " + d.po_unit_cost +
        " ordered (difference " + d.price_difference + ", tolerance " +
        d.price_tolerance_pct + "%).");
    }
    return parts.join(" ") || B.words(line.match_status);
  }

  function tag(text, className) {
    var span = document.createElement("span");
    span.className = "tag" + (className ? " " + className : "");
    span.textContent = text;
    return span;
  }

  function entryLink(inv) {
    if (!inv.entry_id) return document.createTextNode("\u2013");
    return B.link(journalHref({ period: String(inv.invoice_date).slice(0, 7) }),
      "Entry " + inv.entry_id + " (journal of " + String(inv.invoice_date).slice(0, 7) + ")");
  }

  // ---- the approval queue ----------------------------------------------------------------

  function mismatchCell(tr, inv) {
    var td = C.cell(tr, "");
    var list = document.createElement("ul");
    list.className = "failures";
    (inv.lines || []).filter(function (l) { return l.match_status !== "matched"; })
      .forEach(function (l) {
        var li = document.createElement("li");
        li.textContent = "Line " + l.line_no + " (" + l.po_number + ", " + l.sku + "): " +
          B.words(l.match_status) + ". " + why(l);
        list.appendChild(li);
      });
    td.appendChild(list);
  }

  function decide(inv, button) {
    C.clearError();
    $("queue-result").textContent = "";
    button.disabled = true;
    C.call("POST", API + "/" + inv.id + "/approve", { body: {} }).then(function (done) {
      $("queue-result").textContent = "Approved invoice " + done.number + ": posted.";
      return refresh();
    }).catch(function (err) {
      $("queue-result").textContent = "Invoice " + inv.number + " was not approved: " +
        err.message;
      C.explain(err);
      button.disabled = false;
    });
  }

  function openReject(inv) {
    rejecting = inv;
    $("reject-title").textContent = "Reject invoice " + inv.number + " of " + inv.supplier_code;
    $("reject-form").hidden = false;
    $("reject-note").value = "";
    $("reject-note").focus();
  }

  function reject(event) {
    event.preventDefault();
    if (!rejecting) return;
    C.clearError();
    var form = $("reject-form");
    var inv = rejecting;
    C.busy(form, true);
    C.call("POST", API + "/" + inv.id + "/reject", {
      body: { note: $("reject-note").value.trim() }
    }).then(function (done) {
      rejecting = null;
      form.hidden = true;
      $("queue-result").textContent = "Rejected invoice " + done.number + ".";
      return refresh();
    }).catch(function (err) {
      $("queue-result").textContent = "Invoice " + inv.number + " was not rejected: " +
        err.message;
      C.explain(err);
    }).then(function () { C.busy(form, false); });
  }

  function queueRow(inv) {
    var tr = document.createElement("tr");
    tr.setAttribute("data-invoice", String(inv.id));
    tr.setAttribute("data-number", inv.number);
    C.cell(tr, inv.supplier_code, "code");
    B.linkCell(tr, invoiceHref(inv.id), inv.number, "code");
    C.cell(tr, inv.invoice_date);
    C.cell(tr, B.money(inv.total, inv.currency), "num");
    mismatchCell(tr, inv);
    C.cell(tr, who(inv.entered_by));
    var td = document.createElement("td");
    tr.appendChild(td);
    if (!F.writes(session)) return tr;  // finance and admins decide; the others read
    var actions = document.createElement("div");
    actions.className = "actions";
    var approve = B.button("Approve", "small", function () { decide(inv, approve); });
    approve.setAttribute("aria-label", "Approve invoice " + inv.number);
    var no = B.button("Reject", "small danger-outline", function () { openReject(inv); });
    no.setAttribute("aria-label", "Reject invoice " + inv.number);
    actions.appendChild(approve);
    actions.appendChild(no);
    td.appendChild(actions);
    return tr;
  }

  function loadQueue() {
    return C.call("GET", API, { query: { status: "held", limit: 200 } }).then(function (page) {
      var held = B.rows(page, ["invoices"]);
      // The list leaves the lines out: read each held invoice for its match detail.
      return Promise.all(held.map(function (inv) {
        return C.call("GET", API + "/" + inv.id);
      }));
    }).then(function (held) {
      var tbody = C.clearBody($("queue-table"));
      held.forEach(function (inv) { tbody.appendChild(queueRow(inv)); });
      C.showRows("queue", held.length);
    }).catch(F.failed("queue"));
  }

  // ---- posted and rejected ---------------------------------------------------------------

  function doneRow(inv) {
    var tr = document.createElement("tr");
    tr.setAttribute("data-invoice", String(inv.id));
    C.cell(tr, inv.supplier_code, "code");
    B.linkCell(tr, invoiceHref(inv.id), inv.number, "code");
    C.cell(tr, inv.invoice_date);
    C.cell(tr, B.money(inv.total, inv.currency), "num");
    C.cell(tr, "").appendChild(tag(inv.status, inv.status === "rejected" ? "warn" : ""));
    C.cell(tr, inv.decided_at ? C.formatTime(inv.decided_at) + " by " + who(inv.decided_by) +
      (inv.decision_note ? ": " + inv.decision_note : "") : "Matched, posted on entry");
    C.cell(tr, "").appendChild(entryLink(inv));
    return tr;
  }

  function loadDone(event, more) {
    if (event) event.preventDefault();
    C.clearError();
    var query = { status: $("done-status").value, limit: 50 };
    if (more) query.cursor = doneCursor;
    return C.call("GET", API, { query: query }).then(function (page) {
      var tbody = more ? $("done-table").tBodies[0] : C.clearBody($("done-table"));
      B.rows(page, ["invoices"]).forEach(function (inv) { tbody.appendChild(doneRow(inv)); });
      doneCursor = page.next_cursor || null;
      $("done-more").hidden = !doneCursor;
      C.showRows("done", tbody.rows.length);
    }).catch(F.failed("done"));
  }

  function refresh() {
    return Promise.all([loadQueue(), loadDone(null, false)]);
  }

  // ---- one invoice -----------------------------------------------------------------------

  function showDetail(inv) {
    $("invoice-detail").hidden = false;
    $("detail-title").textContent = "Invoice " + inv.number + " of " + inv.supplier_code;
    B.facts($("detail-figures"), [
      ["Status", inv.status],
      ["Invoice date", inv.invoice_date],
      ["Due", inv.due_date],
      ["Subtotal", B.money(inv.subtotal, inv.currency)],
      ["Tax", B.money(inv.tax, inv.currency)],
      ["Total", B.money(inv.total, inv.currency)],
      ["Entered", C.formatTime(inv.entered_at) + " by " + who(inv.entered_by)],
      ["Decided", inv.decided_at ? C.formatTime(inv.decided_at) + " by " +
        who(inv.decided_by) + (inv.decision_note ? ": " + inv.decision_note : "") : null]
    ]);
    var entry = $("detail-entry");
    while (entry.firstChild) entry.removeChild(entry.firstChild);
    entry.appendChild(document.createTextNode("Journal entry: "));
    entry.appendChild(entryLink(inv));
    var lines = C.clearBody($("detail-lines"));
    var cleared = C.clearBody($("cleared-table"));
    (inv.lines || []).forEach(function (l) {
      var tr = document.createElement("tr");
      tr.setAttribute("data-line", String(l.line_no));
      C.cell(tr, l.line_no, "num");
      B.linkCell(tr, base("po") + "/" + l.po_id, l.po_number, "code");
      C.cell(tr, l.sku, "code");
      C.cell(tr, C.formatQty(l.quantity), "num");
      C.cell(tr, l.unit_price, "num");
      C.cell(tr, l.amount, "num");
      C.cell(tr, "").appendChild(tag(B.words(l.match_status),
        l.match_status === "matched" ? "" : "warn"));
      C.cell(tr, why(l));
      lines.appendChild(tr);
      (l.matches || []).forEach(function (m) {
        var row = document.createElement("tr");
        C.cell(row, l.line_no, "num");
        B.linkCell(row, journalHref({ movement: m.movement_id }), String(m.movement_id), "code");
        C.cell(row, C.formatQty(m.quantity), "num");
        C.cell(row, m.received_value, "num");
        C.cell(row, m.invoiced_value, "num");
        cleared.appendChild(row);
      });
    });
    C.showRows("cleared", cleared.rows.length);
  }

  function loadDetail(id) {
    return C.call("GET", API + "/" + encodeURIComponent(id)).then(showDetail)
      .catch(F.failed("cleared"));
  }

  // ---- entering an invoice ---------------------------------------------------------------

  function input(name, label, value, mode) {
    var el = document.createElement("input");
    el.name = name;
    el.value = value;
    el.inputMode = mode;
    el.autocomplete = "off";
    el.setAttribute("aria-label", label);
    return el;
  }

  function showPo(order) {
    po = order;
    $("inv-supplier").value = (order.supplier && order.supplier.code) || "";
    if (!$("inv-date").value) $("inv-date").value = new Date().toISOString().slice(0, 10);
    var tbody = C.clearBody($("enter-lines"));
    (order.lines || []).forEach(function (l) {
      var tr = document.createElement("tr");
      tr.setAttribute("data-po-line", String(l.id));
      var sku = l.item ? l.item.sku : "";
      C.cell(tr, l.line_no, "num");
      C.cell(tr, sku, "code");
      C.cell(tr, B.dash(l.ordered), "num");
      C.cell(tr, B.dash(l.received), "num");
      C.cell(tr, l.unit_cost, "num");
      var what = "line " + l.line_no + " (" + sku + ")";
      C.cell(tr, "").appendChild(input("quantity", "Units billed, " + what,
        l.received ? String(l.received) : "", "numeric"));
      C.cell(tr, "").appendChild(input("unit_price", "Unit price, " + what,
        String(l.unit_cost || ""), "decimal"));
      tbody.appendChild(tr);
    });
    $("invoice-form").hidden = false;
    $("enter-result").textContent = "Purchase order " + order.number + ": " +
      C.plural((order.lines || []).length, "line", "lines") + ".";
  }

  function fetchPo(event) {
    event.preventDefault();
    C.clearError();
    var form = $("po-form");
    var number = $("po-number").value.trim();
    C.busy(form, true);
    C.call("GET", "/purchase-orders", { query: { number: number } }).then(function (page) {
      var found = B.rows(page, ["purchase_orders"]);
      if (!found.length) throw new C.ApiError(404, "not_found", "No purchase order " + number + ".");
      return C.call("GET", "/purchase-orders/" + found[0].id);
    }).then(showPo).catch(C.explain).then(function () { C.busy(form, false); });
  }

  function enter(event) {
    event.preventDefault();
    if (!po) return;
    C.clearError();
    var lines = [];
    Array.prototype.forEach.call($("enter-lines").tBodies[0].rows, function (tr) {
      var qty = tr.querySelector("input[name=quantity]").value.trim();
      if (qty === "" || qty === "0") return;
      lines.push({
        po_line_id: Number(tr.getAttribute("data-po-line")),
        quantity: Number(qty),
        unit_price: tr.querySelector("input[name=unit_price]").value.trim()
      });
    });
    var form = $("invoice-form");
    C.busy(form, true);
    C.call("POST", API, { body: B.compact({
      supplier: B.valueOf("inv-supplier"),
      number: B.valueOf("inv-number"),
      invoice_date: B.valueOf("inv-date"),
      due_date: B.valueOf("inv-due"),
      tax: B.valueOf("inv-tax"),
      lines: lines
    }) }).then(function (inv) {
      $("enter-result").textContent = "Entered invoice " + inv.number + ": " +
        (inv.status === "posted" ? "every line matched, posted." :
          C.plural(inv.mismatched_lines, "line does", "lines do") +
          " not match: waiting for approval by someone else in finance.");
      form.hidden = true;
      po = null;
      $("inv-number").value = "";
      return refresh();
    }).catch(C.explain).then(function () { C.busy(form, false); });
  }

  C.onSession(function (s) {
    session = s;
    if (!s || !F.allowed(s)) return;
    if (!started) {
      started = true;
      $("reject-form").addEventListener("submit", reject);
      $("reject-cancel").addEventListener("click", function () {
        rejecting = null;
        $("reject-form").hidden = true;
      });
      $("done-filter").addEventListener("submit", function (e) { loadDone(e, false); });
      $("done-more").addEventListener("click", function () { loadDone(null, true); });
      $("po-form").addEventListener("submit", fetchPo);
      $("invoice-form").addEventListener("submit", enter);
      if (F.param("status") === "rejected") $("done-status").value = "rejected";
    }
    if (F.param("invoice")) loadDetail(F.param("invoice"));
    refresh();
  });
})();
