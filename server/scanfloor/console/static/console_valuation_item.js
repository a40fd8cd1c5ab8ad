/* Scanfloor console, one item's valuation: its value in each place (choose one), the FIFO
 * cost layers left there (oldest first, with their totals) and how each of its movements
 * there was costed (newest first, each linking to its journal entry). Built on
 * window.ScanfloorConsole, ScanfloorBuying and ScanfloorFinance; values from the API are
 * written with textContent. */
(function () {
  "use strict";

  var C = window.ScanfloorConsole;
  var B = window.ScanfloorBuying;
  var F = window.ScanfloorFinance;
  var $ = C.$;
  var started = false;
  var itemId = null;
  var place = null;
  var cursor = null;

  function methodText(method) {
    return method === "fifo" ? "FIFO" : B.words(method);
  }

  function loadTitle() {
    return C.call("GET", "/items/" + itemId).then(function (item) {
      $("item-title").textContent = B.itemText(item);
      document.title = item.sku + " valuation \u00b7 Scanfloor console";
    }).catch(C.explain);
  }

  function placeRow(row) {
    var tr = document.createElement("tr");
    tr.setAttribute("data-place", row.place_code);
    var link = B.linkCell(tr, F.query({ place: row.place_id }), row.place_code, "code");
    if (row.place_id === place) {
      tr.className = "chosen";
      link.firstChild.setAttribute("aria-current", "true");
    }
    C.cell(tr, methodText(row.method));
    C.cell(tr, C.formatQty(row.quantity), "num");
    C.cell(tr, B.dash(row.unit_cost), "num");
    C.cell(tr, C.formatMoney(row.value), "num");
    return tr;
  }

  function loadPlaces() {
    var query = { item: itemId, limit: 200 };
    return C.call("GET", "/finance/valuation", { query: query }).then(function (body) {
      var rows = B.rows(body, ["stock_values"]);
      if (place === null && rows.length) place = rows[0].place_id;
      var tbody = C.clearBody($("places-table"));
      rows.forEach(function (row) { tbody.appendChild(placeRow(row)); });
      C.showRows("places", rows.length);
    }).catch(F.failed("places"));
  }

  function layerRow(layer) {
    var tr = document.createElement("tr");
    C.cell(tr, layer.id);
    C.cell(tr, layer.movement_id);
    C.cell(tr, C.formatTime(layer.received_at));
    C.cell(tr, C.formatQty(layer.quantity_in), "num");
    C.cell(tr, C.formatQty(layer.quantity_left), "num");
    C.cell(tr, layer.unit_cost, "num");
    C.cell(tr, C.formatMoney(layer.value_left), "num");
    return tr;
  }

  function loadLayers() {
    if (place === null) return Promise.resolve(C.showRows("layers", 0));
    var path = "/finance/valuation/" + itemId + "/layers";
    return C.call("GET", path, { query: { place: place } }).then(function (body) {
      var tbody = C.clearBody($("layers-table"));
      var left = 0;
      var value = 0;
      body.layers.forEach(function (layer) {
        tbody.appendChild(layerRow(layer));
        left += layer.quantity_left;
        value += F.cents(layer.value_left);
      });
      $("layers-left").textContent = C.formatQty(left);
      $("layers-value").textContent = F.money(value);
      $("layers-title").textContent = "Cost layers in " + body.place.code;
      C.showRows("layers", body.layers.length);
    }).catch(F.failed("layers"));
  }

  function moveRow(mv) {
    var tr = document.createElement("tr");
    var journal = $("workspace").getAttribute("data-journal-base");
    B.linkCell(tr, journal + F.query({ movement: mv.movement_id }), String(mv.movement_id));
    C.cell(tr, C.formatTime(mv.occurred_at));
    C.cell(tr, B.words(mv.movement_type));
    C.cell(tr, B.dash(mv.from_place_code), "code");
    C.cell(tr, B.dash(mv.to_place_code), "code");
    C.cell(tr, C.formatQty(mv.quantity), "num");
    C.cell(tr, mv.unit_cost, "num");
    C.cell(tr, C.formatMoney(mv.value), "num");
    C.cell(tr, B.words(mv.cost_source));
    return tr;
  }

  function loadMoves(more) {
    var query = { place: place, limit: 50 };
    if (more) query.cursor = cursor;
    var path = "/finance/valuation/" + itemId + "/movements";
    return C.call("GET", path, { query: query }).then(function (body) {
      var tbody = more ? $("moves-table").tBodies[0] : C.clearBody($("moves-table"));
      B.rows(body, ["movement_values"]).forEach(function (mv) { tbody.appendChild(moveRow(mv)); });
      cursor = (body && body.next_cursor) || null;
      $("moves-more").hidden = !cursor;
      C.showRows("moves", tbody.rows.length);
    }).catch(F.failed("moves"));
  }

  C.onSession(function (session) {
    if (!session || !F.allowed(session) || started) return;
    started = true;
    itemId = Number($("workspace").getAttribute("data-item-id"));
    var asked = Number(F.param("place"));
    place = asked > 0 ? asked : null;
    $("moves-more").addEventListener("click", function () { loadMoves(true); });
    loadTitle();
    loadPlaces().then(function () { return Promise.all([loadLayers(), loadMoves(false)]); });
  });
})();
