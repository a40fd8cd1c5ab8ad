/* Scanfloor console, labels page: zones with "every bin label" downloads, and single
 * location, item and container labels. Files are fetched with the bearer token of the
 * console session (sessionStorage) and saved through a Blob link. Values from the API are
 * written with textContent, never innerHTML. */
(function () {
  "use strict";

  var SESSION_KEY = "scanfloor.console.session";
  var API = document.body.getAttribute("data-api-base") || "/api/v1";

  function $(id) { return document.getElementById(id); }

  function session() {
    var raw = window.sessionStorage.getItem(SESSION_KEY);
    if (!raw) return null;
    try {
      var s = JSON.parse(raw);
      if (s.expires_at && Date.parse(s.expires_at) <= Date.now()) return null;
      return s;
    } catch (e) {
      return null;
    }
  }

  function headers(extra) {
    var h = { "Accept": "application/json" };
    var s = session();
    if (s) h["Authorization"] = "Bearer " + s.token;
    Object.keys(extra || {}).forEach(function (k) { h[k] = extra[k]; });
    return h;
  }

  function url(path, query) {
    var params = new URLSearchParams();
    Object.keys(query || {}).forEach(function (k) {
      var v = query[k];
      if (v !== undefined && v !== null && v !== "") params.set(k, String(v));
    });
    var qs = params.toString();
    return API + path + (qs ? "?" + qs : "");
  }

  function failure(res) {
    return res.text().then(function (text) {
      var err = null;
      try { err = JSON.parse(text).error; } catch (e) { err = null; }
      var message = err && err.message ? err.message : res.status + " " + res.statusText;
      if (res.status === 401) message = "Your sign-in has ended: sign in on the console home page.";
      throw new Error(message);
    });
  }

  function getJson(path, query) {
    return fetch(url(path, query), { headers: headers(), credentials: "same-origin" })
      .then(function (res) { return res.ok ? res.json() : failure(res); });
  }

  function fileName(res, fallback) {
    var cd = res.headers.get("Content-Disposition") || "";
    var m = /filename="([^"]+)"/.exec(cd);
    return m ? m[1] : fallback;
  }

  // Fetch a label file (GET, or POST with a JSON body) and save it under its own name.
  function download(method, path, query, body) {
    var init = { method: method, headers: headers(), credentials: "same-origin" };
    if (body !== undefined) {
      init.headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    status("Preparing labels...");
    return fetch(url(path, query), init).then(function (res) {
      if (!res.ok) return failure(res);
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
    $("error").textContent = err && err.message ? err.message : String(err);
    $("error").hidden = false;
  }

  function clearError() { $("error").hidden = true; $("error").textContent = ""; }

  function guarded(fn) {
    return function (event) {
      if (event) event.preventDefault();
      clearError();
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
    var key = window.crypto && window.crypto.randomUUID ? window.crypto.randomUUID()
      : String(Date.now()) + Math.random();
    return fetch(url("/labels/sscc"), {
      method: "POST",
      credentials: "same-origin",
      headers: headers({ "Content-Type": "application/json", "Idempotency-Key": key }),
      body: JSON.stringify({ kind: $("sscc-kind").value })
    }).then(function (res) {
      if (!res.ok) return failure(res);
      return res.json().then(function (made) {
        status("Allocated SSCC " + made.code + ".");
        return download("GET", "/labels/containers/" + made.id, singleQuery());
      });
    });
  }

  // ---- start ---------------------------------------------------------------------------

  document.addEventListener("DOMContentLoaded", function () {
    var signedIn = !!session();
    $("signed-out").hidden = signedIn;
    $("workspace").hidden = !signedIn;
    if (!signedIn) return;
    $("location-form").addEventListener("submit", guarded(locationLabel));
    $("item-form").addEventListener("submit", guarded(itemLabel));
    $("container-form").addEventListener("submit", guarded(containerLabel));
    $("sscc-form").addEventListener("submit", guarded(newSscc));
    loadZones().then(showZones).catch(showError);
  });
})();
