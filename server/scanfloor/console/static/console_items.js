/* Scanfloor console, the landing page: find an item, show its stock and movements.
 * Built on window.ScanfloorConsole (console.js, loaded first); every value from the API is
 * written with textContent, never innerHTML, so item names cannot inject markup.
 * A movement's number opens its drill-down (/console/movements/<id>) for the roles that
 * read it (supervisors and above, and finance); "The item's whole history" opens every
 * movement of the item, a page at a time (/console/items/<id>/history). */
(function () {
  "use strict";

  var C = window.ScanfloorConsole;
  var $ = C.$;
  var lotCodes = {};

  function onSearch(event) {
    event.preventDefault();
    C.clearError();
    var form = $("search-form");
    C.busy(form, true);
    C.call("GET", "/items", { query: { q: $("q").value.trim(), limit: 25 } })
      .then(showResults)
      .catch(C.showError)
      .then(function () { C.busy(form, false); });
  }

  function firstBarcode(item) {
    var packs = item.packs || [];
    for (var i = 0; i < packs.length; i++) {
      if (packs[i].barcodes && packs[i].barcodes.length) return packs[i].barcodes[0].code;
    }
    return "";
  }

  function showResults(body) {
    var items = (body && body.items) || [];
    var tbody = C.clearBody($("results-table"));
    items.forEach(function (item) {
      var tr = document.createElement("tr");
      var skuCell = document.createElement("td");
      var open = document.createElement("button");
      open.type = "button";
      open.className = "link";
      open.textContent = item.sku;
      open.addEventListener("click", function () { openItem(item); });
      skuCell.appendChild(open);
      tr.appendChild(skuCell);
      C.cell(tr, item.name + (item.active === false ? " (inactive)" : ""));
      C.cell(tr, item.tracking === "none" ? "-" : item.tracking +
        (item.expiry_tracked ? " + expiry" : ""));
      C.cell(tr, firstBarcode(item), "code");
      tbody.appendChild(tr);
    });
    var title = items.length === 1 ? "1 item" : items.length + " items";
    if (body && body.next_cursor) title += " (first page: narrow the search to see more)";
    $("results-title").textContent = title;
    $("results-empty").hidden = items.length > 0;
    $("results-table").hidden = items.length === 0;
    $("results").hidden = false;
    if (items.length === 1) openItem(items[0]);
  }

  function openItem(item) {
    C.clearError();
    $("item-title").textContent = item.sku + " \u2014 " + item.name;
    var meta = ["Base unit: " + item.base_unit];
    meta.push(item.tracking === "none" ? "Not lot tracked" : "Tracked by " + item.tracking);
    if (item.expiry_tracked) meta.push("expiry dates recorded");
    $("item-meta").textContent = meta.join(" \u00b7 ");
    var packs = $("item-packs");
    while (packs.firstChild) packs.removeChild(packs.firstChild);
    (item.packs || []).forEach(function (p) {
      var li = document.createElement("li");
      var codes = (p.barcodes || []).map(function (b) { return b.code; }).join(", ");
      var label = p.level.charAt(0).toUpperCase() + p.level.slice(1);
      li.textContent = label + " of " + p.quantity + " " + item.base_unit +
        (codes ? " \u00b7 " + codes : "");
      packs.appendChild(li);
    });
    C.clearBody($("balances-table"));
    C.clearBody($("movements-table"));
    $("item-history").href = $("workspace").getAttribute("data-history-base") + "/" + item.id + "/history";
    $("item-history").textContent = "The whole history of " + item.sku;
    $("on-hand").textContent = "";
    var article = $("item");
    article.hidden = false;
    article.setAttribute("aria-busy", "true");
    Promise.all([
      C.call("GET", "/balances", { query: { item_id: item.id } }),
      C.call("GET", "/movements", { query: { item_id: item.id, limit: 50 } })
    ]).then(function (answers) {
      showBalances(item, answers[0] || {});
      showMovements(answers[1] || {});
    }).catch(C.showError).then(function () {
      article.setAttribute("aria-busy", "false");
    });
    article.scrollIntoView({ behavior: "smooth", block: "start" });
  }

  function showBalances(item, body) {
    var rows = body.balances || [];
    var tbody = C.clearBody($("balances-table"));
    lotCodes = {};
    var physical = 0;
    rows.forEach(function (b) {
      if (b.lot_id) lotCodes[b.lot_id] = b.lot_code;
      var tr = document.createElement("tr");
      if (b.is_virtual) tr.className = "virtual";
      C.cell(tr, b.location_code, "code");
      C.cell(tr, (b.location_type || "").replace(/_/g, " ") + (b.is_virtual ? " (outside world)" : ""));
      C.cell(tr, b.lot_code || "-");
      C.cell(tr, b.container_code || "-");
      C.cell(tr, C.formatQty(b.quantity), "num");
      tbody.appendChild(tr);
      if (!b.is_virtual) physical += b.quantity;
    });
    var total = (body.totals || []).filter(function (t) { return t.item_id === item.id; })[0];
    $("on-hand").textContent = C.formatQty(total ? total.on_hand : physical) + " " + item.base_unit;
    $("balances-empty").hidden = rows.length > 0;
  }

  // The movement's number: a link to its drill-down for the roles that read it.
  function movementCell(tr, id) {
    if (!C.allows(C.loadSession(), "supervisor", ["finance"])) return C.cell(tr, id, "num");
    var td = C.cell(tr, "", "num");
    var a = document.createElement("a");
    a.className = "movement-id";
    a.href = $("workspace").getAttribute("data-movement-base") + "/" + id;
    a.textContent = String(id);
    td.appendChild(a);
    return td;
  }

  function showMovements(body) {
    var rows = body.movements || [];
    var tbody = C.clearBody($("movements-table"));
    rows.forEach(function (m) {
      var tr = document.createElement("tr");
      if (m.reverses_movement_id) tr.className = "reversal";
      movementCell(tr, m.id);
      C.cell(tr, C.formatTime(m.occurred_at));
      C.cell(tr, m.movement_type + (m.reverses_movement_id ? " of #" + m.reverses_movement_id : ""));
      C.cell(tr, C.formatQty(m.quantity), "num");
      C.cell(tr, m.from_location_code, "code");
      C.cell(tr, m.to_location_code, "code");
      C.cell(tr, m.lot_code || (m.lot_id ? lotCodes[m.lot_id] || "#" + m.lot_id : "-"));
      C.cell(tr, m.reason_code || "");
      C.cell(tr, m.posting_id, "num");
      tbody.appendChild(tr);
    });
    $("movements-empty").hidden = rows.length > 0;
  }

  $("search-form").addEventListener("submit", onSearch);
})();
