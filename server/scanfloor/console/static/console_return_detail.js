/* Scanfloor console, one return: its lines, the inspections with disposition and credit,
 * its photos; cancel while nothing has arrived. Built on window.ScanfloorConsole
 * (console.js, loaded first). Values from the API are written with textContent, never
 * innerHTML.
 *
 * Photos are served only to signed-in users (GET /returns/photos/<id>). The console's
 * session is its bearer token (sessionStorage), which an <img src> cannot send, so each
 * photo is fetched with the token and shown from a blob: URL (the CSP's img-src allows
 * blob:); the URLs are revoked when the page redraws. */
(function () {
  "use strict";

  var C = window.ScanfloorConsole;
  var $ = C.$;
  var explain = C.explain;
  var workspace = $("workspace");
  var DISPOSITIONS = {
    sellable: "Sellable (restocked)", damaged: "Damaged (quarantine)",
    refurbish: "Refurbish", rtv: "Return to vendor", scrap: "Scrap"
  };
  var FLAGS = { not_on_order: "not on the order", over_return: "more than sent" };

  var RMA_ID = Number(workspace.getAttribute("data-rma-id") || 0);
  var blobs = [];

  function dropBlobs() {
    blobs.forEach(function (u) { URL.revokeObjectURL(u); });
    blobs = [];
  }

  /* A photo as an <img>, fetched with the session's token (never an anonymous URL). */
  function photoImage(photoId, alt) {
    var img = document.createElement("img");
    img.alt = alt;
    img.className = "thumb";
    img.setAttribute("data-photo", String(photoId));
    C.call("GET", "/returns/photos/" + photoId, { raw: true }).then(function (res) {
      return res.blob();
    }).then(function (blob) {
      var url = URL.createObjectURL(blob);
      blobs.push(url);
      img.src = url;
      img.setAttribute("data-loaded", "true");
    }).catch(function (err) {
      img.setAttribute("data-loaded", "false");
      img.alt = alt + " (not shown: " + err.message + ")";
    });
    return img;
  }

  function photoLink(photoId, alt) {
    // The thumbnail opens the full-size image (the same blob) in a new tab.
    var a = document.createElement("a");
    a.href = "#photo-" + photoId;
    a.className = "thumb-link";
    var img = photoImage(photoId, alt);
    a.appendChild(img);
    a.addEventListener("click", function (event) {
      event.preventDefault();
      if (img.src) window.open(img.src, "_blank", "noopener");
    });
    return a;
  }

  function showRma(rma) {
    dropBlobs();
    document.title = rma.number + " \u00b7 Scanfloor console";
    $("rma-title").textContent = "Return " + rma.number;
    $("rma-status").textContent = rma.status;
    $("rma-age").textContent = rma.age_minutes === null || rma.age_minutes === undefined
      ? (rma.status === "authorised" ? "not arrived" : "\u2013") : C.formatAge(rma.age_minutes);
    $("rma-credit").textContent = C.formatMoney(rma.credit_due);
    $("rma-channel-code").textContent = rma.channel ? rma.channel.code : "\u2013";
    $("rma-order-ref").textContent = rma.order ? rma.order.external_id || "#" + rma.order.id : "\u2013";
    $("rma-warehouse").textContent = rma.warehouse ? rma.warehouse.code : "\u2013";
    $("rma-customer").textContent = [rma.customer_name, rma.customer_email].filter(Boolean)
      .join(" \u00b7 ") || "\u2013";
    $("rma-source").textContent = (rma.source || "").replace(/_/g, " ");
    var times = ["Authorised " + C.formatTime(rma.created_at)];
    if (rma.arrived_at) times.push("arrived " + C.formatTime(rma.arrived_at));
    if (rma.receipt_closed_at) times.push("receipt closed " + C.formatTime(rma.receipt_closed_at));
    if (rma.completed_at) times.push("completed " + C.formatTime(rma.completed_at));
    $("rma-times").textContent = times.join(" \u00b7 ");
    $("rma-why").textContent = [rma.reason ? "Reason: " + rma.reason : "",
      rma.note ? "Note: " + rma.note : ""].filter(Boolean).join(" \u00b7 ");
    $("rma-cancel").hidden = rma.status !== "authorised";

    var skus = {};
    var tbody = C.clearBody($("lines-table"));
    (rma.lines || []).forEach(function (l) {
      skus[l.id] = l.item ? l.item.sku : "";
      var tr = document.createElement("tr");
      if (l.flag) tr.className = "flagged";
      C.cell(tr, l.line_no, "num");
      C.cell(tr, l.item ? l.item.sku : "", "code");
      C.cell(tr, l.item ? l.item.name : "");
      C.cell(tr, l.lot ? l.lot.code : "\u2013");
      C.cell(tr, C.formatQty(l.expected_qty), "num");
      C.cell(tr, C.formatQty(l.received_qty), "num");
      C.cell(tr, C.formatQty(l.inspected_qty), "num");
      C.cell(tr, C.formatQty(l.awaiting_inspection), "num");
      var flag = C.cell(tr, "");
      if (l.flag) {
        var badge = document.createElement("span");
        badge.className = "flag";
        badge.textContent = FLAGS[l.flag] || l.flag.replace(/_/g, " ");
        flag.appendChild(badge);
      }
      C.cell(tr, l.reason || "");
      C.cell(tr, C.formatMoney(l.unit_price), "num");
      tbody.appendChild(tr);
    });

    var inspections = rma.inspections || [];
    var ibody = C.clearBody($("inspections-table"));
    inspections.forEach(function (i) {
      var tr = document.createElement("tr");
      C.cell(tr, C.formatTime(i.inspected_at));
      C.cell(tr, i.inspected_by ? i.inspected_by.username : "");
      C.cell(tr, skus[i.return_line_id] || "#" + i.return_line_id, "code");
      C.cell(tr, C.formatQty(i.quantity), "num");
      C.cell(tr, DISPOSITIONS[i.disposition] || i.disposition);
      C.cell(tr, i.to_location ? i.to_location.code : "", "code");
      C.cell(tr, i.reason_code || "", "code");
      C.cell(tr, i.credit);
      C.cell(tr, C.formatMoney(i.restocking_fee), "num");
      C.cell(tr, C.formatMoney(i.credit_amount), "num");
      C.cell(tr, i.supplier ? i.supplier.code : "\u2013");
      var photo = C.cell(tr, "");
      if (i.photo_id) photo.appendChild(photoLink(i.photo_id, "Photo of " + (skus[i.return_line_id] || "the item")));
      C.cell(tr, i.note || "");
      ibody.appendChild(tr);
    });
    $("inspections-empty").hidden = inspections.length > 0;
    $("inspections-table").hidden = inspections.length === 0;

    var photos = rma.photos || [];
    var list = $("photos");
    while (list.firstChild) list.removeChild(list.firstChild);
    photos.forEach(function (p) {
      var li = document.createElement("li");
      var what = p.return_line_id && skus[p.return_line_id] ? skus[p.return_line_id] : "the return";
      li.appendChild(photoLink(p.id, "Photo " + p.id + " of " + what));
      var caption = document.createElement("p");
      caption.className = "muted";
      caption.textContent = what + " \u00b7 " + C.formatTime(p.created_at) + " \u00b7 " +
        (p.byte_size < 1024 ? p.byte_size + " bytes" : Math.round(p.byte_size / 1024) + " KB");
      li.appendChild(caption);
      list.appendChild(li);
    });
    $("photos-empty").hidden = photos.length > 0;
  }

  function loadRma() {
    if (!C.loadSession()) return Promise.resolve();
    workspace.setAttribute("aria-busy", "true");
    return C.call("GET", "/returns/" + RMA_ID).then(showRma).catch(explain).then(function () {
      workspace.setAttribute("aria-busy", "false");
    });
  }

  function onCancel() {
    C.clearError();
    var button = $("rma-cancel");
    C.busy(button.parentNode, true);
    C.call("POST", "/returns/" + RMA_ID + "/cancel", { body: {} }).then(function (rma) {
      $("rma-action-result").textContent = "Return " + rma.number + " cancelled.";
      showRma(rma);
    }).catch(explain).then(function () { C.busy(button.parentNode, false); });
  }

  // ---- start ---------------------------------------------------------------------------

  function onSession(session) {
    dropBlobs();
    if (session) loadRma();
  }

  $("rma-cancel").addEventListener("click", onCancel);
  C.onSession(onSession);
})();
