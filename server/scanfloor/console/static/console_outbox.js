/* Scanfloor console, outbox: messages by state (dead letters by default), each dead one
 * with a Retry now button (POST /outbox/{id}/retry). Built on window.ScanfloorConsole
 * (console.js, loaded first). Values from the API are written with textContent, never
 * innerHTML. */
(function () {
  "use strict";

  var C = window.ScanfloorConsole;
  var $ = C.$;

  function retryButton(m) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "secondary";
    button.textContent = "Retry now";
    button.addEventListener("click", function () {
      C.clearError();
      button.disabled = true;
      C.call("POST", "/outbox/" + encodeURIComponent(m.id) + "/retry")
        .then(load, function (err) {
          button.disabled = false;
          C.showError(err);
        });
    });
    return button;
  }

  function show(body) {
    var rows = (body && body.messages) || [];
    var tbody = C.clearBody($("outbox-table"));
    rows.forEach(function (m) {
      var tr = document.createElement("tr");
      C.cell(tr, "#" + m.id, "num");
      C.cell(tr, C.formatTime(m.created_at));
      C.cell(tr, m.topic, "code");
      C.cell(tr, m.destination, "code");
      C.cell(tr, C.formatQty(m.attempts), "num");
      C.cell(tr, m.last_error || "", "error");
      var pre = document.createElement("pre");
      pre.textContent = JSON.stringify(m.payload);
      C.cell(tr, "").appendChild(pre);
      var action = C.cell(tr, "");
      if (m.state === "dead") action.appendChild(retryButton(m));
      tbody.appendChild(tr);
    });
    $("outbox-count").textContent = rows.length + " " + $("state").value + ", newest first";
    C.showRows("outbox", rows.length);
  }

  function denied() {
    C.showDenied("outbox");
  }

  function load() {
    C.clearError();
    var form = $("outbox-filter");
    C.busy(form, true);
    return C.call("GET", "/outbox", { query: { state: $("state").value, limit: 200 } })
      .then(show, function (err) {
        if (err.status === 403) return denied();
        throw err;
      })
      .catch(C.showError)
      .then(function () { C.busy(form, false); });
  }

  $("outbox-filter").addEventListener("submit", function (event) {
    event.preventDefault();
    load();
  });
  $("state").addEventListener("change", load);
  C.onSession(function (session) {
    if (session) load();
  });
})();
