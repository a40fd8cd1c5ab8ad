/* Scanfloor console, one order's money (the order page's "Money" card): the stage the
 * order's money reached and its timeline (captured, shipped: receivable booked, settled or
 * refunded by the channel with the fee and the settlement, credited for a return), from the
 * `finance` object of GET /orders/{id} (null for a role that does not read finance: the
 * card says so). A
 * settlement opens the settlements page on it. Loaded after console.js; builds
 * window.ScanfloorOrderMoney, which console_alloc.js calls with the order's `finance`.
 * Values from the API are written with textContent. */
(function () {
  "use strict";

  var C = window.ScanfloorConsole;
  var $ = C.$;
  var DASH = "\u2013";
  var STEPS = {
    captured: "Captured", shipped: "Shipped (receivable booked)", settled: "Settled",
    refunded: "Refunded by the channel", credited: "Credited (return)"
  };

  function dash(v) {
    return v === null || v === undefined || v === "" ? DASH : v;
  }

  function stepRow(s) {
    var tr = document.createElement("tr");
    tr.setAttribute("data-step", s.step);
    var what = STEPS[s.step] || s.step;
    if (s.step === "settled" && s.kind && s.kind !== "order") what += " (" + s.kind + ")";
    C.cell(tr, what);
    C.cell(tr, s.on);
    C.cell(tr, dash(s.amount), "num");
    C.cell(tr, dash(s.fee), "num");
    if (s.settlement_id) {
      var td = document.createElement("td");
      var a = document.createElement("a");
      a.href = $("money-card").getAttribute("data-settlements") + "?settlement=" +
        encodeURIComponent(s.settlement_id);
      a.textContent = s.reference || "#" + s.settlement_id;
      a.className = "code";
      td.appendChild(a);
      tr.appendChild(td);
    } else {
      C.cell(tr, DASH);
    }
    C.cell(tr, dash(s.deposit_date));
    C.cell(tr, s.entry_id ? "#" + s.entry_id : DASH, "num");
    return tr;
  }

  function show(money) {
    var table = $("money-table");
    if (!table) return;
    var tbody = C.clearBody(table);
    if (!money) {
      $("money-denied").hidden = false;
      $("money-stage").hidden = true;
      table.hidden = true;
      return;
    }
    $("money-denied").hidden = true;
    $("money-stage").hidden = false;
    $("money-stage").textContent = "Stage: " + money.stage + " \u00b7 invoiced " +
      money.invoiced + " \u00b7 settled " + money.settled + " \u00b7 fees " + money.fees +
      " \u00b7 refunded " + money.refunded + " \u00b7 credited " + money.credited + " " +
      money.currency;
    (money.steps || []).forEach(function (s) { tbody.appendChild(stepRow(s)); });
    table.hidden = (money.steps || []).length === 0;
  }

  window.ScanfloorOrderMoney = { show: show };
})();
