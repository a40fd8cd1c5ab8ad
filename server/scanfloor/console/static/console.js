/* Scanfloor console: sign in, find an item, show its stock and movements.
 * Plain browser JavaScript, no build step. Every value from the API is written with
 * textContent, never innerHTML, so item names cannot inject markup.
 *
 * Every console page extends console_base.html, which loads this file first; the page's
 * own script builds on window.ScanfloorConsole: the session (sessionStorage; sign in and
 * out with the same form on every page), `call`, the one HTTP client for the API, and the
 * small rendering helpers. A page's script registers with onSession(fn), called with the
 * session (or null) whenever it starts, changes or ends. */
(function () {
  "use strict";

  var SESSION_KEY = "scanfloor.console.session";
  var API = document.body.getAttribute("data-api-base") || "/api/v1";
  var lotCodes = {};

  function $(id) {
    return document.getElementById(id);
  }

  // ---- session (sessionStorage: the token dies with the tab) ----------------------------

  function loadSession() {
    var raw = window.sessionStorage.getItem(SESSION_KEY);
    if (!raw) return null;
    try {
      var s = JSON.parse(raw);
      if (s.expires_at && Date.parse(s.expires_at) <= Date.now()) {
        window.sessionStorage.removeItem(SESSION_KEY);
        return null;
      }
      return s;
    } catch (e) {
      window.sessionStorage.removeItem(SESSION_KEY);
      return null;
    }
  }

  function saveSession(body) {
    window.sessionStorage.setItem(SESSION_KEY, JSON.stringify({
      token: body.token, expires_at: body.expires_at, user: body.user || {}
    }));
  }

  function clearSession() {
    window.sessionStorage.removeItem(SESSION_KEY);
  }

  // ---- API -----------------------------------------------------------------------------

  function ApiError(status, code, message, details) {
    this.name = "ApiError";
    this.status = status;
    this.code = code;
    this.message = message;
    this.details = details || {};
  }
  ApiError.prototype = Object.create(Error.prototype);

  function newKey() {
    return window.crypto && window.crypto.randomUUID ? window.crypto.randomUUID()
      : "console-" + Date.now() + "-" + Math.random().toString(36).slice(2);
  }

  /* The one HTTP client of every console page: the API base, the bearer token of the
   * session, a query object, a JSON `body` or a FormData `form`, an Idempotency-Key on
   * every write (a fresh one unless `headers` brings its own), one error shape (ApiError).
   * Resolves to the parsed JSON, or with `raw: true` to the Response (files to download). */
  function call(method, path, options) {
    options = options || {};
    var url = API + path;
    if (options.query) {
      var params = new URLSearchParams();
      Object.keys(options.query).forEach(function (k) {
        var v = options.query[k];
        if (v !== undefined && v !== null && v !== "") params.set(k, String(v));
      });
      var qs = params.toString();
      if (qs) url += "?" + qs;
    }
    var headers = { "Accept": "application/json" };
    var session = loadSession();
    if (session && !options.anonymous) headers["Authorization"] = "Bearer " + session.token;
    if (method !== "GET" && !options.anonymous) headers["Idempotency-Key"] = newKey();
    Object.keys(options.headers || {}).forEach(function (k) { headers[k] = options.headers[k]; });
    var init = { method: method, headers: headers, credentials: "same-origin" };
    if (options.form) {
      init.body = options.form;
    } else if (options.body !== undefined) {
      headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(options.body);
    }
    return fetch(url, init).then(function (res) {
      if (res.ok && options.raw) return res;
      return res.text().then(function (text) {
        var data = null;
        if (text) {
          try { data = JSON.parse(text); } catch (e) { data = null; }
        }
        if (!res.ok) {
          var err = data && data.error;
          throw new ApiError(
            res.status,
            err && err.code ? err.code : "http_" + res.status,
            err && err.message ? err.message : res.status + " " + res.statusText,
            err && err.details
          );
        }
        return data;
      });
    }, function (e) {
      throw new ApiError(0, "network", "The server did not answer (" + e.message + ").");
    });
  }

  // ---- messages ------------------------------------------------------------------------

  function showError(err) {
    var message = err && err.message ? err.message : String(err);
    if (err instanceof ApiError && err.status === 401 && loadSession()) {
      clearSession();
      render();
      message = "Your sign-in has ended: " + message;
    }
    var box = $("error");
    box.textContent = message;
    box.hidden = false;
    errorListeners.forEach(function (fn) { fn(err); });
  }

  function clearError() {
    $("error").hidden = true;
    $("error").textContent = "";
    errorListeners.forEach(function (fn) { fn(null); });
  }

  /* A page that shows more of an error (a CSV import's problems) listens here: fn(err) when
   * one is shown, fn(null) when the message is cleared. */
  var errorListeners = [];
  function onError(fn) {
    errorListeners.push(fn);
  }

  function busy(el, on) {
    el.setAttribute("aria-busy", on ? "true" : "false");
    Array.prototype.forEach.call(el.querySelectorAll("button"), function (b) {
      b.disabled = on;
    });
  }

  // ---- rendering helpers ---------------------------------------------------------------

  function cell(row, text, className) {
    var td = document.createElement("td");
    td.textContent = text === null || text === undefined ? "" : String(text);
    if (className) td.className = className;
    row.appendChild(td);
    return td;
  }

  // A listing section is `<prefix>-table`, `<prefix>-empty` and `<prefix>-denied`: show the
  // table or the "nothing here" line for `count` rows, or say the role may not see it.
  function showRows(prefix, count) {
    $(prefix + "-denied").hidden = true;
    $(prefix + "-empty").hidden = count > 0;
    $(prefix + "-table").hidden = count === 0;
  }

  function showDenied(prefix) {
    $(prefix + "-denied").hidden = false;
    $(prefix + "-empty").hidden = true;
    $(prefix + "-table").hidden = true;
  }

  function formatQty(n) {
    return typeof n === "number" ? n.toLocaleString() : "";
  }

  function role(session) {
    return (session && session.user && session.user.role) || "";
  }

  function formatTime(iso) {
    var t = Date.parse(iso);
    return isNaN(t) ? iso || "" : new Date(t).toLocaleString();
  }

  function clearBody(table) {
    var body = table.tBodies[0];
    while (body.firstChild) body.removeChild(body.firstChild);
    return body;
  }

  var listeners = [];

  function onSession(fn) {
    listeners.push(fn);
  }

  function render() {
    var session = loadSession();
    $("signin").hidden = !!session;
    $("workspace").hidden = !session;
    $("whoami").hidden = !session;
    if (session) {
      var user = session.user || {};
      $("whoami-name").textContent = user.display_name || user.username || "";
      $("whoami-role").textContent = user.role || "";
    }
    listeners.forEach(function (fn) { fn(session); });
  }

  // ---- sign in / out -------------------------------------------------------------------

  function onSignIn(event) {
    event.preventDefault();
    clearError();
    var form = $("signin-form");
    busy(form, true);
    call("POST", "/auth/token", {
      anonymous: true,
      body: { username: $("username").value.trim(), password: $("password").value }
    }).then(function (body) {
      saveSession(body);
      $("password").value = "";
      render();
      if ($("q")) $("q").focus();
    }).catch(showError).then(function () { busy(form, false); });
  }

  function onSignOut() {
    clearSession();
    clearError();
    if ($("search-form")) {
      $("results").hidden = true;
      $("item").hidden = true;
      $("q").value = "";
    }
    render();
    $("username").focus();
  }

  // ---- search and item -----------------------------------------------------------------

  function onSearch(event) {
    event.preventDefault();
    clearError();
    var form = $("search-form");
    busy(form, true);
    call("GET", "/items", { query: { q: $("q").value.trim(), limit: 25 } })
      .then(showResults)
      .catch(showError)
      .then(function () { busy(form, false); });
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
    var tbody = clearBody($("results-table"));
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
      cell(tr, item.name + (item.active === false ? " (inactive)" : ""));
      cell(tr, item.tracking === "none" ? "-" : item.tracking +
        (item.expiry_tracked ? " + expiry" : ""));
      cell(tr, firstBarcode(item), "code");
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
    clearError();
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
    clearBody($("balances-table"));
    clearBody($("movements-table"));
    $("on-hand").textContent = "";
    var article = $("item");
    article.hidden = false;
    article.setAttribute("aria-busy", "true");
    Promise.all([
      call("GET", "/balances", { query: { item_id: item.id } }),
      call("GET", "/movements", { query: { item_id: item.id, limit: 50 } })
    ]).then(function (answers) {
      showBalances(item, answers[0] || {});
      showMovements(answers[1] || {});
    }).catch(showError).then(function () {
      article.setAttribute("aria-busy", "false");
    });
    article.scrollIntoView({ behavior: "smooth", block: "start" });
  }

  function showBalances(item, body) {
    var rows = body.balances || [];
    var tbody = clearBody($("balances-table"));
    lotCodes = {};
    var physical = 0;
    rows.forEach(function (b) {
      if (b.lot_id) lotCodes[b.lot_id] = b.lot_code;
      var tr = document.createElement("tr");
      if (b.is_virtual) tr.className = "virtual";
      cell(tr, b.location_code, "code");
      cell(tr, (b.location_type || "").replace(/_/g, " ") + (b.is_virtual ? " (outside world)" : ""));
      cell(tr, b.lot_code || "-");
      cell(tr, b.container_code || "-");
      cell(tr, formatQty(b.quantity), "num");
      tbody.appendChild(tr);
      if (!b.is_virtual) physical += b.quantity;
    });
    var total = (body.totals || []).filter(function (t) { return t.item_id === item.id; })[0];
    $("on-hand").textContent = formatQty(total ? total.on_hand : physical) + " " + item.base_unit;
    $("balances-empty").hidden = rows.length > 0;
  }

  function showMovements(body) {
    var rows = body.movements || [];
    var tbody = clearBody($("movements-table"));
    rows.forEach(function (m) {
      var tr = document.createElement("tr");
      if (m.reverses_movement_id) tr.className = "reversal";
      cell(tr, formatTime(m.occurred_at));
      cell(tr, m.movement_type + (m.reverses_movement_id ? " of #" + m.reverses_movement_id : ""));
      cell(tr, formatQty(m.quantity), "num");
      cell(tr, m.from_location_code, "code");
      cell(tr, m.to_location_code, "code");
      cell(tr, m.lot_code || (m.lot_id ? lotCodes[m.lot_id] || "#" + m.lot_id : "-"));
      cell(tr, m.reason_code || "");
      cell(tr, m.posting_id, "num");
      tbody.appendChild(tr);
    });
    $("movements-empty").hidden = rows.length > 0;
  }

  // ---- start ---------------------------------------------------------------------------

  window.ScanfloorConsole = {
    $: $,
    ApiError: ApiError,
    call: call,
    loadSession: loadSession,
    onSession: onSession,
    role: role,
    showError: showError,
    clearError: clearError,
    onError: onError,
    busy: busy,
    cell: cell,
    clearBody: clearBody,
    showRows: showRows,
    showDenied: showDenied,
    formatQty: formatQty,
    formatTime: formatTime
  };

  document.addEventListener("DOMContentLoaded", function () {
    $("signin-form").addEventListener("submit", onSignIn);
    $("signout").addEventListener("click", onSignOut);
    var landing = $("search-form");  // the item search lives on the landing page only
    if (landing) landing.addEventListener("submit", onSearch);
    render();
    if (!loadSession()) $("username").focus();
    else if (landing) $("q").focus();
  });
})();
