/* Scanfloor console, journal: entries newest first, each with its lines (account, warehouse,
 * debit, credit) in a <tbody> of its own; filters by month, account (from the chart the
 * trial balance lists) and movement, also read from the page's query string so other pages
 * link to a movement's entries; ?entry=<id> in the page's URL shows that one entry (until
 * the filters are submitted); the CSV link follows the filters. Built on
 * window.ScanfloorConsole, ScanfloorBuying and ScanfloorFinance; values from the API are
 * written with textContent. */
(function () {
  "use strict";

  var C = window.ScanfloorConsole;
  var B = window.ScanfloorBuying;
  var F = window.ScanfloorFinance;
  var $ = C.$;
  var started = false;
  var cursor = null;
  var shown = 0;
  var filter = {};

  function amount(text) {
    return Number(text) === 0 ? "" : text;
  }

  function entryBody(entry) {
    var tbody = document.createElement("tbody");
    tbody.setAttribute("data-entry", String(entry.id));
    tbody.setAttribute("data-kind", entry.kind);
    entry.lines.forEach(function (line, i) {
      var tr = document.createElement("tr");
      if (i === 0) {
        tr.className = "first";
        C.cell(tr, entry.id);
        C.cell(tr, entry.entry_date);
        C.cell(tr, B.words(entry.kind) + (entry.reverses_entry_id ?
          " (reverses " + entry.reverses_entry_id + ")" : ""));
        C.cell(tr, entry.movement_id === null ? "\u2013" : entry.movement_id);
      } else {
        for (var k = 0; k < 4; k += 1) C.cell(tr, "");
      }
      C.cell(tr, line.account_code + " " + line.account_name,
        Number(line.credit) > 0 ? "credit-account" : "");
      C.cell(tr, B.dash(line.warehouse_code), "code");
      C.cell(tr, amount(line.debit), "num");
      C.cell(tr, amount(line.credit), "num");
      tbody.appendChild(tr);
    });
    return tbody;
  }

  function clearEntries() {
    var table = $("entries-table");
    while (table.tBodies.length) table.removeChild(table.tBodies[0]);
    shown = 0;
  }

  function load(more) {
    C.clearError();
    var query = { period: filter.period, account: filter.account, movement: filter.movement,
                  entry: filter.entry, limit: 50 };
    if (more) query.cursor = cursor;
    F.csvLink($("entries-csv"), { period: filter.period, account: filter.account,
                                  movement: filter.movement, entry: filter.entry });
    return C.call("GET", "/finance/journal", { query: query }).then(function (body) {
      if (!more) clearEntries();
      B.rows(body, ["entries"]).forEach(function (entry) {
        $("entries-table").appendChild(entryBody(entry));
        shown += 1;
      });
      cursor = (body && body.next_cursor) || null;
      $("entries-more").hidden = !cursor;
      $("entries-count").textContent = C.plural(shown, "entry", "entries") +
        (cursor ? " so far" : "") + (filter.entry ? " (entry " + filter.entry + " only)" : "");
      C.showRows("entries", shown);
    }).catch(F.failed("entries"));
  }

  function fillAccounts() {
    return C.call("GET", "/finance/trial-balance").then(function (tb) {
      C.fillSelect($("entries-account"), tb.accounts, function (a) { return a.account_id; },
        function (a) { return a.code + " \u2014 " + a.name; }, "Every account");
    });
  }

  function onFilter(event) {
    if (event) event.preventDefault();
    filter = {
      period: $("entries-period").value || undefined,
      account: $("entries-account").value || undefined,
      movement: B.valueOf("entries-movement"),
      entry: event ? undefined : (F.param("entry") || undefined)
    };
    return load(false);
  }

  C.onSession(function (session) {
    if (!session || !F.allowed(session) || started) return;
    started = true;
    $("entries-filter").addEventListener("submit", onFilter);
    $("entries-more").addEventListener("click", function () { load(true); });
    $("entries-period").value = F.param("period");
    $("entries-movement").value = F.param("movement");
    fillAccounts().catch(C.explain).then(function () {
      $("entries-account").value = F.param("account");
      onFilter(null);
    });
  });
})();
