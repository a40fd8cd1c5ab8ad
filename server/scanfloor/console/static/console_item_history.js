/* Scanfloor console, an item's whole history (issue 14): every movement of the item on the
 * ledger, newest first, a page at a time (GET /api/v1/movements?item_id=&cursor=, its
 * next_cursor behind "Load more"), or only the movements a dashboard's stock change
 * stands for (narrowed by location, type and a day, from its link); each movement's number
 * opens its drill-down (console_movement.js) for the roles that read it: supervisors and
 * above, and finance. A worker reads the list (the API lets every role list movements)
 * without the links.
 *
 * Built on window.ScanfloorConsole and ScanfloorBuying; values from the API are written with
 * textContent only. */
(function () {
  "use strict";

  var C = window.ScanfloorConsole;
  var B = window.ScanfloorBuying;
  var $ = C.$;
  var PAGE = 50;
  var state = { token: null, cursor: null, shown: 0, drills: false, narrow: {} };

  function ws(name) {
    return $("workspace").getAttribute(name);
  }

  function row(m) {
    var tr = document.createElement("tr");
    if (m.reverses_movement_id) tr.className = "reversal";
    if (state.drills) {
      B.linkCell(tr, ws("data-movement-base") + "/" + m.id, String(m.id), "movement-id").className = "num";
    } else {
      C.cell(tr, m.id, "num");
    }
    C.cell(tr, C.formatTime(m.occurred_at));
    C.cell(tr, B.words(m.movement_type) + (m.reverses_movement_id ? " of #" + m.reverses_movement_id : ""));
    C.cell(tr, C.formatQty(m.quantity), "num");
    C.cell(tr, m.from_location_code, "code");
    C.cell(tr, m.to_location_code, "code");
    C.cell(tr, m.lot_code || "\u2013");
    C.cell(tr, B.words(m.reason_code));
    C.cell(tr, m.source_type ? B.words(m.source_type) + (m.source_id ? " " + m.source_id : "") : "\u2013");
    C.cell(tr, m.posting_id, "num");
    return tr;
  }

  function page(first) {
    var more = $("history-more");
    C.busy(more.parentNode, true);
    $("history-status").textContent = "Loading\u2026";
    var query = { item_id: ws("data-item-id"), limit: PAGE, cursor: first ? null : state.cursor };
    Object.keys(state.narrow).forEach(function (k) { query[k] = state.narrow[k]; });
    return C.call("GET", "/movements", { query: query }).then(function (body) {
      var rows = body.movements || [];
      var tbody = first ? C.clearBody($("history-table")) : $("history-table").tBodies[0];
      rows.forEach(function (m) { tbody.appendChild(row(m)); });
      state.shown = (first ? 0 : state.shown) + rows.length;
      state.cursor = body.next_cursor;
      C.showRows("history", state.shown);
      more.hidden = !state.cursor;
      $("history-status").textContent = state.shown === 0 ? "" :
        C.plural(state.shown, "movement", "movements") + (state.cursor ? " shown: more to load." :
          (narrowed() ? ": all that match." : ": the whole history."));
    }).catch(function (err) {
      $("history-status").textContent = "";
      if (err && err.status === 403) return C.showDenied("history");
      C.explain(err);
    }).then(function () { C.busy(more.parentNode, false); });
  }

  function describe() {
    return C.call("GET", "/items/" + encodeURIComponent(ws("data-item-id"))).then(function (item) {
      $("history-title").textContent = item.sku + " \u2014 " + item.name + ": its whole history";
      $("history-meta").textContent = "Base unit: " + item.base_unit +
        (item.tracking === "none" ? " \u00b7 not lot tracked" : " \u00b7 tracked by " + item.tracking);
    }).catch(function (err) {
      if (err && err.status === 404) $("history-meta").textContent = "No item has this id.";
    });
  }

  /* The narrowing a drill-down link asks for (?location_id=&type=&since=&until=: a day's
   * stock change on a dashboard), shown above the table with the way to the whole history. */
  var NARROWING = ["location_id", "type", "since", "until"];

  function narrowed() {
    return Object.keys(state.narrow).length > 0;
  }

  function readNarrowing() {
    var params = new URLSearchParams(window.location.search);
    NARROWING.forEach(function (k) {
      var v = params.get(k);
      if (v) state.narrow[k] = v;
    });
    var line = $("history-narrowed");
    if (!narrowed()) return;
    var parts = [];
    if (state.narrow.type) parts.push(B.words(state.narrow.type) + " movements");
    if (state.narrow.location_id) parts.push("in or out of location #" + state.narrow.location_id);
    if (state.narrow.since) parts.push("from " + C.formatTime(state.narrow.since));
    if (state.narrow.until) parts.push("before " + C.formatTime(state.narrow.until));
    $("history-narrowing").textContent = "Only " + parts.join(", ") + ".";
    line.hidden = false;
  }

  readNarrowing();
  $("history-more").addEventListener("click", function () { page(false); });

  C.onSession(function (session) {
    if (!session) {
      state.token = null;
      return;
    }
    if (state.token === session.token) return;
    state.token = session.token;
    state.drills = C.allows(session, "supervisor", ["finance"]);
    describe();
    page(true);
  });
})();
