/* Scanfloor console, labels page: zones with "every bin label" downloads, and single
 * location, item and container labels. Built on window.ScanfloorConsole (console.js, loaded
 * first): the same sign-in, session (sessionStorage) and API client as every console page.
 * Files come through that client with the session's bearer token and are saved through a
 * Blob link. Values from the API are written with textContent, never innerHTML. */
(function () {
  "use strict";

  var C = window.ScanfloorConsole;
  var $ = C.$;
  var started = false;

  function getJson(path, query) {
    return C.call("GET", path, { query: query });
  }

  function fileName(res, fallback) {
    var cd = res.headers.get("Content-Disposition") || "";
    var m = /filename="([^"]+)"/.exec(cd);
    return m ? m[1] : fallback;
  }

  // Fetch a label file (GET, or POST with a JSON body) and save it under its own name.
  function download(method, path, query, body) {
    status("Preparing labels...");
    return C.call(method, path, { query: query, body: body, raw: true }).then(function (res) {
      var name = fileName(res, "labels");
      return res.blob().then(function (blob) {
        var link = document.createElement("a");
        link.href = URL.createObjectURL(blob);
        link.download = name;
        document.body.appendChild(link);
        link.click();
        setTimeout(function () { URL.revokeObjectURL(link.href); link.remove(); }, 10000);
        status("Saved " + name + ".");
      });
    });
  }

  function options() {
    return {
      format: $("format").value,
      dpi: $("dpi").value,
      sheet: $("sheet").value,
      arrow: $("arrow").value
    };
  }

  function singleQuery() {
    var o = options();
    return { format: o.format, dpi: o.dpi };
  }

  function status(text) { $("status").textContent = text; }

  function showError(err) {
    status("");
    C.showError(err);
  }

  function guarded(fn) {
    return function (event) {
      if (event) event.preventDefault();
      C.clearError();
      Promise.resolve().then(fn).catch(showError);
    };
  }

  // ---- zones ---------------------------------------------------------------------------

  function loadZones(cursor, acc) {
    return getJson("/locations", { level: "zone", active: true, limit: 200, cursor: cursor })
      .then(function (body) {
        var all = (acc || []).concat(body.locations || []);
        return body.next_cursor ? loadZones(body.next_cursor, all) : all;
      });
  }

  function zoneBatch(zone, format) {
    var o = options();
    var body = { zone_id: zone.id, format: format, dpi: Number(o.dpi) };
    if (format === "pdf") body.sheet = o.sheet;
    if (o.arrow) body.arrow = o.arrow;
    return download("POST", "/labels/locations/batch", null, body);
  }

  function showZones(zones) {
    var tbody = $("zones-table").tBodies[0];
    while (tbody.firstChild) tbody.removeChild(tbody.firstChild);
    zones.forEach(function (zone) {
      var tr = document.createElement("tr");
      var code = document.createElement("td");
      code.className = "code";
      code.textContent = zone.code;
      var name = document.createElement("td");
      name.textContent = zone.name;
      var actions = document.createElement("td");
      var box = document.createElement("div");
      box.className = "buttons";
      [["pdf", "Download PDF of every bin label"], ["zpl", "ZPL of every bin label"]].forEach(
        function (pair) {
          var b = document.createElement("button");
          b.type = "button";
          b.textContent = pair[1];
          b.setAttribute("data-zone-id", String(zone.id));
          b.addEventListener("click", guarded(function () { return zoneBatch(zone, pair[0]); }));
          box.appendChild(b);
        });
      actions.appendChild(box);
      tr.appendChild(code);
      tr.appendChild(name);
      tr.appendChild(actions);
      tbody.appendChild(tr);
    });
    $("zones-empty").hidden = zones.length > 0;
    $("zones-table").hidden = zones.length === 0;
  }

  // ---- single labels -------------------------------------------------------------------

  function exact(rows, field, wanted) {
    var w = wanted.trim().toUpperCase();
    return rows.filter(function (r) { return String(r[field]).toUpperCase() === w; })[0];
  }

  function locationLabel() {
    var code = $("location-code").value.trim();
    return getJson("/locations", { q: code, limit: 50 }).then(function (body) {
      var loc = exact(body.locations || [], "code", code);
      if (!loc) throw new Error("No location has the code " + code + ".");
      var q = singleQuery();
      q.arrow = $("arrow").value;
      return download("GET", "/labels/locations/" + loc.id, q);
    });
  }

  function itemLabel() {
    var text = $("item-sku").value.trim();
    return getJson("/items", { q: text, limit: 50 }).then(function (body) {
      var items = body.items || [];
      var item = exact(items, "sku", text) || (items.length === 1 ? items[0] : null);
      if (!item) throw new Error("No single item matches " + text + ": give its SKU.");
      var q = singleQuery();
      q.level = $("item-level").value;
      q.count = $("item-count").value;
      var lotCode = $("item-lot").value.trim();
      if (!lotCode) return download("GET", "/labels/items/" + item.id, q);
      return getJson("/items/" + item.id + "/lots", { q: lotCode, limit: 50 }).then(function (lots) {
        var lot = exact(lots.lots || [], "code", lotCode);
        if (!lot) throw new Error("Item " + item.sku + " has no lot " + lotCode + ".");
        q.lot_id = lot.id;
        return download("GET", "/labels/items/" + item.id, q);
      });
    });
  }

  function containerLabel() {
    var code = $("container-code").value.trim().replace(/^\(00\)/, "");
    return getJson("/containers", { q: code, limit: 50 }).then(function (body) {
      var found = exact(body.containers || [], "code", code);
      if (!found) throw new Error("No container has the code " + code + ".");
      return download("GET", "/labels/containers/" + found.id, singleQuery());
    });
  }

  function newSscc() {
    // One SSCC per click: a fresh Idempotency-Key (the client adds one to every write).
    return C.call("POST", "/labels/sscc", { body: { kind: $("sscc-kind").value } })
      .then(function (made) {
        status("Allocated SSCC " + made.code + ".");
        return download("GET", "/labels/containers/" + made.id, singleQuery());
      });
  }

  // ---- start ---------------------------------------------------------------------------

  C.onSession(function (session) {
    if (!session || started) return;
    started = true;
    $("location-form").addEventListener("submit", guarded(locationLabel));
    $("item-form").addEventListener("submit", guarded(itemLabel));
    $("container-form").addEventListener("submit", guarded(containerLabel));
    $("sscc-form").addEventListener("submit", guarded(newSscc));
    loadZones().then(showZones).catch(showError);
  });
})();
