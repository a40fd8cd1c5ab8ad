/* Scanfloor console, channel settlements: the imported settlements (channel, source,
 * reference, deposit date, total, lines, unmapped lines, the journal entry), importing one
 * (a multipart upload of the channel's file through C.call's FormData `form`), one
 * settlement's lines (?settlement=id, or the one just imported) with the orders they name,
 * and the exception queues, one table each (channel, order, age in days, amount, detail),
 * all filtered by channel (?channel=CODE). Built on window.ScanfloorConsole, ScanfloorBuying
 * and ScanfloorFinance; values from the API are written with textContent. */
(function () {
  "use strict";

  var C = window.ScanfloorConsole;
  var B = window.ScanfloorBuying;
  var F = window.ScanfloorFinance;
  var $ = C.$;
  var API = "/finance/settlements";
  var started = false;
  var cursor = null;

  function base(name) {
    return $("workspace").getAttribute("data-" + name + "-base");
  }

  function channel() {
    return $("settlement-channel").value || undefined;
  }

  function entryLink(entryId, day) {
    if (!entryId) return document.createTextNode("\u2013");
    var month = String(day).slice(0, 7);
    return B.link(base("journal") + F.query({ period: month }),
      "Entry " + entryId + " (journal of " + month + ")");
  }

  function orderCell(tr, orderId, reference) {
    if (!orderId) return C.cell(tr, B.dash(reference), "code");
    return B.linkCell(tr, base("order") + "/" + orderId, reference || "Order " + orderId, "code");
  }

  function settlementRow(s) {
    var tr = document.createElement("tr");
    tr.setAttribute("data-settlement", String(s.id));
    C.cell(tr, s.channel, "code");
    C.cell(tr, B.words(s.source));
    B.linkCell(tr, base("page") + F.query({ settlement: s.id }), s.reference, "code");
    C.cell(tr, s.deposit_date);
    C.cell(tr, s.total + " " + s.currency, "num");
    C.cell(tr, s.line_count, "num");
    C.cell(tr, s.unmapped_count, "num");
    C.cell(tr, "").appendChild(entryLink(s.entry_id, s.deposit_date));
    return tr;
  }

  function loadList(more) {
    var query = { limit: 50, channel: channel() };
    if (more) query.cursor = cursor;
    return C.call("GET", API, { query: query }).then(function (page) {
      var tbody = more ? $("list-table").tBodies[0] : C.clearBody($("list-table"));
      B.rows(page, ["settlements"]).forEach(function (s) { tbody.appendChild(settlementRow(s)); });
      cursor = page.next_cursor || null;
      $("list-more").hidden = !cursor;
      C.showRows("list", tbody.rows.length);
    }).catch(F.failed("list"));
  }

  function lineRow(ln) {
    var tr = document.createElement("tr");
    C.cell(tr, ln.line_no, "num");
    C.cell(tr, B.words(ln.kind));
    C.cell(tr, B.dash(ln.order_reference), "code");
    if (ln.order_id) {
      B.linkCell(tr, base("order") + "/" + ln.order_id, "Order " + ln.order_id);
    } else {
      C.cell(tr, ln.kind === "payout" || !ln.order_reference ? "\u2013" : "Not mapped");
    }
    C.cell(tr, B.dash(ln.posted_date));
    C.cell(tr, ln.amount, "num");
    C.cell(tr, ln.fee, "num");
    C.cell(tr, B.dash(ln.description));
    return tr;
  }

  function showDetail(s) {
    $("detail").hidden = false;
    $("detail-title").textContent = s.channel + " settlement " + s.reference;
    B.facts($("detail-figures"), [
      ["Source", B.words(s.source)],
      ["Deposit date", s.deposit_date],
      ["Period", (s.period_start || "\u2013") + " to " + (s.period_end || "\u2013")],
      ["Total", s.total + " " + s.currency],
      ["Lines", String(s.line_count)],
      ["Unmapped lines", String(s.unmapped_count)],
      ["Imported", C.formatTime(s.imported_at) +
        (s.imported_by ? " by user " + s.imported_by : "")]
    ]);
    var dl = $("detail-figures");
    var wrap = document.createElement("div");
    var dt = document.createElement("dt");
    dt.textContent = "Journal entry";
    var dd = document.createElement("dd");
    dd.appendChild(entryLink(s.entry_id, s.deposit_date));
    wrap.appendChild(dt);
    wrap.appendChild(dd);
    dl.appendChild(wrap);
    var tbody = C.clearBody($("detail-table"));
    (s.lines || []).forEach(function (ln) { tbody.appendChild(lineRow(ln)); });
    C.showRows("detail", tbody.rows.length);
  }

  function loadDetail(id) {
    return C.call("GET", API + "/" + encodeURIComponent(id)).then(showDetail)
      .catch(function (err) {
        $("detail").hidden = false;
        F.failed("detail")(err);
      });
  }

  function detailText(e) {
    var parts = ["since " + e.since];
    if (e.settlement_id) parts.push("settlement " + e.settlement_id);
    var d = e.detail || {};
    if (d.settled !== undefined) parts.push("settled " + d.settled + ", invoiced " + d.invoiced);
    if (d.kind) parts.push(B.words(d.kind));
    if (d.description) parts.push(d.description);
    return parts.join(" \u00b7 ");
  }

  function exceptionRow(e) {
    var tr = document.createElement("tr");
    C.cell(tr, e.channel, "code");
    orderCell(tr, e.order_id, e.order_reference);
    C.cell(tr, e.age_days, "num");
    C.cell(tr, e.amount, "num");
    C.cell(tr, detailText(e));
    return tr;
  }

  function queueNames() {
    return Array.prototype.map.call(document.querySelectorAll("section.queue"), function (el) {
      return el.getAttribute("data-queue");
    });
  }

  function loadQueues() {
    var names = queueNames();
    return C.call("GET", "/finance/settlement-exceptions", { query: { channel: channel() } })
      .then(function (body) {
        var by = {};
        names.forEach(function (q) { by[q] = C.clearBody($("q-" + q + "-table")); });
        ((body && body.exceptions) || []).forEach(function (e) {
          if (by[e.queue]) by[e.queue].appendChild(exceptionRow(e));
        });
        names.forEach(function (q) {
          var n = by[q].rows.length;
          $("q-" + q + "-count").textContent = "(" + n + ")";
          C.showRows("q-" + q, n);
        });
      }).catch(function (err) {
        names.forEach(function (q) { F.failed("q-" + q)(err); });
      });
  }

  function fillChannels() {
    return C.call("GET", "/channels").then(function (rows) {
      (rows || []).forEach(function (ch) {
        [$("settlement-channel"), $("upload-channel")].forEach(function (select) {
          var option = document.createElement("option");
          option.value = ch.code;
          option.textContent = ch.code + " \u2014 " + ch.name;
          select.appendChild(option);
        });
      });
    });
  }

  function upload(event) {
    event.preventDefault();
    C.clearError();
    var form = $("upload-form");
    var file = $("upload-file").files[0];
    if (!file) {
      $("upload-result").textContent = "Choose the settlement file first.";
      return;
    }
    var data = new FormData();
    data.append("channel", $("upload-channel").value);
    data.append("source", $("upload-source").value);
    data.append("file", file, file.name);
    C.busy(form, true);
    C.call("POST", API, { form: data }).then(function (s) {
      $("upload-result").textContent = "Imported " + s.channel + " settlement " + s.reference +
        ": " + s.line_count + " lines, total " + s.total + " " + s.currency +
        (s.unmapped_count ? ", " + s.unmapped_count + " naming no known order." : ".");
      $("upload-file").value = "";
      showDetail(s);
      return Promise.all([loadList(false), loadQueues()]);
    }).catch(function (err) {
      $("upload-result").textContent = "The settlement was not imported.";
      C.explain(err);
    }).then(function () { C.busy(form, false); });
  }

  function refresh(event) {
    if (event) event.preventDefault();
    C.clearError();
    return Promise.all([loadList(false), loadQueues()]);
  }

  C.onSession(function (session) {
    if (!session || !F.allowed(session) || started) return;
    started = true;
    $("settlement-filter").addEventListener("submit", refresh);
    $("upload-form").addEventListener("submit", upload);
    $("list-more").addEventListener("click", function () { loadList(true); });
    fillChannels().catch(C.explain).then(function () {
      var wanted = F.param("channel").toUpperCase();
      if (wanted) {
        $("settlement-channel").value = wanted;
        $("upload-channel").value = wanted;
      }
      if (F.param("settlement")) loadDetail(F.param("settlement"));
      refresh(null);
    });
  });
})();
