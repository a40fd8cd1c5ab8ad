/* Scanfloor console, landed costs: the charges added against receipts (kind, basis,
 * amount, receipts, the part added to stock on hand and the part booked to COGS for units
 * already gone, the journal entry), adding a charge, and one charge's spread (?charge=id,
 * or the charge just added) per receipt movement: units, basis figure, share, on hand,
 * gone. Built on window.ScanfloorConsole, ScanfloorBuying and ScanfloorFinance; values from
 * the API are written with textContent. */
(function () {
  "use strict";

  var C = window.ScanfloorConsole;
  var B = window.ScanfloorBuying;
  var F = window.ScanfloorFinance;
  var $ = C.$;
  var API = "/finance/landed-costs";
  var started = false;
  var cursor = null;

  function base(name) {
    return $("workspace").getAttribute("data-" + name + "-base");
  }

  function entryLink(charge) {
    if (!charge.entry_id) return document.createTextNode("\u2013");
    var month = String(charge.charge_date).slice(0, 7);
    return B.link(base("journal") + F.query({ period: month }),
      "Entry " + charge.entry_id + " (journal of " + month + ")");
  }

  function chargeRow(charge) {
    var tr = document.createElement("tr");
    tr.setAttribute("data-charge", String(charge.id));
    B.linkCell(tr, base("page") + F.query({ charge: charge.id }), "Charge " + charge.id);
    C.cell(tr, charge.charge_date);
    C.cell(tr, B.words(charge.charge_kind));
    C.cell(tr, B.words(charge.basis));
    C.cell(tr, charge.amount, "num");
    C.cell(tr, (charge.receipt_ids || []).join(", "), "code");
    C.cell(tr, charge.on_hand_amount, "num");
    C.cell(tr, charge.gone_amount, "num");
    C.cell(tr, B.dash(charge.reference));
    C.cell(tr, "").appendChild(entryLink(charge));
    return tr;
  }

  function load(more) {
    var query = { limit: 50 };
    if (more) query.cursor = cursor;
    return C.call("GET", API, { query: query }).then(function (page) {
      var tbody = more ? $("charges-table").tBodies[0] : C.clearBody($("charges-table"));
      B.rows(page, ["landed_costs"]).forEach(function (c) { tbody.appendChild(chargeRow(c)); });
      cursor = page.next_cursor || null;
      $("charges-more").hidden = !cursor;
      C.showRows("charges", tbody.rows.length);
    }).catch(F.failed("charges"));
  }

  function showSpread(charge) {
    $("spread").hidden = false;
    $("spread-title").textContent = "Charge " + charge.id + ": " + B.words(charge.charge_kind) +
      " " + charge.amount + " by " + B.words(charge.basis);
    B.facts($("spread-figures"), [
      ["Date", charge.charge_date],
      ["Amount", charge.amount],
      ["Receipts", (charge.receipt_ids || []).join(", ")],
      ["To stock on hand", charge.on_hand_amount],
      ["To COGS (gone)", charge.gone_amount],
      ["Reference", charge.reference],
      ["Description", charge.description],
      ["Added", C.formatTime(charge.created_at) +
        (charge.created_by ? " by user " + charge.created_by : "")]
    ]);
    var entry = $("spread-entry");
    while (entry.firstChild) entry.removeChild(entry.firstChild);
    entry.appendChild(document.createTextNode("Journal entry: "));
    entry.appendChild(entryLink(charge));
    var tbody = C.clearBody($("spread-table"));
    (charge.lines || []).forEach(function (row) {
      var tr = document.createElement("tr");
      tr.setAttribute("data-movement", String(row.movement_id));
      C.cell(tr, row.receipt_id, "code");
      B.linkCell(tr, base("journal") + F.query({ movement: row.movement_id }),
        String(row.movement_id), "code");
      C.cell(tr, row.sku, "code");
      C.cell(tr, C.formatQty(row.units), "num");
      C.cell(tr, B.dash(row.figure), "num");
      C.cell(tr, row.share, "num");
      C.cell(tr, C.formatQty(row.on_hand_quantity), "num");
      C.cell(tr, row.on_hand_amount, "num");
      C.cell(tr, row.gone_amount, "num");
      tbody.appendChild(tr);
    });
    C.showRows("spread", tbody.rows.length);
  }

  function loadSpread(id) {
    return C.call("GET", API + "/" + encodeURIComponent(id)).then(showSpread)
      .catch(F.failed("spread"));
  }

  /* "12, 14 15" as [12, 14, 15]; anything else is left for the API to refuse by name. */
  function receiptIds(text) {
    return text.split(/[\s,;]+/).filter(Boolean).map(function (t) {
      return /^\d+$/.test(t) ? Number(t) : t;
    });
  }

  function add(event) {
    event.preventDefault();
    C.clearError();
    var form = $("charge-form");
    C.busy(form, true);
    C.call("POST", API, { body: B.compact({
      charge_kind: $("charge-kind").value,
      basis: $("charge-basis").value,
      amount: B.valueOf("charge-amount"),
      receipt_ids: receiptIds($("charge-receipts").value),
      charge_date: B.valueOf("charge-date"),
      reference: B.valueOf("charge-reference"),
      description: B.valueOf("charge-description")
    }) }).then(function (charge) {
      $("charge-result").textContent = "Added charge " + charge.id + ": " + charge.amount +
        " (" + charge.on_hand_amount + " to stock, " + charge.gone_amount + " to COGS).";
      ["charge-amount", "charge-receipts", "charge-reference", "charge-description"]
        .forEach(function (id) { $(id).value = ""; });
      showSpread(charge);
      return load(false);
    }).catch(function (err) {
      $("charge-result").textContent = "The charge was not added.";
      C.explain(err);
    }).then(function () { C.busy(form, false); });
  }

  C.onSession(function (session) {
    if (!session || !F.allowed(session)) return;
    if (!started) {
      started = true;
      $("charge-form").addEventListener("submit", add);
      $("charges-more").addEventListener("click", function () { load(true); });
      $("charge-date").value = new Date().toISOString().slice(0, 10);
    }
    if (F.param("charge")) loadSpread(F.param("charge"));
    load(false);
  });
})();
