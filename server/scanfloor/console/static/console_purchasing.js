/* Scanfloor console, purchase suggestions: run the suggestions (one warehouse or all), list
 * the runs, and open one run: its draft purchase orders by supplier, and every line with
 * its explanation (policy, inventory position, demand, lead time and each arithmetic step).
 * The run shown is in the address (?run=N), so a link can open it. Built on
 * window.ScanfloorConsole and window.ScanfloorBuying (console.js, console_buying.js);
 * values from the API are written with textContent. */
(function () {
  "use strict";

  var C = window.ScanfloorConsole;
  var B = window.ScanfloorBuying;
  var $ = C.$;
  var started = false;
  var runsCursor = null;
  var current = null;  // the run shown

  var OUTCOMES = {
    ordered: "Orders",
    no_need: "No need",
    no_supplier: "No supplier",
    no_demand: "No demand"
  };
  var METHODS = {
    ses: "simple exponential smoothing",
    croston_sba: "Croston (SBA), for intermittent demand",
    no_history: "no history yet",
    no_demand: "no demand in the history",
    not_used: "not used by this policy"
  };
  var LEAD_SOURCES = {
    receipts_item: "this item's receipts",
    receipts: "the supplier's receipts",
    promised: "the supplier's promise",
    "default": "the default (nothing on file)"
  };
  var SOURCES = {
    shipments: "shipments in the ledger",
    allocated_lines: "allocated order lines (nothing shipped yet)",
    none: "no demand recorded"
  };

  function poHref(id) {
    return $("workspace").getAttribute("data-po-base") + "/" + id;
  }

  function supplierHref(id) {
    return $("workspace").getAttribute("data-supplier-base") + "/" + id;
  }

  function runFromAddress() {
    var run = new URLSearchParams(window.location.search).get("run");
    return run && /^\d+$/.test(run) ? run : null;
  }

  function denied(on) {
    $("purchasing-denied").hidden = !on;
    $("run-form").hidden = on;
    if (on) C.showDenied("runs");
  }

  // ---- runs ------------------------------------------------------------------------------

  function runRow(run) {
    var tr = document.createElement("tr");
    tr.setAttribute("data-run", String(run.id));
    if (current && current.id === run.id) tr.className = "chosen";
    var td = document.createElement("td");
    var a = B.link("?run=" + run.id, "Run " + run.id);
    a.addEventListener("click", function (event) {
      event.preventDefault();
      openRun(run.id, true);
    });
    td.appendChild(a);
    tr.appendChild(td);
    C.cell(tr, C.formatTime(run.started_at));
    C.cell(tr, B.words(run.trigger));
    C.cell(tr, B.person(run.actor));
    C.cell(tr, run.warehouse ? run.warehouse.code || run.warehouse : "Every warehouse");
    C.cell(tr, C.formatQty(run.items_considered), "num");
    C.cell(tr, C.formatQty(run.lines_ordered), "num");
    C.cell(tr, C.formatQty(run.po_count), "num");
    return tr;
  }

  function loadRuns(more) {
    var query = { limit: 20 };
    if (more) query.cursor = runsCursor;
    return C.call("GET", "/purchasing/suggestion-runs", { query: query }).then(function (body) {
      var tbody = more ? $("runs-table").tBodies[0] : C.clearBody($("runs-table"));
      B.rows(body, ["suggestion_runs", "runs"]).forEach(function (run) { tbody.appendChild(runRow(run)); });
      runsCursor = (body && body.next_cursor) || null;
      $("runs-more").hidden = !runsCursor;
      C.showRows("runs", tbody.rows.length);
    });
  }

  function markChosen() {
    Array.prototype.forEach.call($("runs-table").tBodies[0].rows, function (tr) {
      tr.className = current && tr.getAttribute("data-run") === String(current.id) ? "chosen" : "";
    });
  }

  // ---- one run -----------------------------------------------------------------------------

  function showFigures(run) {
    $("run-title").textContent = "Run " + run.id + (run.warehouse ? " \u00b7 " + (run.warehouse.code || run.warehouse) : "");
    B.facts($("run-figures"), [
      ["Items considered", C.formatQty(run.items_considered)],
      ["Lines that order", C.formatQty(run.lines_ordered)],
      ["Draft POs", C.formatQty(run.po_count)],
      ["History", B.days(run.history_days)],
      ["As of", run.as_of]
    ]);
    var meta = ["Started " + C.formatTime(run.started_at)];
    if (run.finished_at) meta.push("finished " + C.formatTime(run.finished_at));
    if (run.trigger) meta.push("from the " + B.words(run.trigger));
    if (run.actor) meta.push("by " + B.person(run.actor));
    $("run-meta").textContent = meta.join(" \u00b7 ");
  }

  function showPos(pos) {
    var tbody = C.clearBody($("pos-table"));
    pos.slice().sort(function (a, b) {
      var sa = (a.supplier && a.supplier.code) || "";
      var sb = (b.supplier && b.supplier.code) || "";
      return sa < sb ? -1 : sa > sb ? 1 : a.number < b.number ? -1 : 1;
    }).forEach(function (po) {
      var tr = document.createElement("tr");
      tr.setAttribute("data-po", String(po.id));
      if (po.supplier) B.linkCell(tr, supplierHref(po.supplier.id), po.supplier.code + " \u2014 " + po.supplier.name);
      else C.cell(tr, "\u2013");
      B.linkCell(tr, poHref(po.id), po.number, "code");
      C.cell(tr, B.words(po.state), "state");
      C.cell(tr, C.formatQty(po.line_count), "num");
      C.cell(tr, B.money(po.value, po.currency), "num");
      tbody.appendChild(tr);
    });
    C.showRows("pos", pos.length);
  }

  function summary(line) {
    var p = document.createElement("p");
    p.className = "summary";
    var unit = line.quantity === 1 ? " unit" : " units";
    if (line.outcome === "ordered") {
      p.appendChild(document.createTextNode("Order " + C.formatQty(line.quantity) + unit +
        (line.supplier ? " from " + line.supplier.code + " (" + line.supplier.name + ")" : "") +
        (line.unit_cost ? " at " + line.unit_cost + " each" : "")));
      if (line.po_id) {
        p.appendChild(document.createTextNode(" on "));
        p.appendChild(B.link(poHref(line.po_id), line.po_number || "the draft PO", "code"));
      }
      p.appendChild(document.createTextNode("."));
    } else if (line.outcome === "no_supplier") {
      p.textContent = "Needs " + C.formatQty(line.quantity) + unit +
        " but no active supplier supplies this item: add a supplier item to order it.";
    } else if (line.outcome === "no_demand") {
      p.textContent = "Nothing ordered: no demand in the history.";
    } else {
      p.textContent = "Nothing to order: the position covers what the policy asks for.";
    }
    return p;
  }

  function positionText(pos) {
    if (!pos) return "\u2013";
    return "on hand " + C.formatQty(pos.on_hand) + " + open POs " + C.formatQty(pos.open_po) +
      " + in transit " + C.formatQty(pos.in_transit) + " \u2212 reserved " + C.formatQty(pos.reserved) +
      " \u2212 backordered " + C.formatQty(pos.backordered) + " = " + C.formatQty(pos.total);
  }

  function demandText(d) {
    if (!d) return "\u2013";
    var parts = [B.dash(d.per_day) + " a day"];
    if (d.sd !== null && d.sd !== undefined) parts[0] += " (deviation " + d.sd + ")";
    if (d.method) parts.push(METHODS[d.method] || B.words(d.method));
    parts.push(d.source === "none" ? SOURCES.none : "from " + (SOURCES[d.source] || B.words(d.source) || "\u2013"));
    return parts.join(" \u00b7 ");
  }

  function leadTimeText(lt) {
    if (!lt) return "\u2013";
    var text = B.days(lt.days);
    if (lt.sd !== null && lt.sd !== undefined) text += " (deviation " + lt.sd + ")";
    return text + (lt.source ? " \u00b7 from " + (LEAD_SOURCES[lt.source] || B.words(lt.source)) : "");
  }

  function steps(list) {
    var ol = document.createElement("ol");
    ol.className = "steps";
    (list || []).forEach(function (s) {
      var li = document.createElement("li");
      var label = document.createElement("strong");
      label.textContent = s.label + ": ";
      var working = document.createElement("span");
      working.className = "working";
      working.textContent = s.working + " = " + s.value;
      li.appendChild(label);
      li.appendChild(working);
      ol.appendChild(li);
    });
    return ol;
  }

  function lineCard(line) {
    var card = document.createElement("article");
    card.className = "suggestion" + (line.outcome === "ordered" ? " ordered" : "");
    card.setAttribute("data-sku", line.item ? line.item.sku : "");
    card.setAttribute("data-outcome", line.outcome || "");
    var h = document.createElement("h4");
    h.textContent = B.itemText(line.item) + " ";
    var tag = document.createElement("span");
    tag.className = "tag" + (line.outcome === "ordered" ? " ordered" : line.outcome === "no_supplier" ? " warn" : "");
    tag.textContent = OUTCOMES[line.outcome] || B.words(line.outcome);
    h.appendChild(tag);
    card.appendChild(h);
    card.appendChild(summary(line));
    var dl = document.createElement("dl");
    dl.className = "explain";
    B.facts(dl, [
      ["Policy", B.words(line.policy)],
      ["Warehouse", line.warehouse ? line.warehouse.code : ""],
      ["Position", positionText(line.position)],
      ["Demand", demandText(line.demand)],
      ["Lead time", leadTimeText(line.lead_time)]
    ]);
    card.appendChild(dl);
    if ((line.steps || []).length) {
      var p = document.createElement("p");
      p.className = "hint";
      p.textContent = "The arithmetic, step by step:";
      card.appendChild(p);
      card.appendChild(steps(line.steps));
    }
    return card;
  }

  function showLines(lines) {
    var list = $("lines-list");
    while (list.firstChild) list.removeChild(list.firstChild);
    lines.forEach(function (line) { list.appendChild(lineCard(line)); });
    $("lines-empty").hidden = lines.length > 0;
    var outcome = $("lines-outcome").value;
    $("lines-count").textContent = C.plural(lines.length, "line", "lines") +
      (outcome === "ordered" ? " that order" : " considered") + ".";
  }

  function showRun(run) {
    current = run;
    showFigures(run);
    showPos(run.purchase_orders || []);
    showLines(run.lines || []);
    $("run").hidden = false;
    markChosen();
  }

  function openRun(id, remember) {
    C.clearError();
    var section = $("run");
    C.busy(section, true);
    return C.call("GET", "/purchasing/suggestion-runs/" + id, {
      query: { outcome: $("lines-outcome").value }
    }).then(function (run) {
      showRun(run);
      if (remember) window.history.replaceState(null, "", "?run=" + run.id);
    }).catch(C.explain).then(function () { C.busy(section, false); });
  }

  // ---- run now -----------------------------------------------------------------------------

  function onRun(event) {
    event.preventDefault();
    C.clearError();
    var form = $("run-form");
    var result = $("run-result");
    var wh = $("run-warehouse").value;
    C.busy(form, true);
    result.textContent = "Running\u2026";
    C.call("POST", "/purchasing/suggestion-runs", { body: wh ? { warehouse: wh } : {} }).then(function (run) {
      result.textContent = "Run " + run.id + ": " + C.plural(run.lines_ordered || 0, "line", "lines") +
        " to order on " + C.plural(run.po_count || 0, "draft purchase order", "draft purchase orders") + ".";
      window.history.replaceState(null, "", "?run=" + run.id);
      // The answer holds every line; show it with the filter applied, as a reload would.
      return Promise.all([openRun(run.id, false), loadRuns(false)]);
    }).catch(function (err) {
      result.textContent = "Nothing run.";
      C.explain(err);
    }).then(function () { C.busy(form, false); });
  }

  function start() {
    $("run-form").addEventListener("submit", onRun);
    $("runs-more").addEventListener("click", function () { loadRuns(true).catch(C.explain); });
    $("lines-filter").addEventListener("submit", function (event) {
      event.preventDefault();
      if (current) openRun(current.id, false);
    });
    $("lines-outcome").addEventListener("change", function () {
      if (current) openRun(current.id, false);
    });
    B.fillWarehouses($("run-warehouse"), "Every warehouse").catch(C.explain);
    loadRuns(false).then(function () {
      var run = runFromAddress();
      if (run) return openRun(run, false);
      var first = $("runs-table").tBodies[0].rows[0];
      if (first) return openRun(first.getAttribute("data-run"), false);
    }).catch(function (err) {
      if (err.status === 403) return denied(true);
      C.explain(err);
    });
  }

  C.onSession(function (session) {
    if (!session) return;
    denied(!B.atLeast(session, "supervisor"));
    if (started || !B.atLeast(session, "supervisor")) return;
    started = true;
    start();
  });
})();
