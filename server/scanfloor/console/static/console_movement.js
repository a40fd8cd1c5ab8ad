/* Scanfloor console, one movement's drill-down (issue 14): GET /api/v1/movements/<id>
 * shown as it answers: what moved (the item links to its whole history), who posted it with
 * their role, the device and the times, the source document (a link to its console page
 * where the console has one, and the documents it belongs to), the approvals recorded for
 * it, the movement reversing it or the one it reverses, and the posting's other lines, each
 * a link to its own drill-down.
 *
 * Supervisors, managers, finance and admins read it (the API refuses the rest with 403 and
 * the page says so). Built on window.ScanfloorConsole and ScanfloorBuying; values from the
 * API are written with textContent only. */
(function () {
  "use strict";

  var C = window.ScanfloorConsole;
  var B = window.ScanfloorBuying;
  var $ = C.$;
  var startedFor = null;

  function ws(name) {
    return $("workspace").getAttribute(name);
  }

  function movementHref(id) {
    return ws("data-movement-base") + "/" + id;
  }

  function historyHref(itemId) {
    return ws("data-history-base") + "/" + itemId + "/history";
  }

  function reads(session) {
    return C.allows(session, "supervisor", ["finance"]);
  }

  function words(text) {
    return B.words(text);
  }

  function person(p) {
    if (!p) return "\u2013";
    return p.display_name && p.display_name !== p.username
      ? p.display_name + " (" + p.username + ")" : p.username;
  }

  function place(code, container) {
    return container ? code + " \u00b7 " + container : code;
  }

  function when(iso) {
    return iso ? C.formatTime(iso) : "\u2013";
  }

  // A span holding a link to another movement's drill-down and a line saying what it was.
  function movementRef(m, verb) {
    var span = document.createElement("span");
    span.appendChild(B.link(movementHref(m.id), "Movement " + m.id));
    var text = " \u2014 " + words(m.movement_type) + " of " + C.formatQty(m.quantity) + " " +
      m.sku + " from " + m.from_location_code + " to " + m.to_location_code + ", " +
      when(m.occurred_at);
    if (m.actor) text += ", " + verb + " " + person(m.actor);
    span.appendChild(document.createTextNode(text));
    return span;
  }

  function showWhat(m) {
    $("movement-title").textContent = "Movement " + m.id + ": " + words(m.movement_type);
    var item = B.link(historyHref(m.item_id), m.sku + " \u2014 " + m.item_name);
    B.facts($("what-facts"), [
      ["Item", item],
      ["Quantity", C.formatQty(m.quantity)],
      ["From", place(m.from_location_code, m.from_container_code)],
      ["To", place(m.to_location_code, m.to_container_code)],
      ["Lot", m.lot_code],
      ["Type", words(m.movement_type)],
      ["Reason", words(m.reason_code)],
      ["Unit cost", m.unit_cost]
    ]);
    var history = $("history-link");
    history.href = historyHref(m.item_id);
    history.textContent = "The whole history of " + m.sku;
    history.hidden = false;
  }

  function showWho(m) {
    B.facts($("who-facts"), [
      ["Posted by", person(m.actor)],
      ["Their role", m.actor ? m.actor.role : null],
      ["Device", m.device_id],
      ["Happened", when(m.occurred_at)],
      ["Recorded", when(m.recorded_at)]
    ]);
  }

  function docNode(doc) {
    return doc.console_url ? B.link(doc.console_url, doc.label) : document.createTextNode(doc.label);
  }

  function showSource(m) {
    var s = m.source;
    B.facts($("source-facts"), s ? [
      ["Document", docNode(s)],
      ["Type", words(s.type)],
      ["Reference", s.id]
    ] : [["Document", "None recorded"]]);
    var list = $("source-related");
    while (list.firstChild) list.removeChild(list.firstChild);
    var related = s ? s.related : [];
    related.forEach(function (doc) {
      var li = document.createElement("li");
      li.appendChild(docNode(doc));
      list.appendChild(li);
    });
    list.hidden = related.length === 0;
    $("related-title").hidden = related.length === 0;

    var body = C.clearBody($("approvals-table"));
    m.approvals.forEach(function (a) {
      var tr = document.createElement("tr");
      C.cell(tr, a.what);
      C.cell(tr, person(a.by));
      C.cell(tr, a.by ? a.by.role : "\u2013");
      C.cell(tr, when(a.at));
      C.cell(tr, words(a.reason_code) || "\u2013");
      C.cell(tr, a.note || "\u2013");
      body.appendChild(tr);
    });
    C.showRows("approvals", m.approvals.length);
  }

  function showReversal(m) {
    var r = m.reversal;
    B.facts($("reversal-facts"), [
      ["Reversed by", r.reversed_by ? movementRef(r.reversed_by, "posted by") : "Not reversed"],
      ["Reverses", r.reverses ? movementRef(r.reverses, "posted by") : "Nothing: it is not a reversal"]
    ]);
  }

  function showPosting(m) {
    var p = m.posting;
    $("posting-title").textContent = "Posting " + p.id;
    $("posting-summary").textContent = "One " + words(p.movement_type) + " posting of " +
      C.plural(p.line_count, "line", "lines") + ", recorded " + when(p.recorded_at) +
      (p.more ? ". The first " + p.movements.length + " other lines are listed." : ".");
    var body = C.clearBody($("posting-table"));
    p.movements.forEach(function (o) {
      var tr = document.createElement("tr");
      var td = B.linkCell(tr, movementHref(o.id), String(o.id), "movement-id");
      td.className = "num";
      C.cell(tr, o.sku, "code");
      C.cell(tr, C.formatQty(o.quantity), "num");
      C.cell(tr, o.from_location_code, "code");
      C.cell(tr, o.to_location_code, "code");
      C.cell(tr, words(o.movement_type));
      C.cell(tr, words(o.reason_code));
      body.appendChild(tr);
    });
    C.showRows("posting", p.movements.length);
  }

  function load() {
    $("movement-status").textContent = "Loading\u2026";
    C.call("GET", "/movements/" + encodeURIComponent(ws("data-movement-id"))).then(function (m) {
      $("movement-status").textContent = "";
      showWhat(m);
      showWho(m);
      showSource(m);
      showReversal(m);
      showPosting(m);
      $("movement-main").hidden = false;
    }).catch(function (err) {
      $("movement-status").textContent = "";
      if (err && err.status === 403) {
        $("movement-denied").hidden = false;
        return;
      }
      if (err && err.status === 404) {
        $("movement-status").textContent = "No movement has this id.";
        return;
      }
      C.explain(err);
    });
  }

  C.onSession(function (session) {
    if (!session) {
      startedFor = null;
      $("movement-main").hidden = true;
      return;
    }
    if (startedFor === session.token) return;
    startedFor = session.token;
    var ok = reads(session);
    $("movement-denied").hidden = ok;
    if (ok) load();
  });
})();
