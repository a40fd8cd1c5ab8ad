/* Scanfloor console: what the purchasing pages share (purchase suggestions, purchase-order
 * actions, suppliers, replenishment): reading a list from an API page, roles, rates and
 * money in words, links, facts lists, file downloads with the session's token. Loaded after
 * console.js and before the page's own script; builds window.ScanfloorBuying on
 * window.ScanfloorConsole. Values from the API are written with textContent only. */
(function () {
  "use strict";

  var C = window.ScanfloorConsole;
  var $ = C.$;

  /* The rows of a list answer: the first of `keys` that holds an array, else `items` (the
   * Page shape), else the first array in the body. */
  function rows(body, keys) {
    if (!body) return [];
    if (Array.isArray(body)) return body;
    var names = (keys || []).concat(["items", "rows"]);
    for (var i = 0; i < names.length; i += 1) {
      if (Array.isArray(body[names[i]])) return body[names[i]];
    }
    var found = Object.keys(body).filter(function (k) { return Array.isArray(body[k]); });
    return found.length ? body[found[0]] : [];
  }

  // This rung of the ladder or above (C.allows: finance stands on no rung).
  function atLeast(session, role) {
    return C.allows(session, role);
  }

  function isBlank(v) {
    return v === null || v === undefined || v === "";
  }

  function dash(v) {
    return isBlank(v) ? "\u2013" : String(v);
  }

  // A rate (0-1, number or decimal string) as a percentage with one decimal.
  function pct(rate) {
    if (isBlank(rate)) return "\u2013";
    var n = Number(rate);
    return isNaN(n) ? String(rate) : (Math.round(n * 1000) / 10).toFixed(1) + "%";
  }

  function money(value, currency) {
    if (isBlank(value)) return "\u2013";
    return currency ? value + " " + currency : String(value);
  }

  function days(n) {
    if (isBlank(n)) return "\u2013";
    var v = Number(n);
    return (isNaN(v) ? n : v.toLocaleString()) + (v === 1 ? " day" : " days");
  }

  function words(text) {
    return isBlank(text) ? "" : String(text).replace(/_/g, " ");
  }

  function setText(id, value) {
    $(id).textContent = dash(value);
  }

  function link(href, text, className) {
    var a = document.createElement("a");
    a.href = href;
    a.textContent = text;
    if (className) a.className = className;
    return a;
  }

  // A table cell holding a link.
  function linkCell(tr, href, text, className) {
    var td = document.createElement("td");
    td.appendChild(link(href, text, className));
    tr.appendChild(td);
    return td;
  }

  function button(text, className, onClick) {
    var b = document.createElement("button");
    b.type = "button";
    b.textContent = text;
    b.className = className || "small plain";
    b.addEventListener("click", onClick);
    return b;
  }

  /* A <dl> of [term, value] pairs (values may be nodes), replacing `dl`'s content. */
  function facts(dl, pairs) {
    while (dl.firstChild) dl.removeChild(dl.firstChild);
    pairs.forEach(function (pair) {
      var div = document.createElement("div");
      var dt = document.createElement("dt");
      var dd = document.createElement("dd");
      dt.textContent = pair[0];
      if (pair[1] instanceof Node) dd.appendChild(pair[1]);
      else dd.textContent = dash(pair[1]);
      div.appendChild(dt);
      div.appendChild(dd);
      dl.appendChild(div);
    });
    return dl;
  }

  function itemText(item) {
    return item ? item.sku + (item.name ? " \u2014 " + item.name : "") : "\u2013";
  }

  function person(p) {
    if (!p) return "";
    if (typeof p === "string") return p;
    return p.display_name || p.username || (p.id ? "user " + p.id : "");
  }

  function fileName(res, fallback) {
    var m = /filename="?([^";]+)"?/.exec(res.headers.get("Content-Disposition") || "");
    return m ? m[1] : fallback;
  }

  /* Fetch a file with the session's token (an <a href> could not send it) and offer it as
   * a download under its own name. */
  function download(path, fallback) {
    return C.call("GET", path, { raw: true }).then(function (res) {
      var name = fileName(res, fallback);
      return res.blob().then(function (blob) {
        var a = document.createElement("a");
        a.href = URL.createObjectURL(blob);
        a.download = name;
        a.hidden = true;
        document.body.appendChild(a);
        a.click();
        window.setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 10000);
        return name;
      });
    });
  }

  /* Fill a warehouse <select> (codes) once; `first` names an "any warehouse" choice. */
  function fillWarehouses(select, first) {
    return C.warehouses().then(function (list) {
      C.fillSelect(select, list, function (w) { return w.code; },
        function (w) { return w.code + " \u2014 " + w.name; }, first);
      return list;
    });
  }

  /* The input's trimmed value, or undefined when empty (left out of a request). */
  function valueOf(id) {
    var v = $(id).value.trim();
    return v === "" ? undefined : v;
  }

  function intOf(id) {
    var v = valueOf(id);
    return v === undefined ? undefined : Number(v);
  }

  // A JSON body without its undefined members.
  function compact(body) {
    var out = {};
    Object.keys(body).forEach(function (k) { if (body[k] !== undefined) out[k] = body[k]; });
    return out;
  }

  window.ScanfloorBuying = {
    rows: rows,
    atLeast: atLeast,
    dash: dash,
    pct: pct,
    money: money,
    days: days,
    words: words,
    setText: setText,
    link: link,
    linkCell: linkCell,
    button: button,
    facts: facts,
    itemText: itemText,
    person: person,
    download: download,
    fillWarehouses: fillWarehouses,
    valueOf: valueOf,
    intOf: intOf,
    compact: compact
  };
})();
