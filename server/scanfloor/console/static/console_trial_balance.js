/* Scanfloor console, trial balance: every account's debits, credits and balance up to the
 * end of a month (or every entry), the totals, whether debits equal credits, and the CSV
 * link for the same month; an account's code opens its journal entries. Built on
 * window.ScanfloorConsole, ScanfloorBuying and ScanfloorFinance; values from the API are
 * written with textContent. */
(function () {
  "use strict";

  var C = window.ScanfloorConsole;
  var B = window.ScanfloorBuying;
  var F = window.ScanfloorFinance;
  var $ = C.$;
  var started = false;

  function accountRow(acc) {
    var tr = document.createElement("tr");
    tr.setAttribute("data-account", acc.code);
    var journal = $("workspace").getAttribute("data-journal-base");
    B.linkCell(tr, journal + F.query({ account: acc.account_id }), acc.code, "code");
    C.cell(tr, acc.name);
    C.cell(tr, acc.kind);
    C.cell(tr, acc.debit, "num");
    C.cell(tr, acc.credit, "num");
    C.cell(tr, acc.balance, "num");
    return tr;
  }

  function load(event) {
    if (event) event.preventDefault();
    C.clearError();
    var period = $("tb-period").value || undefined;
    F.csvLink($("tb-csv"), { period: period });
    return C.call("GET", "/finance/trial-balance", { query: { period: period } })
      .then(function (tb) {
        var tbody = C.clearBody($("accounts-table"));
        tb.accounts.forEach(function (acc) { tbody.appendChild(accountRow(acc)); });
        $("tb-debit").textContent = tb.debit;
        $("tb-credit").textContent = tb.credit;
        $("tb-balance").textContent = F.money(F.cents(tb.debit) - F.cents(tb.credit));
        B.facts($("tb-figures"), [
          ["Up to", tb.period_to ? "the end of " + tb.period_to : "every entry"],
          ["Debits", tb.debit],
          ["Credits", tb.credit]
        ]);
        var status = $("tb-status");
        status.className = "result " + (tb.balanced ? "ok" : "bad");
        status.textContent = tb.balanced ? "Balanced: debits equal credits."
          : "Not balanced: debits and credits differ. Run scanfloor finance verify.";
        C.showRows("accounts", tb.accounts.length);
      }).catch(F.failed("accounts"));
  }

  C.onSession(function (session) {
    if (!session || !F.allowed(session) || started) return;
    started = true;
    $("tb-filter").addEventListener("submit", load);
    $("tb-period").value = F.param("period");
    load(null);
  });
})();
