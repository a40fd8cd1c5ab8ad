/* Scanfloor console, dashboards (issue 14): the signed-in role's dashboards as tabs (only
 * those GET /api/v1/reports/kpis lists for the role), one card per figure
 * (console_reports_card.js), under one filter bar whose choices, with the tab, are kept
 * in the page's address (a reload, or the way back from a drill-down, opens the same
 * view). The filter bar shows the filters some figure of the tab takes; each card sends
 * only its own.
 *
 * Built on window.ScanfloorConsole, ScanfloorBuying, ScanfloorFinance and
 * ScanfloorReportCard; the two ES modules (console_reports_rules.js, console_chart.js) are
 * imported at the versioned URLs the page names. Values from the API are written with
 * textContent. */
(function () {
  "use strict";

  var C = window.ScanfloorConsole;
  var B = window.ScanfloorBuying;
  var F = window.ScanfloorFinance;
  var K = window.ScanfloorReportCard;
  var $ = C.$;
  var el = K.el;
  var FILTERS = ["from", "to", "warehouse", "channel", "zone", "abc_class", "supplier", "worker"];
  var modules = null;
  var R = null;  // console_reports_rules.js, once imported
  var builtFor = null;  // the token the tabs were built for: another sign-in rebuilds them
  var boards = [];  // [{name, tab, panel, cards, stale}]
  var selectsFilled = null;

  function imports() {
    if (!modules) {
      var ws = $("workspace");
      modules = Promise.all([
        import(ws.getAttribute("data-rules-module")),
        import(ws.getAttribute("data-chart-module"))
      ]).then(function (got) {
        R = got[0];
        K.use(got[0], got[1], filters, ws.getAttribute("data-records-base"));
      });
    }
    return modules;
  }

  function filters() {
    var out = {};
    FILTERS.forEach(function (name) { out[name] = $("f-" + name).value.trim(); });
    return out;
  }

  function activeBoard() {
    return boards.filter(function (b) { return b.tab.getAttribute("aria-selected") === "true"; })[0];
  }

  // The page's address keeps the tab and the filters: a reload, or the drill-down's way
  // back, opens the same view.
  function remember() {
    var board = activeBoard();
    var q = filters();
    if (board) q.tab = board.name;
    window.history.replaceState(null, "", window.location.pathname + F.query(q));
  }

  // ---- tabs ----------------------------------------------------------------------------

  function showFiltersFor(board) {
    var taken = R.filtersTaken(board.cards.map(function (c) { return c.kpi; }));
    Array.prototype.forEach.call(document.querySelectorAll("[data-filter]"), function (div) {
      div.hidden = taken.indexOf(div.getAttribute("data-filter")) < 0;
    });
  }

  function loadBoard(board) {
    board.stale = false;
    return Promise.all(board.cards.map(K.load));
  }

  function select(board, focus) {
    boards.forEach(function (b) {
      var on = b === board;
      b.tab.setAttribute("aria-selected", on ? "true" : "false");
      b.tab.tabIndex = on ? 0 : -1;
      b.panel.hidden = !on;
    });
    if (focus) board.tab.focus();
    showFiltersFor(board);
    remember();
    if (board.stale) loadBoard(board);
  }

  function onTabKey(event) {
    var i = boards.indexOf(activeBoard());
    var next = { ArrowRight: i + 1, ArrowLeft: i - 1, Home: 0, End: boards.length - 1 }[event.key];
    if (next === undefined) return;
    event.preventDefault();
    select(boards[(next + boards.length) % boards.length], true);
  }

  function buildBoard(name, kpiIds, byId) {
    var about = R.DASHBOARD_TITLES[name] || { title: R.titleOf(name), about: "" };
    var board = { name: name, cards: [], stale: true };
    var tab = el("button", "tab", about.title);
    tab.type = "button";
    tab.id = "tab-" + name;
    tab.setAttribute("role", "tab");
    tab.setAttribute("aria-controls", "panel-" + name);
    tab.addEventListener("click", function () { select(board); });
    tab.addEventListener("keydown", onTabKey);
    var panel = el("div", "tab-panel");
    panel.id = "panel-" + name;
    panel.setAttribute("role", "tabpanel");
    panel.setAttribute("aria-labelledby", tab.id);
    panel.appendChild(el("h2", "", about.title + " dashboard"));
    if (about.about) panel.appendChild(el("p", "muted", about.about));
    var grid = el("div", "kpi-cards");
    panel.appendChild(grid);
    board.tab = tab;
    board.panel = panel;
    kpiIds.forEach(function (id) {
      if (!byId[id]) return;
      var card = K.build(board, byId[id]);
      board.cards.push(card);
      grid.appendChild(card.root);
    });
    return board;
  }

  function build(catalogue) {
    var tabs = $("tabs");
    var panels = $("panels");
    while (tabs.firstChild) tabs.removeChild(tabs.firstChild);
    while (panels.firstChild) panels.removeChild(panels.firstChild);
    var byId = {};
    catalogue.kpis.forEach(function (k) { byId[k.id] = k; });
    // A fixed order (the API's object keys come sorted), the names this page does not
    // know after them.
    var names = Object.keys(R.DASHBOARD_TITLES).filter(function (n) { return catalogue.dashboards[n]; })
      .concat(Object.keys(catalogue.dashboards).filter(function (n) { return !R.DASHBOARD_TITLES[n]; }));
    boards = names.map(function (n) { return buildBoard(n, catalogue.dashboards[n], byId); });
    boards.forEach(function (b) {
      tabs.appendChild(b.tab);
      panels.appendChild(b.panel);
    });
    var wanted = boards.filter(function (b) { return b.name === F.param("tab"); })[0];
    if (boards.length) select(wanted || boards[0]);
  }

  // ---- the filter bar ------------------------------------------------------------------

  function fillSelects() {
    if (!selectsFilled) {
      selectsFilled = Promise.all([
        B.fillWarehouses($("f-warehouse"), "Every warehouse"),
        C.call("GET", "/channels").then(function (list) {
          C.fillSelect($("f-channel"), B.rows(list, ["channels"]), function (c) { return c.code; },
            function (c) { return c.code + " \u2014 " + c.name; }, "Every channel");
        })
      ]).catch(C.explain);
    }
    return selectsFilled;
  }

  function startFilters() {
    var range = R.defaultRange(new Date());
    FILTERS.forEach(function (name) { $("f-" + name).value = F.param(name); });
    if (!F.param("from") && !F.param("to")) {
      $("f-from").value = range.from;
      $("f-to").value = range.to;
    }
  }

  function onFilter(event) {
    event.preventDefault();
    C.clearError();
    boards.forEach(function (b) { b.stale = true; });
    remember();
    var board = activeBoard();
    if (board) loadBoard(board);
  }

  function start(session) {
    var token = session.token;
    Promise.all([imports(), C.call("GET", "/reports/kpis")]).then(function (got) {
      if (builtFor !== token) return;
      startFilters();
      $("reports-denied").hidden = true;
      $("reports-main").hidden = false;
      return fillSelects().then(function () {
        // The URL's choices again, now that the selects have their options.
        ["warehouse", "channel"].forEach(function (n) { if (F.param(n)) $("f-" + n).value = F.param(n); });
        build(got[1]);
      });
    }).catch(function (err) {
      if (err && err.status === 403) {
        $("reports-denied").hidden = false;
        $("reports-main").hidden = true;
        return;
      }
      C.explain(err);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    $("reports-filter").addEventListener("submit", onFilter);
  });

  C.onSession(function (session) {
    if (!session) {
      builtFor = null;
      selectsFilled = null;
      $("reports-main").hidden = true;
      $("reports-denied").hidden = true;
      return;
    }
    if (builtFor === session.token) return;
    builtFor = session.token;
    start(session);
  });
})();
