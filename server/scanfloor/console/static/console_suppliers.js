/* Scanfloor console, suppliers: find a supplier, see how each delivers (on time in full and
 * fill rate over 12 months, from the supplier-performance report, shown to supervisors and
 * above), open one, and (managers) add one. Built on window.ScanfloorConsole and
 * window.ScanfloorBuying; values from the API are written with textContent. */
(function () {
  "use strict";

  var C = window.ScanfloorConsole;
  var B = window.ScanfloorBuying;
  var $ = C.$;
  var started = false;
  var cursor = null;
  var scores = {};  // supplier id -> its row of the performance report

  function href(id) {
    return $("workspace").getAttribute("data-supplier-base") + "/" + id;
  }

  function loadScores() {
    if (!B.atLeast(C.loadSession(), "supervisor")) {
      $("list-note").textContent = "Delivery performance is for supervisors and above.";
      return Promise.resolve();
    }
    return C.call("GET", "/purchasing/supplier-performance").then(function (body) {
      scores = {};
      B.rows(body, ["suppliers"]).forEach(function (row) { scores[row.supplier.id] = row; });
    }).catch(function (err) {
      // The list is still useful without its scores; say why they are missing.
      $("list-note").textContent = "Delivery performance is not available: " + err.message;
    });
  }

  function row(s) {
    var tr = document.createElement("tr");
    tr.setAttribute("data-supplier", s.code);
    B.linkCell(tr, href(s.id), s.code, "code");
    C.cell(tr, s.name);
    C.cell(tr, s.currency);
    C.cell(tr, B.days(s.lead_time_days), "num");
    C.cell(tr, s.imports ? "Yes" : "No");
    var score = scores[s.id];
    C.cell(tr, score ? C.formatQty(score.lines_judged) : "\u2013", "num");
    C.cell(tr, score ? B.pct(score.otif_rate) : "\u2013", "num");
    C.cell(tr, score ? B.pct(score.fill_rate) : "\u2013", "num");
    C.cell(tr, s.active ? "Yes" : "No");
    return tr;
  }

  function load(more) {
    C.clearError();
    var query = { q: $("supplier-q").value.trim(), limit: 50 };
    if (more) query.cursor = cursor;
    return C.call("GET", "/suppliers", { query: query }).then(function (body) {
      var tbody = more ? $("list-table").tBodies[0] : C.clearBody($("list-table"));
      B.rows(body, ["suppliers"]).forEach(function (s) { tbody.appendChild(row(s)); });
      cursor = (body && body.next_cursor) || null;
      $("list-more").hidden = !cursor;
      C.showRows("list", tbody.rows.length);
    }).catch(function (err) {
      if (err.status === 403) return C.showDenied("list");
      C.explain(err);
    });
  }

  function onCreate(event) {
    event.preventDefault();
    C.clearError();
    var body = B.compact({
      code: B.valueOf("new-code"),
      name: B.valueOf("new-name"),
      email: B.valueOf("new-email"),
      currency: B.valueOf("new-currency"),
      lead_time_days: B.intOf("new-lead")
    });
    var form = $("supplier-create");
    C.busy(form, true);
    C.call("POST", "/suppliers", { body: body }).then(function (s) {
      window.location.href = href(s.id);
    }).catch(function (err) {
      $("create-result").textContent = "Not added.";
      C.explain(err);
    }).then(function () { C.busy(form, false); });
  }

  C.onSession(function (session) {
    if (!session) return;
    $("supplier-create").hidden = !B.atLeast(session, "manager");
    if (started) return;
    started = true;
    $("supplier-search").addEventListener("submit", function (event) {
      event.preventDefault();
      load(false);
    });
    $("list-more").addEventListener("click", function () { load(true); });
    $("supplier-create").addEventListener("submit", onCreate);
    loadScores().then(function () { return load(false); });
  });
})();
