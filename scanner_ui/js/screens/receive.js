// Receive against a purchase order, one instruction at a time:
//   pick or scan the PO -> scan an item -> (lot) -> (expiry) -> confirm the quantity ->
//   scan the dock (or an LPN on it) -> sent, or saved on the device to send later.
// The PO's scan context (lines, every barcode, docks) is cached, so scans are checked here
// first (right item? lot? over the order?) and keep working through a dead spot.

import { ApiError, describe, get, post } from "../api.js";
import { confirmScan } from "../confirm.js";
import { h, render } from "../dom.js";
import { parseScan } from "../gs1.js";
import { cacheGet, cachePut, cacheUpdate, fresh, keys } from "../task-cache.js";
import { dockForScan, lineForScan, overReceipt } from "./receive-rules.js";
import { receiveViews } from "./receive-views.js";

function today() {
  return new Date().toISOString().slice(0, 10);
}

export default {
  id: "receive",
  title: "Receive",
  minRole: "worker",
  mount(ctx, params) {
    const el = h("section", { class: "screen-body" });
    const s = {
      step: "po", // po | item | lot | expiry | qty | dock | approve-badge | approve-pin
      pos: null,
      ctxData: null,
      stale: false,
      line: null,
      scan: null,
      quantity: 0,
      packQty: 1,
      lot: null,
      expiry: null,
      damaged: 0,
      damageReason: null,
      showDamage: false,
      approval: null,
      approvalBadge: null,
      lastDock: null,
      busy: false,
      msg: null,
    };
    const settings = () => ctx.settings();
    const parse = (raw) => parseScan(raw, { standIns: [settings().gsStandIn] });
    const say = (kind, text) => {
      s.msg = kind ? { kind, text } : null;
    };

    // --- loading -------------------------------------------------------------------------

    async function loadPos() {
      try {
        const r = await fresh(
          keys.openPos,
          async () =>
            (await get("/purchase-orders?state=open,partially_received&limit=100")).purchase_orders,
        );
        s.pos = r.value;
        s.posStale = r.stale;
      } catch (err) {
        s.pos = [];
        say("error", describe(err));
      }
      paint();
    }

    async function openPo(id) {
      try {
        const r = await fresh(keys.poContext(id), () => get(`/purchase-orders/${id}/scan-context`));
        s.ctxData = r.value;
        s.stale = r.stale;
        say(
          r.stale ? "warn" : null,
          r.stale ? "Offline: checking scans against this device's copy of the PO." : "",
        );
        toItem();
      } catch (err) {
        ctx.feedback.error("Cannot open PO", describe(err));
        say(
          "error",
          err.retryable
            ? "This PO is not saved on the device and there is no network."
            : describe(err),
        );
        paint();
      }
    }

    function saveContext() {
      cachePut(keys.poContext(s.ctxData.po.id), s.ctxData);
    }

    // --- steps ---------------------------------------------------------------------------

    function toItem(msg) {
      Object.assign(s, {
        step: "item",
        line: null,
        scan: null,
        lot: null,
        expiry: null,
        damaged: 0,
        damageReason: null,
        showDamage: false,
        approval: null,
      });
      if (msg) say(msg.kind, msg.text);
      paint();
    }

    function afterItem() {
      const line = s.line;
      if (line.tracking === "lot" && !s.lot) s.step = "lot";
      else if (line.expiry_tracked && !s.expiry) s.step = "expiry";
      else s.step = "qty";
      paint();
    }

    const findLine = (scan) => lineForScan(s.ctxData.lines, scan);
    const findDock = (scan) => dockForScan(s.ctxData, scan);
    const overLimit = () =>
      overReceipt(s.line, s.quantity, s.ctxData.po.over_receipt_tolerance_pct);

    async function onItemScan(raw) {
      const scan = parse(raw);
      const found = findLine(scan);
      if (!found) {
        if (findDock(scan)) {
          ctx.feedback.warn("Scan an item first", "That is the dock. Scan the item's barcode.");
          return;
        }
        let why = `${scan.text} is not on ${s.ctxData.po.number}.`;
        try {
          const r = await post("/barcodes/resolve", { code: raw }, { timeoutMs: 2500 });
          if (r.kind === "item")
            why = `${r.item.sku} ${r.item.name} is not on ${s.ctxData.po.number}.`;
          else if (r.kind === "unknown") why = `Unknown barcode ${scan.text}.`;
          else why = `That is a ${r.kind}, not an item on ${s.ctxData.po.number}.`;
        } catch {
          // Offline: the cached PO already said no.
        }
        ctx.feedback.error("Not on this PO", why);
        say("error", why);
        paint();
        return;
      }
      s.line = found.line;
      s.scan = { raw, parsed: scan };
      s.packQty = found.barcode.quantity || 1;
      s.quantity = s.packQty * (scan.count || 1);
      s.lot = scan.lot;
      s.expiry = scan.expiry;
      say(null);
      ctx.feedback.success("On this PO", `${found.line.sku} ${found.line.name}`);
      afterItem();
    }

    function onQtyScan(raw) {
      const scan = parse(raw);
      const dock = findDock(scan);
      if (dock) {
        submit(dock);
        return;
      }
      const again = findLine(scan);
      if (again && again.line.id === s.line.id) {
        s.quantity += (again.barcode.quantity || 1) * (scan.count || 1);
        ctx.feedback.info("Counted", `${s.quantity} ${s.line.sku}`);
        paint();
        return;
      }
      ctx.feedback.error("Finish this line first", "Confirm the quantity, then scan the dock.");
    }

    function onDockScan(raw) {
      const scan = parse(raw);
      const dock = findDock(scan);
      if (!dock) {
        const docks = (s.ctxData.dock_locations || []).map((d) => d.code).join(", ");
        ctx.feedback.error("Not a dock", `Scan the dock location (${docks}) or an LPN on it.`);
        say("error", `${scan.text} is not a dock here. Scan ${docks}.`);
        paint();
        return;
      }
      submit(dock);
    }

    function confirmQuantity() {
      if (overLimit() && !s.approval) {
        ctx.feedback.warn("Over the order", "A supervisor must approve: scan their badge.");
        s.step = "approve-badge";
        say("warn", "More than ordered. Supervisor: scan your badge to approve.");
        paint();
        return;
      }
      s.step = "dock";
      say(null);
      paint();
    }

    async function submit(dock) {
      if (s.busy) return;
      if (overLimit() && !s.approval) {
        s.pendingDock = dock;
        confirmQuantity();
        return;
      }
      s.busy = true;
      s.lastDock = dock;
      const line = s.line;
      const body = {
        barcode: s.scan.raw,
        quantity: s.quantity,
        ...(s.lot ? { lot_code: s.lot } : {}),
        ...(s.expiry ? { expiry: s.expiry } : {}),
        ...(dock.to_location
          ? { to_location: dock.to_location }
          : { to_container: dock.to_container }),
        ...(s.damaged
          ? { damaged_quantity: s.damaged, damage_reason: s.damageReason || "other" }
          : {}),
        ...(s.approval ? { approval: s.approval } : {}),
      };
      const what = `${s.quantity} × ${line.sku} ${line.name}`;
      const outcome = await confirmScan(ctx, {
        kind: "receive",
        path: `/purchase-orders/${s.ctxData.po.id}/receive`,
        body,
        what,
        where: `${dock.label} (${s.ctxData.po.number})`,
        route: `receive?po=${s.ctxData.po.id}`,
      });
      s.busy = false;
      if (outcome.sent) {
        const totals = outcome.data.po_line || {};
        if (totals.received != null) line.received = totals.received;
        saveContext();
        const warnings = (outcome.data.warnings || []).map((w) => w.message).join("; ");
        ctx.feedback.success("Received", `${what} on ${dock.label}`);
        toItem({
          kind: warnings ? "warn" : "ok",
          text: `Received ${what} on ${dock.label}.${warnings ? ` ${warnings}` : ""}`,
        });
      } else if (outcome.queued) {
        if (line.received != null) line.received += s.quantity;
        saveContext();
        toItem({
          kind: "info",
          text: `Saved on device: ${what} on ${dock.label}. It sends by itself.`,
        });
      } else {
        refused(outcome.error, dock);
      }
    }

    function refused(err, dock) {
      const code = err instanceof ApiError ? err.code : "error";
      ctx.feedback.error("Refused", describe(err));
      say("error", describe(err));
      if (code === "over_receipt") {
        s.pendingDock = dock;
        s.approval = null;
        s.step = "approve-badge";
        say("error", `${describe(err)} Supervisor: scan your badge to approve.`);
      } else if (code === "approval_refused") {
        s.approval = null;
        s.step = "approve-badge";
      } else if (code === "lot_required") {
        s.step = "lot";
      } else if (code === "expiry_required") {
        s.step = "expiry";
      } else if (code === "wrong_location") {
        s.step = "dock";
      } else if (code === "po_not_receivable") {
        cacheUpdate(keys.openPos, (list) => list.filter((p) => p.id !== s.ctxData.po.id));
        s.step = "po";
        loadPos();
      } else {
        s.step = "item";
      }
      paint();
    }

    function setLot(value) {
      const lot = String(value || "").trim();
      if (!lot) return;
      s.lot = lot;
      say(null);
      afterItem();
    }

    function setExpiry(value) {
      if (!value) return;
      s.expiry = value;
      say(
        value < today() ? "warn" : null,
        value < today() ? `Expiry ${value} is in the past: received with a warning.` : "",
      );
      if (value < today()) ctx.feedback.warn("Expired", `Expiry ${value} is in the past.`);
      afterItem();
    }

    function approve(pin) {
      if (!pin) return;
      s.approval = { badge: s.approvalBadge, pin: String(pin) };
      say("info", `Approval by ${s.approvalBadge} added.`);
      if (s.pendingDock) {
        const dock = s.pendingDock;
        s.pendingDock = null;
        submit(dock);
      } else {
        s.step = "dock";
        paint();
      }
    }

    const { views } = receiveViews(ctx, s, {
      el,
      paint,
      say,
      overLimit,
      openPo,
      loadPos,
      setLot,
      setExpiry,
      toItem,
      confirmQuantity,
      submit,
      approve,
    });

    function paint() {
      const view = views[s.step] || views.po;
      render(el, view());
      // Only the PIN takes the focus: the lot field stays free so a scanned lot reaches onScan.
      const field = el.querySelector("input[name=pin]");
      if (field) field.focus();
      else ctx.refocus();
    }

    // --- scans ---------------------------------------------------------------------------

    function onScan(raw) {
      if (s.busy) return;
      const scan = parse(raw);
      switch (s.step) {
        case "po": {
          const text = scan.text.trim().toUpperCase();
          const po = (s.pos || []).find((p) => p.number.toUpperCase() === text);
          if (po) {
            ctx.feedback.success("PO found", po.number);
            openPo(po.id);
          } else {
            ctx.feedback.error("Not an open PO", `${scan.text} is not an open purchase order.`);
          }
          return;
        }
        case "item":
          onItemScan(raw);
          return;
        case "lot":
          setLot(scan.lot || scan.text);
          ctx.feedback.info("Lot", s.lot);
          return;
        case "qty":
          onQtyScan(raw);
          return;
        case "dock":
          onDockScan(raw);
          return;
        case "approve-badge":
          s.approvalBadge = scan.text.trim();
          ctx.feedback.info("Badge read", s.approvalBadge);
          s.step = "approve-pin";
          say(null);
          paint();
          return;
        default:
          ctx.feedback.warn("Finish this step first", "");
      }
    }

    if (params.po) {
      s.ctxData = cacheGet(keys.poContext(params.po));
      paint();
      openPo(params.po);
    } else {
      paint();
      loadPos();
    }
    return { el, onScan };
  },
};
