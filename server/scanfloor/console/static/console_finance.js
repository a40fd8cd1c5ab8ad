/* Scanfloor console: what the finance pages share (valuation, an item's layers, journal,
 * trial balance, periods, invoices, landed costs, settlements, margin): who may read them
 * (supervisors, managers, finance and admins: the API refuses the rest with 403 and the
 * page says so) and who may change them (finance and admins: docs/decisions/0026), the CSV
 * links (fetched with the session's token, since a plain link could not send it) and the
 * page's own query string. Loaded after console.js and console_buying.js; builds
 * window.ScanfloorFinance. Values from the API are written with textContent only. */
(function () {
  "use strict";

  var C = window.ScanfloorConsole;
  var B = window.ScanfloorBuying;
  var $ = C.$;
  var API = document.body.getAttribute("data-api-base") || "/api/v1";

  /* The API's rules, as its routes' @requires have them: every finance GET for
   * supervisors and above and finance; every finance write (close a month, enter, approve
   * or reject an invoice, add a landed cost, import a settlement) for finance and admins. */
  function reads(session) {
    return C.allows(session, "supervisor", ["finance"]);
  }

  function writes(session) {
    return C.allows(session, "admin", ["finance"]);
  }

  /* True when the session may read finance; else say so and hide the page's data. The
   * page's write forms (marked data-finance-write, hidden until here) show to those who
   * may write only; the others are told they read (#finance-readonly, if the page has
   * writes). */
  function allowed(session) {
    var ok = reads(session);
    $("finance-denied").hidden = ok;
    $("finance-main").hidden = !ok;
    var forms = document.querySelectorAll("[data-finance-write]");
    Array.prototype.forEach.call(forms, function (el) { el.hidden = !ok || !writes(session); });
    var note = $("finance-readonly");
    if (note) note.hidden = !ok || writes(session) || forms.length === 0;
    return ok;
  }

  function query(values) {
    var params = new URLSearchParams();
    Object.keys(values).forEach(function (k) {
      var v = values[k];
      if (v !== undefined && v !== null && v !== "") params.set(k, String(v));
    });
    var qs = params.toString();
    return qs ? "?" + qs : "";
  }

  /* Point a CSV link at the API with these filters; a click downloads it with the token. */
  function csvLink(a, values) {
    var path = a.getAttribute("data-api-path") + query(values);
    a.href = API + path;
    a.setAttribute("data-path", path);
    if (a.getAttribute("data-wired")) return;
    a.setAttribute("data-wired", "1");
    a.addEventListener("click", function (event) {
      event.preventDefault();
      C.clearError();
      B.download(a.getAttribute("data-path"), "finance.csv").catch(C.explain);
    });
  }

  // The page's own query string (?period=2025-01&account=3): a link can open it filtered.
  function param(name) {
    return new URLSearchParams(window.location.search).get(name) || "";
  }

  /* A decimal string from the API as integer cents (sums without float drift), and back. */
  function cents(text) {
    var m = /^(-?)(\d+)(?:\.(\d{1,2}))?$/.exec(String(text));
    if (!m) return 0;
    var n = Number(m[2]) * 100 + Number(((m[3] || "") + "00").slice(0, 2));
    return m[1] ? -n : n;
  }

  function money(n) {
    var a = Math.abs(n);
    return (n < 0 ? "-" : "") + Math.floor(a / 100) + "." + String(a % 100).padStart(2, "0");
  }

  /* Handle a read's failure: a 403 says who may see it, anything else is explained. */
  function failed(prefix) {
    return function (err) {
      if (err && err.status === 403) return C.showDenied(prefix);
      C.explain(err);
    };
  }

  window.ScanfloorFinance = {
    allowed: allowed,
    writes: writes,
    query: query,
    csvLink: csvLink,
    param: param,
    failed: failed,
    cents: cents,
    money: money
  };
})();
