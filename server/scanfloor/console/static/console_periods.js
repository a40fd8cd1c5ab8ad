/* Scanfloor console, accounting periods: the months with entries (and this one), open or
 * closed; finance or an admin closes an open month (the API runs the finance checks first
 * and names the ones that fail), only an admin reopens a closed one; the other readers see
 * the months without buttons. Buttons post to the API with the
 * session's bearer token and an Idempotency-Key (console.js), like every console write.
 * Built on window.ScanfloorConsole, ScanfloorBuying and ScanfloorFinance; values from the
 * API are written with textContent. */
(function () {
  "use strict";

  var C = window.ScanfloorConsole;
  var B = window.ScanfloorBuying;
  var F = window.ScanfloorFinance;
  var $ = C.$;
  var session = null;

  function failureText(f) {
    if (typeof f === "string") return f;
    if (f && f.message) return (f.check ? f.check + ": " : "") + f.message;
    return JSON.stringify(f);
  }

  function showFailures(err) {
    var list = $("months-failures");
    while (list.firstChild) list.removeChild(list.firstChild);
    var failures = err && err.details && err.details.failures;
    (Array.isArray(failures) ? failures : []).forEach(function (f) {
      var li = document.createElement("li");
      li.textContent = failureText(f);
      list.appendChild(li);
    });
    list.hidden = !list.firstChild;
  }

  function act(verb, period, button) {
    C.clearError();
    showFailures(null);
    button.disabled = true;
    var done = verb === "close" ? "Closed " : "Reopened ";
    var path = "/finance/periods/" + encodeURIComponent(period) +
      (verb === "close" ? "/close" : "/reopen");
    C.call("POST", path)
      .then(function (p) {
        $("months-result").textContent = done + p.period + ".";
        return load();
      }).catch(function (err) {
        $("months-result").textContent = period + " was not " + (verb === "close" ?
          "closed." : "reopened.");
        showFailures(err);
        C.explain(err);
        button.disabled = false;
      });
  }

  function actionCell(tr, p) {
    var td = document.createElement("td");
    var verb = null;
    if (p.status === "open" && F.writes(session)) verb = "close";
    if (p.status === "closed" && B.atLeast(session, "admin")) verb = "reopen";
    if (verb) {
      var b = B.button(verb === "close" ? "Close" : "Reopen",
        verb === "close" ? "small" : "small danger-outline",
        function () { act(verb, p.period, b); });
      b.setAttribute("aria-label", (verb === "close" ? "Close " : "Reopen ") + p.period);
      td.appendChild(b);
    }
    tr.appendChild(td);
  }

  function monthRow(p) {
    var tr = document.createElement("tr");
    tr.setAttribute("data-period", p.period);
    var journal = $("workspace").getAttribute("data-journal-base");
    B.linkCell(tr, journal + F.query({ period: p.period }), p.period, "code");
    var status = C.cell(tr, "");
    var tag = document.createElement("span");
    tag.className = "tag " + p.status;
    tag.textContent = p.status;
    status.appendChild(tag);
    C.cell(tr, C.formatQty(p.entries), "num");
    C.cell(tr, p.closed_at ? C.formatTime(p.closed_at) +
      (p.closed_by ? " by user " + p.closed_by : "") : "\u2013");
    actionCell(tr, p);
    return tr;
  }

  function load() {
    return C.call("GET", "/finance/periods").then(function (body) {
      var tbody = C.clearBody($("months-table"));
      B.rows(body, ["periods"]).forEach(function (p) { tbody.appendChild(monthRow(p)); });
      C.showRows("months", tbody.rows.length);
    }).catch(F.failed("months"));
  }

  C.onSession(function (s) {
    session = s;
    if (!s || !F.allowed(s)) return;
    load();
  });
})();
