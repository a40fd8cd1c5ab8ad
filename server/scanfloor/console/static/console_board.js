/* Scanfloor console, live board. Built on window.ScanfloorConsole (console.js, loaded
 * first): the same session and API client as every page. The board is read whole with
 * GET /board, then kept live by `board.update` events on the /live socket (the vendored
 * Socket.IO client, window.io), which carry the sections a change touched, and by
 * `ledger.posted` (one per posting, at once: the live feed of latest postings). On every
 * (re)connect the page joins the warehouse's room and reads the board whole again, so a
 * restarted server or a dropped connection loses nothing. Values are written with
 * textContent, never innerHTML. */
(function () {
  "use strict";

  var C = window.ScanfloorConsole;
  var $ = C.$;
  var QUEUES = ["to_receive", "to_put_away", "waves", "to_pick", "to_pack", "to_ship", "exceptions",
                "to_inspect", "count_approvals", "replenishment", "low_stock"];
  var LATE_MINUTES = { to_receive: 24 * 60, to_put_away: 120, waves: 240, to_pick: 120,
                       to_pack: 60, to_ship: 240, exceptions: 30, to_inspect: 24 * 60,
                       count_approvals: 240, replenishment: 60, low_stock: 24 * 60 };
  var FEED_SIZE = 20;
  var socket = null;
  var warehouseId = null;
  var board = null;
  var loading = null;
  var ticker = null;

  function formatAge(minutes) {
    if (minutes === null || minutes === undefined) return "";
    if (minutes < 60) return minutes + " min";
    var hours = Math.floor(minutes / 60);
    if (hours < 24) return hours + " h " + (minutes % 60) + " min";
    return Math.floor(hours / 24) + " d " + (hours % 24) + " h";
  }

  function ageOf(queue) {
    // Ages tick on between updates: from the oldest item's time, not the server's minutes.
    if (!queue.oldest_since) return null;
    var t = Date.parse(queue.oldest_since);
    return isNaN(t) ? queue.oldest_age_minutes : Math.max(0, Math.floor((Date.now() - t) / 60000));
  }

  var SUB = {
    to_receive: function (q) { return C.formatQty(q.units) + " units on " + q.detail.purchase_orders + " POs"; },
    to_put_away: function (q) { return C.formatQty(q.units) + " units on the docks"; },
    waves: function (q) { return q.detail.picking + " picking \u00b7 " + C.formatQty(q.units) + " units left"; },
    to_pick: function (q) {
      return q.detail.tasks_open + " tasks open \u00b7 " + q.detail.tasks_claimed + " claimed";
    },
    to_pack: function (q) { return q.detail.totes + " totes \u00b7 " + q.detail.open_cartons + " cartons open"; },
    to_ship: function (q) {
      return q.detail.open_shipments + " shipments open \u00b7 " + q.detail.on_open_shipments + " cartons on them";
    },
    exceptions: function (q) { return q.detail.floor + " floor \u00b7 " + q.detail.count_tasks + " counts"; },
    to_inspect: function (q) {
      return C.formatQty(q.units) + (q.units === 1 ? " unit" : " units") + " awaiting inspection";
    },
    count_approvals: function (q) {
      return q.detail.needs_manager + " need a manager \u00b7 " + q.detail.open + " open \u00b7 " +
        q.detail.recount + " recount";
    },
    replenishment: function (q) {
      return q.detail.open + " open \u00b7 " + q.detail.claimed + " claimed \u00b7 " +
        C.formatQty(q.units) + " units to move";
    },
    low_stock: function (q) {
      return q.detail.pick_faces + " pick faces below min \u00b7 " + q.detail.items + " items low";
    }
  };

  function showTile(name) {
    var q = board.queues[name];
    if (!q) return;
    $("count-" + name).textContent = C.formatQty(q.count);
    $("sub-" + name).textContent = SUB[name](q);
    var age = ageOf(q);
    $("age-" + name).textContent = age === null ? "nothing waiting" : "oldest " + formatAge(age);
    $("tile-" + name).setAttribute("data-late", age !== null && age >= LATE_MINUTES[name] ? "true" : "false");
  }

  function progress(done, total, label) {
    var bar = document.createElement("progress");
    bar.max = Math.max(total, 1);
    bar.value = done;
    bar.setAttribute("aria-label", label);
    return bar;
  }

  function showWaves() {
    var tbody = C.clearBody($("waves-table"));
    (board.waves || []).forEach(function (w) {
      var tr = document.createElement("tr");
      C.cell(tr, "#" + w.id + " \u00b7 " + w.status, "code");
      C.cell(tr, w.mode);
      C.cell(tr, C.formatTime(w.released_at));
      C.cell(tr, C.formatQty(w.orders), "num");
      var td = C.cell(tr, "");
      td.appendChild(progress(w.lines_done, w.lines_total, "Wave " + w.id + " lines picked"));
      td.appendChild(document.createTextNode(w.lines_done + " / " + w.lines_total));
      C.cell(tr, C.formatQty(w.units_picked) + " / " + C.formatQty(w.units_total), "num");
      tbody.appendChild(tr);
    });
    $("waves-empty").hidden = (board.waves || []).length > 0;
  }

  function showExceptions() {
    var e = board.exceptions;
    var tbody = C.clearBody($("exceptions-table"));
    e.items.forEach(function (x) {
      var tr = document.createElement("tr");
      C.cell(tr, C.formatTime(x.at));
      var what = x.kind.replace(/_/g, " ");
      if (x.details && x.details.expected !== undefined) {
        what += " (expected " + x.details.expected + ", found " + x.details.found + ")";
      }
      C.cell(tr, what);
      C.cell(tr, (x.who ? x.who.display_name : "") + (x.device_id ? " \u00b7 " + x.device_id : ""));
      C.cell(tr, x.location_code || "", "code");
      C.cell(tr, x.sku || "", "code");
      C.cell(tr, x.order_external_id || "");
      tbody.appendChild(tr);
    });
    var counts = Object.keys(e.count_tasks_by_reason).map(function (r) {
      return e.count_tasks_by_reason[r] + " " + r.replace(/_/g, " ");
    });
    $("exceptions-summary").textContent = e.open + " open on the floor \u00b7 " + e.count_tasks +
      " count tasks" + (counts.length ? " (" + counts.join(", ") + ")" : "");
    $("exceptions-empty").hidden = e.items.length > 0;
  }

  function showWorkers() {
    var tbody = C.clearBody($("workers-table"));
    board.workers.forEach(function (w) {
      var tr = document.createElement("tr");
      C.cell(tr, w.who ? w.who.display_name : "(system)");
      C.cell(tr, C.formatQty(w.lines_per_hour), "num");
      C.cell(tr, C.formatQty(w.units_per_hour), "num");
      C.cell(tr, C.formatTime(w.last_at));
      tbody.appendChild(tr);
    });
    $("workers-empty").hidden = board.workers.length > 0;
  }

  function showFeed(previous) {
    var list = $("feed");
    while (list.firstChild) list.removeChild(list.firstChild);
    board.feed.forEach(function (p) {
      var li = document.createElement("li");
      if (previous && p.posting_id > previous) li.className = "fresh";
      // What each line did, not the posting's total: a short pick reads "pick 1 -> PACK-01,
      // short-pick write-off 84 -> INV-ADJ", never as 85 picked (ADR 0016).
      [["kind", p.movement_type], ["when", new Date(Date.parse(p.at)).toLocaleTimeString()],
       ["what", p.sku + (p.lines > 1 ? " (" + p.lines + " lines)" : "")],
       ["summary", p.summary], ["where", "from " + p.from_code], ["who", p.who || ""]].forEach(function (part) {
        var span = document.createElement("span");
        span.className = part[0];
        span.textContent = part[1];
        li.appendChild(span);
      });
      list.appendChild(li);
    });
    $("feed-empty").hidden = board.feed.length > 0;
  }

  function paint(sections, previousPosting) {
    sections.forEach(function (name) {
      if (QUEUES.indexOf(name) >= 0) showTile(name);
    });
    if (sections.indexOf("waves") >= 0) showWaves();
    if (sections.indexOf("exceptions") >= 0) showExceptions();
    if (sections.indexOf("workers") >= 0) showWorkers();
    if (sections.indexOf("feed") >= 0) showFeed(previousPosting);
    $("board-at").textContent = "Board as of " + C.formatTime(board.at);
  }

  function newestPosting() {
    return board && board.feed && board.feed.length ? board.feed[0].posting_id : null;
  }

  function showWarehouses(list) {
    var select = $("board-warehouse");
    while (select.firstChild) select.removeChild(select.firstChild);
    list.forEach(function (w) {
      var option = document.createElement("option");
      option.value = String(w.id);
      option.textContent = w.code + " \u2014 " + w.name;
      select.appendChild(option);
    });
    select.value = String(warehouseId);
    select.disabled = list.length < 2;
  }

  function load() {
    if (!C.loadSession()) return Promise.resolve();
    var query = warehouseId ? { warehouse: warehouseId } : {};
    loading = C.call("GET", "/board", { query: query }).then(function (body) {
      C.clearError();
      board = body;
      warehouseId = body.warehouse.id;
      showWarehouses(body.warehouses);
      paint(body.sections, null);
    }).catch(C.showError).then(function () { loading = null; });
    return loading;
  }

  function setState(state, text) {
    var el = $("live-state");
    el.setAttribute("data-state", state);
    el.textContent = text;
  }

  function join() {
    socket.emit("join", { warehouse: warehouseId }, function (ack) {
      if (ack && ack.joined) {
        setState("live", "Live");
        load();  // the whole board after each (re)join: nothing missed while away
      } else {
        setState("off", "Not live: " + (ack && ack.error ? ack.error.message : "refused"));
      }
    });
  }

  function onUpdate(data) {
    if (!board || data.warehouse_id !== warehouseId) return;
    var previous = newestPosting();
    Object.keys(data.queues).forEach(function (k) { board.queues[k] = data.queues[k]; });
    ["waves", "exceptions", "workers"].forEach(function (k) {
      if (data[k] !== undefined && data[k] !== null) board[k] = data[k];
    });
    if (data.feed) {
      // Postings heard live (ledger.posted) after this update was computed stay on top.
      var top = data.feed.length ? data.feed[0].posting_id : 0;
      var live = (board.feed || []).filter(function (p) { return p.posting_id > top; });
      board.feed = live.concat(data.feed).slice(0, FEED_SIZE);
    }
    board.at = data.at;
    paint(data.sections, previous);
  }

  function onPosted(data) {
    // The live feed: each posting as it commits (the tiles follow with board.update).
    if (!board || !board.feed || data.warehouse_id !== warehouseId || !data.entry) return;
    var previous = newestPosting();
    if (previous !== null && data.posting_id <= previous) return;
    var entry = { posting_id: data.posting_id, movement_type: data.movement_type };
    Object.keys(data.entry).forEach(function (k) { entry[k] = data.entry[k]; });
    board.feed = [entry].concat(board.feed).slice(0, FEED_SIZE);
    showFeed(previous);
  }

  function connect(session) {
    if (typeof window.io !== "function") {
      setState("off", "Live updates unavailable");
      return;
    }
    socket = window.io("/live", { auth: { token: session.token }, transports: ["websocket", "polling"] });
    socket.on("connect", function () {
      if (warehouseId) join();
      else if (loading) loading.then(join);
      else load().then(join);
    });
    socket.on("disconnect", function () { setState("waiting", "Reconnecting\u2026"); });
    socket.on("connect_error", function () { setState("waiting", "Reconnecting\u2026"); });
    socket.on("board.update", onUpdate);
    socket.on("ledger.posted", onPosted);
  }

  function onSession(session) {
    if (socket) socket.disconnect();
    socket = null;
    if (ticker !== null) window.clearInterval(ticker);
    ticker = null;
    board = null;
    warehouseId = null;
    if (!session) {
      setState("off", "Not connected");
      return;
    }
    load().then(function () { connect(session); });
    ticker = window.setInterval(function () {
      if (board) QUEUES.forEach(showTile);
    }, 30000);
  }

  $("board-filter").addEventListener("submit", function (event) { event.preventDefault(); });
  $("board-warehouse").addEventListener("change", function () {
    var chosen = parseInt($("board-warehouse").value, 10);
    if (!chosen || chosen === warehouseId) return;
    if (socket && socket.connected) socket.emit("leave", { warehouse: warehouseId });
    warehouseId = chosen;
    if (socket && socket.connected) join();
    else load();
  });
  C.onSession(onSession);
})();
