/* Scanfloor console: what every page shares. Plain browser JavaScript, no build step.
 * Every value from the API is written with textContent, never innerHTML, so item names
 * cannot inject markup.
 *
 * Every console page extends console_base.html, which loads this file first; the page's
 * own script (the landing page's item search is console_items.js) builds on
 * window.ScanfloorConsole: the session (sessionStorage; sign in and out with the same form
 * on every page), `call`, the one HTTP client for the API, `explain` for its errors, and
 * the small rendering helpers. A page's script registers with onSession(fn), called with
 * the session (or null) whenever it starts, changes or ends. */
(function () {
  "use strict";

  var SESSION_KEY = "scanfloor.console.session";
  var API = document.body.getAttribute("data-api-base") || "/api/v1";

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

  /* The API's error in words: its message, and for a refused form the fields it names. */
  function explain(err) {
    var fields = err && err.details && err.details.fields;
    // Only the validation shape ({where: {field: [messages]}}); a rule's list of field
    // names (["review_days"]) is already in its message.
    if (fields && typeof fields === "object" && !Array.isArray(fields)) {
      var parts = [];
      Object.keys(fields).forEach(function (where) {
        var byField = fields[where];
        if (Array.isArray(byField)) {
          parts.push(where + ": " + byField.join(" "));
          return;
        }
        Object.keys(byField || {}).forEach(function (name) {
          var says = byField[name];
          parts.push(name.replace(/_/g, " ") + ": " +
            (Array.isArray(says) ? says.join(" ") : JSON.stringify(says)));
        });
      });
      if (parts.length) err.message = err.message + " (" + parts.join("; ") + ")";
    }
    showError(err);
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

  /* Roles as the API's @requires(lowest, also=...) has them: the ladder, lowest first (each
   * rung may do what the ones below it may), and roles beside it that a page names one by
   * one (finance is on no rung: docs/decisions/0026). True when the session's role is
   * `lowest` or above, or one of `also`. */
  var LADDER = ["worker", "supervisor", "manager", "admin"];

  function allows(session, lowest, also) {
    if (!session) return false;
    var mine = role(session);
    var rung = LADDER.indexOf(mine);
    if (rung >= 0 && rung >= LADDER.indexOf(lowest)) return true;
    return (also || []).indexOf(mine) >= 0;
  }

  function formatTime(iso) {
    var t = Date.parse(iso);
    return isNaN(t) ? iso || "" : new Date(t).toLocaleString();
  }

  function formatAge(minutes) {
    if (minutes === null || minutes === undefined) return "";
    if (minutes < 60) return minutes + " min";
    var hours = Math.floor(minutes / 60);
    if (hours < 24) return hours + " h " + (minutes % 60) + " min";
    return Math.floor(hours / 24) + " d " + (hours % 24) + " h";
  }

  // A money amount from the API (a decimal string), or a dash where there is none.
  function formatMoney(text) {
    return text === null || text === undefined || text === "" ? "\u2013" : String(text);
  }

  function plural(n, one, many) {
    return formatQty(n) + " " + (n === 1 ? one : many);
  }

  /* Replace a <select>'s options with one per row (keeping the choice when it is still
   * there), after an optional first option `first` with the empty value. */
  function fillSelect(select, rows, value, text, first) {
    var chosen = select.value;
    while (select.firstChild) select.removeChild(select.firstChild);
    if (first) {
      var none = document.createElement("option");
      none.value = "";
      none.textContent = first;
      select.appendChild(none);
    }
    rows.forEach(function (row) {
      var option = document.createElement("option");
      option.value = String(value(row));
      option.textContent = text(row);
      select.appendChild(option);
    });
    if (chosen) select.value = chosen;
  }

  // The warehouses the signed-in user may choose from (the pages' warehouse filter).
  function warehouses() {
    return call("GET", "/locations", { query: { level: "warehouse", limit: 200 } })
      .then(function (body) { return (body && body.locations) || []; });
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
    // Nav entries for a role and above (data-min-role), and the roles beside the ladder
    // named in data-also-roles: the API refuses the rest anyway.
    Array.prototype.forEach.call(document.querySelectorAll("[data-min-role]"), function (el) {
      var also = (el.getAttribute("data-also-roles") || "").split(" ");
      el.hidden = !allows(session, el.getAttribute("data-min-role"), also);
    });
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

  // ---- start ---------------------------------------------------------------------------

  window.ScanfloorConsole = {
    $: $,
    ApiError: ApiError,
    call: call,
    loadSession: loadSession,
    onSession: onSession,
    role: role,
    allows: allows,
    showError: showError,
    clearError: clearError,
    explain: explain,
    onError: onError,
    busy: busy,
    cell: cell,
    clearBody: clearBody,
    showRows: showRows,
    showDenied: showDenied,
    formatQty: formatQty,
    formatTime: formatTime,
    formatAge: formatAge,
    formatMoney: formatMoney,
    plural: plural,
    fillSelect: fillSelect,
    warehouses: warehouses
  };

  document.addEventListener("DOMContentLoaded", function () {
    $("signin-form").addEventListener("submit", onSignIn);
    $("signout").addEventListener("click", onSignOut);
    var landing = $("search-form");  // the item search (console_items.js): landing page only
    render();
    if (!loadSession()) $("username").focus();
    else if (landing) $("q").focus();
  });
})();
