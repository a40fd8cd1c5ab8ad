/* Scanfloor console, orders and channels: order search, one order in full, lines waiting
 * for stock, channels with their pools, an item's ATS across channels and the webhook
 * delivery log. Built on window.ScanfloorConsole (console.js, loaded first); the page says
 * which one it is in #workspace's data-page. Values from the API are written with
 * textContent, never innerHTML. */
(function () {
  "use strict";

  var C = window.ScanfloorConsole;
  var $ = C.$;
  var DASH = "\u2013";
  var LATE_MINUTES = 24 * 60; // a line waiting longer than a day is shown in red
  var page = $("workspace").getAttribute("data-page");
  var channelsShown = false;

  function words(s) {
    return s ? String(s).replace(/_/g, " ") : DASH;
  }

  function formatAge(minutes) {
    if (minutes < 60) return minutes + " min";
    var hours = Math.floor(minutes / 60);
    if (hours < 24) return hours + " h " + (minutes % 60) + " min";
    return Math.floor(hours / 24) + " d " + (hours % 24) + " h";
  }

  function orderLink(id, text) {
    var a = document.createElement("a");
    a.href = "/console/orders/" + encodeURIComponent(id);
    a.textContent = text;
    return a;
  }

  function linkCell(tr, id, text) {
    var td = C.cell(tr, "");
    td.appendChild(orderLink(id, text));
    return td;
  }

  function fillChannels(select) {
    if (channelsShown) return Promise.resolve();
    return C.call("GET", "/channels").then(function (rows) {
      (rows || []).forEach(function (ch) {
        var option = document.createElement("option");
        option.value = ch.code;
        option.textContent = ch.code + " \u2014 " + ch.name;
        select.appendChild(option);
      });
      channelsShown = true;
    });
  }

  function run(form, work) {
    C.clearError();
    if (form) C.busy(form, true);
    return work().catch(C.showError).then(function () {
      if (form) C.busy(form, false);
    });
  }

  // ---- orders --------------------------------------------------------------------------

  var nextCursor = null;

  function orderQuery(cursor) {
    return {
      external_id: $("external-id").value.trim(),
      channel: $("channel").value,
      status: $("status").value,
      limit: 50,
      cursor: cursor
    };
  }

  function showOrders(body, append) {
    var rows = (body && body.orders) || [];
    var tbody = append ? $("orders-table").tBodies[0] : C.clearBody($("orders-table"));
    rows.forEach(function (o) {
      var tr = document.createElement("tr");
      linkCell(tr, o.id, "#" + o.id);
      C.cell(tr, o.external_id, "code");
      C.cell(tr, o.channel, "code");
      C.cell(tr, words(o.status), "status");
      C.cell(tr, o.ship_to_region || DASH);
      C.cell(tr, C.formatTime(o.ordered_at));
      tbody.appendChild(tr);
    });
    var shown = tbody.rows.length;
    nextCursor = body && body.next_cursor;
    $("orders-more").hidden = !nextCursor;
    $("orders-empty").hidden = shown > 0;
    $("orders-table").hidden = shown === 0;
    $("orders-count").textContent = (shown === 1 ? "1 order" : shown + " orders") +
      ", newest first";
  }

  function loadOrders(append) {
    var form = $("orders-filter");
    return run(form, function () {
      return fillChannels($("channel")).then(function () {
        return C.call("GET", "/orders", { query: orderQuery(append ? nextCursor : null) });
      }).then(function (body) { showOrders(body, append); });
    });
  }

  // ---- one order -----------------------------------------------------------------------

  function showOrder(order, warehouses, events) {
    $("order-title").textContent = "Order " + order.id + " \u00b7 " + order.external_id;
    $("order-status").textContent = words(order.status);
    $("order-channel").textContent = order.channel;
    $("order-external").textContent = order.external_id;
    $("order-region").textContent = order.ship_to_region || DASH;
    $("order-ordered").textContent = C.formatTime(order.ordered_at);
    if (window.ScanfloorOrderMoney) window.ScanfloorOrderMoney.show(order.finance);
    var skuOfLine = {};
    var lines = C.clearBody($("lines-table"));
    (order.lines || []).forEach(function (ln) {
      skuOfLine[ln.id] = ln.sku;
      var tr = document.createElement("tr");
      C.cell(tr, ln.line_no, "num");
      C.cell(tr, ln.sku + (ln.listing_id ? " (listing " + ln.listing_id + ")" : ""), "code");
      C.cell(tr, ln.kit_sku ? ln.kit_sku + " \u00d7 " + ln.kit_quantity : DASH);
      C.cell(tr, C.formatQty(ln.quantity), "num");
      C.cell(tr, C.formatQty(ln.reserved_qty), "num");
      C.cell(tr, C.formatQty(ln.consumed_qty), "num");
      C.cell(tr, words(ln.status), "status");
      C.cell(tr, ln.promised_ship_date || DASH);
      C.cell(tr, ln.price === null || ln.price === undefined ? DASH : ln.price, "num");
      lines.appendChild(tr);
    });
    var res = C.clearBody($("reservations-table"));
    (order.reservations || []).forEach(function (r) {
      var tr = document.createElement("tr");
      C.cell(tr, r.id, "num");
      C.cell(tr, skuOfLine[r.order_line_id] || "line " + r.order_line_id, "code");
      C.cell(tr, warehouses[r.warehouse_id] || "#" + r.warehouse_id, "code");
      C.cell(tr, r.lot_id ? "#" + r.lot_id : DASH);
      C.cell(tr, C.formatQty(r.quantity), "num");
      C.cell(tr, r.status);
      C.cell(tr, C.formatTime(r.created_at));
      C.cell(tr, r.resolved_at ? C.formatTime(r.resolved_at) : DASH);
      res.appendChild(tr);
    });
    $("reservations-empty").hidden = res.rows.length > 0;
    $("reservations-table").hidden = res.rows.length === 0;
    var hist = C.clearBody($("events-table"));
    (events || []).forEach(function (e) {
      var tr = document.createElement("tr");
      C.cell(tr, C.formatTime(e.at));
      C.cell(tr, e.order_line_id ? "line " + (skuOfLine[e.order_line_id] || e.order_line_id) :
        "order");
      C.cell(tr, words(e.from_status));
      C.cell(tr, words(e.to_status), "status");
      C.cell(tr, e.actor, "code");
      C.cell(tr, e.note || "");
      hist.appendChild(tr);
    });
  }

  function loadOrder() {
    var id = $("workspace").getAttribute("data-order-id");
    return run(null, function () {
      return Promise.all([
        C.call("GET", "/orders/" + id),
        C.call("GET", "/locations", { query: { level: "warehouse", limit: 200 } }),
        C.call("GET", "/orders/" + id + "/events")
      ]).then(function (got) {
        var warehouses = {};
        ((got[1] && got[1].locations) || []).forEach(function (w) { warehouses[w.id] = w.code; });
        showOrder(got[0], warehouses, got[2]);
      });
    });
  }

  // ---- backorders ----------------------------------------------------------------------

  function showBackorders(body) {
    var rows = (body && body.lines) || [];
    var tbody = C.clearBody($("backorders-table"));
    rows.forEach(function (b) {
      var tr = document.createElement("tr");
      if (b.age_minutes >= LATE_MINUTES) tr.className = "late";
      C.cell(tr, formatAge(b.age_minutes), "num");
      linkCell(tr, b.order_id, b.external_id);
      C.cell(tr, b.channel, "code");
      C.cell(tr, b.line_no, "num");
      C.cell(tr, b.sku, "code");
      C.cell(tr, C.formatQty(b.quantity), "num");
      C.cell(tr, C.formatQty(b.held), "num");
      C.cell(tr, C.formatQty(b.waiting), "num");
      C.cell(tr, words(b.status), "status");
      C.cell(tr, b.promised_ship_date || DASH);
      tbody.appendChild(tr);
    });
    $("backorders-empty").hidden = rows.length > 0;
    $("backorders-table").hidden = rows.length === 0;
    $("backorders-count").textContent = (rows.length === 1 ? "1 line" : rows.length + " lines") +
      ", oldest first";
  }

  function loadBackorders() {
    var form = $("backorders-filter");
    return run(form, function () {
      return fillChannels($("channel")).then(function () {
        return C.call("GET", "/allocation/backorders",
          { query: { channel: $("channel").value, limit: 500 } });
      }).then(showBackorders);
    });
  }

  // ---- channels ------------------------------------------------------------------------

  function showChannels(rows) {
    var tbody = C.clearBody($("channels-table"));
    rows.forEach(function (ch) {
      var tr = document.createElement("tr");
      C.cell(tr, ch.code, "code");
      C.cell(tr, ch.name);
      C.cell(tr, ch.kind);
      C.cell(tr, ch.priority, "num");
      C.cell(tr, C.formatQty(ch.safety_buffer), "num");
      C.cell(tr, ch.cap_fraction ? Math.round(Number(ch.cap_fraction) * 1000) / 10 + " %" : DASH,
        "num");
      C.cell(tr, ch.allow_partial_shipment ? "allowed" : "all or nothing");
      C.cell(tr, ch.min_shelf_life_days ? ch.min_shelf_life_days + " d" : DASH, "num");
      C.cell(tr, ch.ship_within_hours === null ? DASH : ch.ship_within_hours + " h", "num");
      C.cell(tr, (ch.warehouses || []).join(", ") || "any", "code");
      C.cell(tr, ch.webhook_url ? ch.webhook_url + (ch.has_webhook_secret ? " (signed)" : "") :
        DASH);
      C.cell(tr, ch.active ? "yes" : "no");
      tbody.appendChild(tr);
    });
    $("channels-empty").hidden = rows.length > 0;
    $("channels-table").hidden = rows.length === 0;
  }

  function showPools(rows, pools) {
    var tbody = C.clearBody($("pools-table"));
    rows.forEach(function (ch, i) {
      (pools[i] || []).forEach(function (p) {
        var tr = document.createElement("tr");
        C.cell(tr, ch.code, "code");
        C.cell(tr, p.sku, "code");
        C.cell(tr, p.warehouse, "code");
        C.cell(tr, C.formatQty(p.quantity), "num");
        tbody.appendChild(tr);
      });
    });
    $("pools-empty").hidden = tbody.rows.length > 0;
    $("pools-table").hidden = tbody.rows.length === 0;
  }

  function showDeliveries(body) {
    var rows = (body && body.deliveries) || [];
    var tbody = C.clearBody($("deliveries-table"));
    rows.forEach(function (d) {
      var tr = document.createElement("tr");
      var ok = d.status_code !== null && d.status_code < 300;
      if (!ok) tr.className = "failed";
      C.cell(tr, C.formatTime(d.attempted_at));
      C.cell(tr, d.channel, "code");
      C.cell(tr, "#" + d.event_id + " (attempt " + d.attempts + ")", "num");
      C.cell(tr, words(d.kind));
      C.cell(tr, d.status_code === null ? DASH : d.status_code, "num status-code");
      C.cell(tr, d.error || "");
      C.cell(tr, C.formatQty(d.duration_ms), "num");
      C.cell(tr, d.delivered ? "yes" : "not yet");
      tbody.appendChild(tr);
    });
    C.showRows("deliveries", rows.length);
  }

  function deliveriesDenied() {
    C.showDenied("deliveries");
  }

  function loadChannels() {
    return run(null, function () {
      var channels = C.call("GET", "/channels").then(function (rows) {
        rows = rows || [];
        showChannels(rows);
        return Promise.all(rows.map(function (ch) {
          return C.call("GET", "/channels/" + encodeURIComponent(ch.code) + "/pools");
        })).then(function (pools) { showPools(rows, pools); });
      });
      var log = C.call("GET", "/webhooks/deliveries", { query: { limit: 100 } })
        .then(showDeliveries, function (err) {
          if (err.status === 403) return deliveriesDenied();
          throw err;
        });
      return Promise.all([channels, log]);
    });
  }

  function showItemAts(item, body) {
    $("ats-item").textContent = item.sku + " \u2014 " + item.name;
    var tbody = C.clearBody($("ats-table"));
    var per = (body && body.channels) || {};
    Object.keys(per).sort().forEach(function (code) {
      var tr = document.createElement("tr");
      C.cell(tr, code, "code");
      C.cell(tr, C.formatQty(per[code]), "num");
      tbody.appendChild(tr);
    });
    $("ats-table").hidden = tbody.rows.length === 0;
  }

  function loadItemAts() {
    var sku = $("ats-sku").value.trim();
    var form = $("ats-form");
    $("ats-table").hidden = true;
    return run(form, function () {
      return C.call("GET", "/items", { query: { q: sku, limit: 25 } }).then(function (body) {
        var items = (body && body.items) || [];
        var exact = items.filter(function (i) {
          return i.sku.toUpperCase() === sku.toUpperCase();
        })[0] || (items.length === 1 ? items[0] : null);
        if (!exact) {
          $("ats-item").textContent = items.length ? "Several items match: give the full SKU." :
            "No item has this SKU.";
          return null;
        }
        return C.call("GET", "/items/" + exact.id + "/ats").then(function (got) {
          showItemAts(exact, got);
        });
      });
    });
  }

  // ---- start ---------------------------------------------------------------------------

  var loaders = {
    orders: function () { return loadOrders(false); },
    order: loadOrder,
    backorders: loadBackorders,
    channels: loadChannels
  };

  function bind(id, event, fn) {
    var el = $(id);
    if (el) el.addEventListener(event, fn);
  }

  function onSubmit(fn) {
    return function (event) {
      event.preventDefault();
      fn();
    };
  }

  bind("orders-filter", "submit", onSubmit(function () { loadOrders(false); }));
  bind("orders-more", "click", function () { loadOrders(true); });
  bind("backorders-filter", "submit", onSubmit(loadBackorders));
  bind("channel", "change", function () {
    if (page === "backorders") loadBackorders();
  });
  bind("ats-form", "submit", onSubmit(loadItemAts));
  C.onSession(function (session) {
    if (session && loaders[page]) loaders[page]();
  });
})();
