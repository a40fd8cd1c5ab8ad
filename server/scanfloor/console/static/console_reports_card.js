/* Scanfloor console, dashboards: one card per figure (console_reports.js lays them out
 * in tabs). A card shows the figure's headline, a chart where one reads better than a
 * table (console_chart.js draws it), the report's table, whose rows link to the records
 * behind them (the drill-down page), the definition behind a "?" toggle, the CSV link and
 * the report's notes; a figure whose data is not recorded yet says so and is never asked
 * for. What it shows is chosen by console_reports_rules.js from the report's shape, so a
 * new figure needs no code here.
 *
 * Loaded after console.js, console_buying.js and console_finance.js; builds
 * window.ScanfloorReportCard, which the page hands the two imported modules and its
 * filters (use). Values from the API are written with textContent. */
(function () {
  "use strict";

  var C = window.ScanfloorConsole;
  var B = window.ScanfloorBuying;
  var F = window.ScanfloorFinance;
  var R = null;  // console_reports_rules.js
  var chart = null;  // console_chart.js
  var filters = null;  // () -> the filter bar's values
  var recordsBase = "";  // the dashboards' URL: a figure's records are under it

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  // ---- the definition ------------------------------------------------------------------

  /* A docstring as the reader sees it: its paragraphs rewrapped to the screen, its "- "
   * lines a list, and a block with indented lines (a formula laid out in columns) kept
   * line for line. */
  function definition(host, text) {
    String(text || "").split(/\n\s*\n/).forEach(function (block) {
      var lines = block.split("\n");
      var listed = /^- /.test(lines[0]) && lines.every(function (l) { return /^(- |\s{2,}\S)/.test(l); });
      if (listed) {
        var list = el("ul");
        lines.forEach(function (l) {
          if (/^- /.test(l)) list.appendChild(el("li", "", l.slice(2)));
          else list.lastChild.textContent += " " + l.trim();
        });
        host.appendChild(list);
      } else if (lines.some(function (l) { return /^\s{4,}\S/.test(l); })) {
        host.appendChild(el("p", "formula", block));
      } else {
        host.appendChild(el("p", "", lines.map(function (l) { return l.trim(); }).join(" ")));
      }
    });
  }

  function helpToggle(card) {
    var button = el("button", "small plain help-toggle");
    button.type = "button";
    button.setAttribute("aria-expanded", "false");
    button.setAttribute("aria-controls", card.id + "-help");
    button.appendChild(el("span", "", "?"));
    button.appendChild(el("span", "visually-hidden", " What " + card.kpi.title + " means"));
    button.addEventListener("click", function () {
      var open = button.getAttribute("aria-expanded") !== "true";
      button.setAttribute("aria-expanded", open ? "true" : "false");
      card.help.hidden = !open;
    });
    return button;
  }

  // ---- a card --------------------------------------------------------------------------

  function breakdownSelect(card) {
    var wrap = el("div");
    var label = el("label", "", "Break down by");
    label.htmlFor = card.id + "-by";
    var select = el("select");
    select.id = card.id + "-by";
    C.fillSelect(select, card.kpi.breakdowns, function (b) { return b; }, R.titleOf, "Nothing: all together");
    select.value = card.by;
    select.addEventListener("change", function () {
      card.by = select.value;
      loadCard(card);
    });
    wrap.appendChild(label);
    wrap.appendChild(select);
    return wrap;
  }

  function buildCard(board, kpi) {
    var card = { kpi: kpi, board: board, id: "kpi-" + board.name + "-" + kpi.id, by: R.defaultBy(kpi) };
    var root = el("article", "card kpi-card");
    root.id = card.id;
    root.setAttribute("data-kpi", kpi.id);
    root.setAttribute("aria-labelledby", card.id + "-title");
    var head = el("div", "kpi-head");
    var title = el("h3", "", kpi.title);
    title.id = card.id + "-title";
    head.appendChild(title);
    card.help = el("div", "kpi-help");
    card.help.id = card.id + "-help";
    card.help.hidden = true;
    definition(card.help, kpi.definition);
    head.appendChild(helpToggle(card));
    root.appendChild(head);
    root.appendChild(card.help);
    root.appendChild(el("p", "hint", "Unit: " + kpi.unit + ". Filters it takes: " +
      (kpi.filters.length ? kpi.filters.map(function (f) { return f.replace(/_/g, " "); }).join(", ") : "none") + "."));
    card.status = el("p", "result kpi-status");
    card.status.setAttribute("role", "status");
    root.appendChild(card.status);
    card.body = el("div", "kpi-body");
    card.figures = el("dl", "figures");
    card.body.appendChild(card.figures);
    var controls = el("div", "toolbar kpi-controls");
    if (kpi.breakdowns.length) controls.appendChild(breakdownSelect(card));
    card.csv = el("a", "csv", "Download " + kpi.title + " as CSV");
    card.csv.setAttribute("data-api-path", "/reports/kpis/" + kpi.id + "/csv");
    controls.appendChild(card.csv);
    card.body.appendChild(controls);
    card.chart = el("div", "chart-host");
    card.body.appendChild(card.chart);
    var wrap = el("div", "table-wrap");
    wrap.tabIndex = 0;
    wrap.setAttribute("role", "region");
    wrap.setAttribute("aria-label", kpi.title + ": the report");
    card.table = el("table", "kpi-table");
    wrap.appendChild(card.table);
    card.body.appendChild(wrap);
    card.notes = el("ul", "kpi-notes");
    card.body.appendChild(card.notes);
    root.appendChild(card.body);
    card.root = root;
    return card;
  }

  function drillLink(card, report, query, row, text, named) {
    var q = R.drillQuery(card.kpi, report, query, row);
    q.tab = card.board.name;
    var a = B.link(recordsBase + "/" + encodeURIComponent(card.kpi.id) + "/records" + F.query(q), text);
    a.setAttribute("aria-label", named);
    return a;
  }

  function headCell(tr, text, numeric) {
    var th = el("th", numeric ? "num" : "", text);
    th.scope = "col";
    tr.appendChild(th);
  }

  function renderTable(card, report, query) {
    var table = card.table;
    while (table.firstChild) table.removeChild(table.firstChild);
    var period = R.periodColumn(report.columns);
    var firstIsPeriod = !report.by && period;
    // The first column names the row (its group, or its period when there is no
    // breakdown): a column that repeats it is left out.
    var columns = report.columns.filter(function (c) {
      return c.name !== report.by && !(firstIsPeriod && c.name === period);
    });
    var periodTitle = firstIsPeriod ? report.columns.filter(function (c) { return c.name === period; })[0].title : "";
    var head = table.createTHead().insertRow();
    headCell(head, report.by ? R.titleOf(report.by) : periodTitle || "Records");
    columns.forEach(function (c) { headCell(head, c.title, c.type === "integer" || c.type === "decimal"); });
    var body = table.createTBody();
    report.rows.forEach(function (row) {
      var tr = body.insertRow();
      var text = report.by ? (row.label === null ? "(none)" : row.label)
        : firstIsPeriod ? String(row.cells[period]) : row.label || "All records";
      // Broken down along a period, a group has a row per period: the name says which.
      var when = report.by && period ? ", " + row.cells[period] : "";
      var named = text === "All records" ? "All records behind " + card.kpi.title
        : text + when + ": the records behind " + card.kpi.title;
      var first = el("th");
      first.scope = "row";
      first.appendChild(drillLink(card, report, query, row, text, named));
      tr.appendChild(first);
      columns.forEach(function (c) {
        C.cell(tr, R.formatCell(row.cells[c.name], c), c.type === "integer" || c.type === "decimal" ? "num" : "");
      });
    });
    if (report.total) {
      var tr = table.createTFoot().insertRow();
      var th = el("th");
      th.scope = "row";
      th.appendChild(drillLink(card, report, query, null, "Total",
        "Total: all the records behind " + card.kpi.title));
      tr.appendChild(th);
      columns.forEach(function (c) {
        C.cell(tr, R.formatCell(report.total.cells[c.name], c), c.type === "integer" || c.type === "decimal" ? "num" : "");
      });
    }
    table.hidden = !report.rows.length && !report.total;
  }

  function renderReport(card, report, query) {
    B.facts(card.figures, R.headline(card.kpi, report).map(function (h) { return [h.term, h.value]; }));
    F.csvLink(card.csv, query);
    var plan = R.chartPlan(card.kpi, report);
    while (card.chart.firstChild) card.chart.removeChild(card.chart.firstChild);
    card.chart.hidden = !plan;
    if (plan) chart[plan.kind === "line" ? "lineChart" : "barChart"](card.chart, plan.spec);
    renderTable(card, report, query);
    while (card.notes.firstChild) card.notes.removeChild(card.notes.firstChild);
    report.notes.forEach(function (n) { card.notes.appendChild(el("li", "", n)); });
    var empty = !report.rows.length && !report.total;
    card.status.textContent = empty ? "No figure under these filters." : "As of " + report.as_of + ".";
  }

  function failCard(card, err) {
    card.body.hidden = true;
    if (err && err.status === 404 && err.details && err.details.code === "kpi_not_available") {
      card.status.textContent = "Not recorded yet: what this figure counts is not recorded.";
    } else if (err && err.status === 403) {
      card.status.textContent = "Your role does not see this figure.";
    } else {
      card.status.textContent = "Could not load this figure: " + (err && err.message ? err.message : String(err));
    }
  }

  function loadCard(card) {
    if (!card.kpi.available) {
      card.body.hidden = true;
      card.status.textContent = "Not recorded yet: what this figure counts is not recorded.";
      return Promise.resolve();
    }
    var query = R.queryFor(card.kpi, filters(), card.by);
    card.root.setAttribute("aria-busy", "true");
    card.status.textContent = "Loading\u2026";
    return C.call("GET", "/reports/kpis/" + encodeURIComponent(card.kpi.id), { query: query })
      .then(function (report) {
        card.body.hidden = false;
        renderReport(card, report, query);
      })
      .catch(function (err) {
        if (err && err.status === 401) return C.showError(err);
        failCard(card, err);
      })
      .then(function () {
        card.root.setAttribute("aria-busy", "false");
        card.root.setAttribute("data-loaded", "true");
      });
  }

  window.ScanfloorReportCard = {
    use: function (rules, charts, filtersOf, base) {
      R = rules;
      chart = charts;
      filters = filtersOf;
      recordsBase = base;
    },
    build: buildCard,
    load: loadCard,
    el: el
  };
})();
