/* Scanfloor console, the drill-down of a dashboard figure: the records behind one row of
 * a KPI's report (GET /api/v1/reports/kpis/<id>/records with the row's group and the
 * same filters and breakdown), one table row per record, every field a column; an item's
 * SKU links to its valuation page (stock, cost layers, movements), found by SKU through
 * /items, and an order, a return or a purchase order to its own page. The way back opens
 * the dashboards with the same tab and filters.
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
  function recordColumns(records) {
    var seen = [];
    records.forEach(function (r) {
      Object.keys(r).forEach(function (k) { if (seen.indexOf(k) < 0) seen.push(k); });
    });
    return seen;
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
  var DOCUMENTS = { order_id: "data-order-base", rma_id: "data-return-base", po_id: "data-po-base" };

  /* One record's cell: a link to its item or document, a list for a list of records
   * (an order's lines), else its text. */
  function recordCell(tr, name, v, itemIds) {
    var ws = $("workspace");
    if (isSku(name, v) && itemIds[v] !== undefined) {
      return B.linkCell(tr, ws.getAttribute("data-item-base") + "/" + itemIds[v], v, "code");
    }
    if (DOCUMENTS[name] && typeof v === "number") {
      return B.linkCell(tr, ws.getAttribute(DOCUMENTS[name]) + "/" + v, String(v), "code");
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
        columns.forEach(function (n) { recordCell(tr, n, r[n], ids); });
        body.appendChild(tr);
      });
      C.showRows("records", shown.length);
      $("records-status").textContent = records.length > shown.length
        ? "The first " + shown.length + " of " + records.length + " records."
        : C.plural(records.length, "record", "records") + ".";
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
      return;
    }
    if (startedFor === session.token) return;
    startedFor = session.token;
    start();
  });
})();
