/* Scanfloor console, the drill-down of a dashboard figure: the records behind one row of
 * a KPI's report (GET /api/v1/reports/kpis/<id>/records with the row's group and the
 * same filters and breakdown), one table row per record, every field a column; an item's
 * SKU links to its valuation page (stock, cost layers, movements), found by SKU through
 * /items, an order, a return or a purchase order to its own page, and a movement id to the
 * movement's drill-down (/console/movements/<id>); a stock change (a day's count,
 * adjustment or scrap of an item in a location) links to those movements in the item's
 * history. The way back opens the dashboards with the same tab and filters.
 *
 * Behind an anomaly flag (unusual_losses, repeated_small_losses), the flag itself heads the
 * page: its acknowledgement (who, when, their note) read from the report's row, or, for the
 * roles the acks API admits (supervisors and above), an "Acknowledge" form whose note is
 * required (POST /api/v1/reports/anomalies/acks); a flag acknowledged by someone else first
 * (409) shows their acknowledgement.
 *
 * Built on window.ScanfloorConsole, ScanfloorBuying and ScanfloorFinance. Values from the
 * API are written with textContent. */
(function () {
  "use strict";

  var C = window.ScanfloorConsole;
  var B = window.ScanfloorBuying;
  var F = window.ScanfloorFinance;
  var $ = C.$;
  var SENT = ["from", "to", "warehouse", "channel", "zone", "abc_class", "supplier", "worker", "by", "group"];
  var SHOWN = 500;  // more rows than a person reads; the CSV and the API have them all
  var startedFor = null;

  function query() {
    var q = {};
    SENT.forEach(function (name) { if (F.param(name)) q[name] = F.param(name); });
    return q;
  }

  function blank(v) {
    return v === undefined || v === null || v === "";
  }

  /* The records' fields, in the order first seen. */
  /* A stock change of the daily facts (a count, adjustment or scrap on one day, in one
   * location, of one item): its movements are found through the item's history. */
  function isStockChange(r) {
    return typeof r.item_id === "number" && typeof r.location_id === "number" &&
      typeof r.on === "string" && typeof r.kind === "string";
  }
  var CHANGE_IDS = ["item_id", "location_id"];
  var MOVEMENTS = "movements";

  function recordColumns(records) {
    var seen = [];
    var changes = records.length > 0 && records.every(isStockChange);
    records.forEach(function (r) {
      Object.keys(r).forEach(function (k) {
        if (changes && CHANGE_IDS.indexOf(k) >= 0) return;  // shown as the link instead
        if (seen.indexOf(k) < 0) seen.push(k);
      });
    });
    if (changes) seen.push(MOVEMENTS);
    return seen;
  }

  /* The day's movements of the change's item in its location, of its kind. */
  function changeLink(tr, r) {
    var next = new Date(Date.parse(r.on + "T00:00:00Z") + 86400000).toISOString().slice(0, 10);
    var query = new URLSearchParams({
      location_id: String(r.location_id), type: r.kind,
      since: r.on + "T00:00:00Z", until: next + "T00:00:00Z"
    });
    var base = $("workspace").getAttribute("data-history-base");
    return B.linkCell(tr, base + "/" + r.item_id + "/history?" + query.toString(), "Movements", "movements-link");
  }

  /* A record's value as text: a moment in local time, nested records written out. */
  function plainValue(v) {
    if (blank(v)) return "\u2013";
    if (Array.isArray(v)) return v.length ? v.map(plainValue).join("; ") : "none";
    if (typeof v === "object") {
      return Object.keys(v).map(function (k) { return k.replace(/_/g, " ") + ": " + plainValue(v[k]); }).join(", ");
    }
    if (typeof v === "boolean") return v ? "yes" : "no";
    if (typeof v === "string" && /^\d{4}-\d{2}-\d{2}T/.test(v)) return C.formatTime(v);
    return String(v);
  }

  // A field holding an item's SKU: the drill-down links it to the item's page.
  function isSku(name, value) {
    return (name === "sku" || name === "item") && typeof value === "string" && value !== "";
  }

  // Fields naming a document with a console page of its own: the field -> the page's base
  // (a data attribute of the page).
  var DOCUMENTS = {
    order_id: "data-order-base", rma_id: "data-return-base", po_id: "data-po-base",
    movement_id: "data-movement-base", reverses_movement_id: "data-movement-base"
  };
  // Fields holding a list of movement ids: each id links to its drill-down.
  var MOVEMENT_LISTS = ["movement_ids"];

  /* One record's cell: a link to its item or document, a list for a list of records
   * (an order's lines), else its text. */
  function recordCell(tr, name, v, itemIds) {
    var ws = $("workspace");
    if (isSku(name, v) && itemIds[v] !== undefined) {
      return B.linkCell(tr, ws.getAttribute("data-item-base") + "/" + itemIds[v], v, "code");
    }
    if (DOCUMENTS[name] && typeof v === "number") {
      var kind = DOCUMENTS[name] === "data-movement-base" ? "code movement-id" : "code";
      return B.linkCell(tr, ws.getAttribute(DOCUMENTS[name]) + "/" + v, String(v), kind);
    }
    if (MOVEMENT_LISTS.indexOf(name) >= 0 && Array.isArray(v) && v.length &&
        v.every(function (x) { return typeof x === "number"; })) {
      var ids = C.cell(tr, "");
      v.forEach(function (id, i) {
        if (i) ids.appendChild(document.createTextNode(", "));
        ids.appendChild(B.link(ws.getAttribute("data-movement-base") + "/" + id, String(id), "code movement-id"));
      });
      return ids;
    }
    if (Array.isArray(v) && v.length > 1 && v.every(function (x) { return x && typeof x === "object"; })) {
      var td = C.cell(tr, "");
      var list = document.createElement("ul");
      list.className = "record-list";
      v.forEach(function (x) {
        var li = document.createElement("li");
        li.textContent = plainValue(x);
        list.appendChild(li);
      });
      td.appendChild(list);
      return td;
    }
    return C.cell(tr, plainValue(v), typeof v === "number" ? "num" : "");
  }

  function describeFilters(kpi, q) {
    var pairs = [["Figure", kpi ? kpi.title : $("workspace").getAttribute("data-kpi")]];
    pairs.push(["Row", q.group || "all of them"]);
    if (q.from || q.to) pairs.push(["Days", (q.from || "\u2026") + " to " + (q.to || "\u2026")]);
    ["warehouse", "channel", "zone", "abc_class", "supplier", "worker", "by"].forEach(function (n) {
      if (q[n]) pairs.push([n === "by" ? "Broken down by" : n.replace(/_/g, " "), q[n].replace(/_/g, " ")]);
    });
    B.facts($("records-filters"), pairs);
  }

  /* SKU -> item id for the SKUs shown (one search each; an exact match only). */
  function itemIds(skus) {
    var ids = {};
    return Promise.all(skus.map(function (sku) {
      return C.call("GET", "/items", { query: { q: sku, limit: 5 } }).then(function (body) {
        B.rows(body, ["items"]).forEach(function (item) { if (item.sku === sku) ids[sku] = item.id; });
      }).catch(function () { /* no link for it: the SKU still shows */ });
    })).then(function () { return ids; });
  }

  function render(records) {
    var shown = records.slice(0, SHOWN);
    var columns = recordColumns(shown);
    var head = $("records-table").tHead.rows[0];
    while (head.firstChild) head.removeChild(head.firstChild);
    columns.forEach(function (name) {
      var th = document.createElement("th");
      th.scope = "col";
      th.textContent = name.replace(/_/g, " ");
      head.appendChild(th);
    });
    var skus = {};
    shown.forEach(function (r) {
      columns.forEach(function (n) { if (isSku(n, r[n])) skus[r[n]] = true; });
    });
    return itemIds(Object.keys(skus)).then(function (ids) {
      var body = C.clearBody($("records-table"));
      shown.forEach(function (r) {
        var tr = document.createElement("tr");
        columns.forEach(function (n) {
          if (n === MOVEMENTS && isStockChange(r)) return changeLink(tr, r);
          recordCell(tr, n, r[n], ids);
        });
        body.appendChild(tr);
      });
      C.showRows("records", shown.length);
      $("records-status").textContent = records.length > shown.length
        ? "The first " + shown.length + " of " + records.length + " records."
        : C.plural(records.length, "record", "records") + ".";
    });
  }

  // ---- anomaly flags and their acknowledgement ------------------------------------------

  var FLAG_KPIS = ["unusual_losses", "repeated_small_losses"];

  function ackFacts(host, ack) {
    var dl = document.createElement("dl");
    dl.className = "figures";
    B.facts(dl, [
      ["Acknowledged by", ack.by],
      ["When", ack.at ? C.formatTime(ack.at) : null],
      ["Their note", ack.note]
    ]);
    host.appendChild(dl);
  }

  function ackForm(host, kpiId, cells, n) {
    var form = document.createElement("form");
    form.className = "ack-form";
    form.noValidate = true;
    var label = document.createElement("label");
    label.htmlFor = "flag-note-" + n;
    label.textContent = "What you found (required)";
    var note = document.createElement("textarea");
    note.id = "flag-note-" + n;
    note.name = "note";
    note.rows = 3;
    note.maxLength = 2000;
    note.required = true;
    var actions = document.createElement("div");
    actions.className = "actions";
    var button = document.createElement("button");
    button.type = "submit";
    button.textContent = "Acknowledge";
    button.setAttribute("aria-label", "Acknowledge " + cells.subject);
    actions.appendChild(button);
    form.appendChild(label);
    form.appendChild(note);
    form.appendChild(actions);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      C.clearError();
      var text = note.value.trim();
      if (!text) {
        $("flags-status").textContent = "Say what you found: an acknowledgement needs a note.";
        note.focus();
        return;
      }
      C.busy(form, true);
      C.call("POST", "/reports/anomalies/acks", {
        body: { fingerprint: cells.fingerprint, kind: kpiId, subject: cells.subject, note: text }
      }).then(function (ack) {
        form.remove();
        ackFacts(host, { by: ack.acked_by_username, at: ack.acked_at, note: ack.note });
        $("flags-status").textContent = "Acknowledged: " + ack.subject + ".";
      }).catch(function (err) {
        if (err && err.status === 409 && err.details && err.details.acked_by) {
          form.remove();
          ackFacts(host, { by: err.details.acked_by, at: err.details.acked_at, note: err.details.note });
          $("flags-status").textContent = "Someone acknowledged this flag first.";
          return;
        }
        C.busy(form, false);
        C.explain(err);
      });
    });
    host.appendChild(form);
  }

  function flagBlock(kpiId, row, n, mayAck) {
    var cells = row.cells;
    var block = document.createElement("section");
    block.className = "flag";
    block.setAttribute("aria-labelledby", "flag-title-" + n);
    var title = document.createElement("h3");
    title.id = "flag-title-" + n;
    title.textContent = cells.subject || row.label;
    block.appendChild(title);
    if (cells.acknowledged_by) {
      ackFacts(block, { by: cells.acknowledged_by, at: cells.acknowledged_at, note: cells.ack_note });
    } else if (mayAck && cells.fingerprint) {
      ackForm(block, kpiId, cells, n);
    } else {
      var p = document.createElement("p");
      p.className = "muted";
      p.textContent = "Not acknowledged yet.";
      block.appendChild(p);
    }
    return block;
  }

  /* The flag behind this page's row (every flag when the page shows them all), as the
   * report answers it under the same filters. */
  function loadFlags(kpiId, q) {
    if (FLAG_KPIS.indexOf(kpiId) < 0) return;
    var asked = {};
    Object.keys(q).forEach(function (k) { if (k !== "group") asked[k] = q[k]; });
    var list = $("flags-list");
    $("flags-main").hidden = false;
    $("flags-status").textContent = "Loading\u2026";
    C.call("GET", "/reports/kpis/" + encodeURIComponent(kpiId), { query: asked }).then(function (report) {
      var rows = report.rows.filter(function (r) { return !q.group || r.label === q.group; });
      var mayAck = C.allows(C.loadSession(), "supervisor");
      while (list.firstChild) list.removeChild(list.firstChild);
      rows.forEach(function (r, n) { list.appendChild(flagBlock(kpiId, r, n, mayAck)); });
      $("flags-title").textContent = rows.length === 1 ? "The flag" : "The flags";
      $("flags-status").textContent = rows.length ? "" : "No flag under these filters.";
    }).catch(function (err) {
      $("flags-status").textContent = "Could not load the flag: " + (err && err.message ? err.message : String(err));
    });
  }

  function start() {
    var kpiId = $("workspace").getAttribute("data-kpi");
    var q = query();
    var back = {};
    Object.keys(q).forEach(function (k) { if (k !== "group" && k !== "by") back[k] = q[k]; });
    if (F.param("tab")) back.tab = F.param("tab");
    $("records-back").href = $("workspace").getAttribute("data-dashboards") + F.query(back);
    C.call("GET", "/reports/kpis").then(function (catalogue) {
      var kpi = catalogue.kpis.filter(function (k) { return k.id === kpiId; })[0];
      $("reports-denied").hidden = true;
      $("records-main").hidden = false;
      $("records-of").textContent = "Records behind " + (kpi ? kpi.title : kpiId) +
        (q.group ? ": " + q.group : "");
      describeFilters(kpi, q);
      if (!kpi) return C.showDenied("records");
      loadFlags(kpiId, q);
      $("records-status").textContent = "Loading\u2026";
      return C.call("GET", "/reports/kpis/" + encodeURIComponent(kpiId) + "/records", { query: q })
        .then(function (body) { return render(body.records); });
    }).catch(function (err) {
      if (err && err.status === 403 && !$("records-main").hidden) return C.showDenied("records");
      if (err && err.status === 403) {
        $("reports-denied").hidden = false;
        return;
      }
      $("records-status").textContent = "";
      C.explain(err);
    });
  }

  C.onSession(function (session) {
    if (!session) {
      startedFor = null;
      $("records-main").hidden = true;
      $("flags-main").hidden = true;
      return;
    }
    if (startedFor === session.token) return;
    startedFor = session.token;
    start();
  });
})();
