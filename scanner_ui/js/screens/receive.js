// Receive against a purchase order, one instruction at a time:
//   pick or scan the PO -> scan an item -> (lot) -> (expiry) -> confirm the quantity ->
//   scan the dock (or an LPN on it) -> sent, or saved on the device to send later.
// The PO's scan context (lines, every barcode, docks) is cached, so scans are checked here
// first (right item? lot? over the order?) and keep working through a dead spot.
// The flow machinery (steps, scans, outbox, feedback) is js/task-flow.js.

import { describe, get } from "../api.js";
import { cacheGet, cachePut, cacheUpdate, fresh, keys } from "../task-cache.js";
import { taskFlow } from "../task-flow.js";
import { dockForScan, lineForScan, overReceipt } from "./receive-rules.js";
import { receiveViews } from "./receive-views.js";

const today = () => new Date().toISOString().slice(0, 10);
const NEW_LINE = {
  line: null,
  scan: null,
  lot: null,
  expiry: null,
  damaged: 0,
  damageReason: null,
  showDamage: false,
  approval: null,
};

export default {
  id: "receive",
  title: "Receive",
  minRole: "worker",
  mount(ctx, params) {
    const flow = taskFlow(ctx, {
      first: "po", // po | item | lot | expiry | qty | dock | approve-badge | approve-pin
      state: {
        pos: null,
        ctxData: null,
        stale: false,
        ...NEW_LINE,
        quantity: 0,
        packQty: 1,
        approvalBadge: null,
        lastDock: null,
      },
    });
    const { s, say, paint, go } = flow;
    const po = () => s.ctxData.po;
    const findLine = (scan) => lineForScan(s.ctxData.lines, scan);
    const findDock = (scan) => dockForScan(s.ctxData, scan);
    const overLimit = () => overReceipt(s.line, s.quantity, po().over_receipt_tolerance_pct);
    const saveContext = () => cachePut(keys.poContext(po().id), s.ctxData);

    // --- loading -------------------------------------------------------------------------

    async function loadPos() {
      const r = await flow.load(
        keys.openPos,
        async () =>
          (await get("/purchase-orders?state=sent,open,partially_received&limit=100"))
            .purchase_orders,
      );
      s.pos = r.value;
      s.posStale = r.stale;
      if (s.step === "po") flow.remember("receive");
      paint();
    }

    async function openPo(id) {
      try {
        const r = await fresh(keys.poContext(id), () => get(`/purchase-orders/${id}/scan-context`));
        s.ctxData = r.value;
        s.stale = r.stale;
        flow.remember(`receive?po=${id}`);
        toItem(
          r.stale
            ? {
                kind: "warn",
                text: "Offline: checking scans against this device's copy of the PO.",
              }
            : { kind: null },
        );
      } catch (err) {
        flow.refuse(
          "Cannot open PO",
          describe(err),
          err.retryable
            ? "This PO is not saved on the device and there is no network."
            : describe(err),
        );
      }
    }

    // --- steps ---------------------------------------------------------------------------

    function toItem(msg) {
      Object.assign(s, NEW_LINE, { step: "item" });
      if (msg) say(msg.kind, msg.text);
      paint();
    }

    function afterItem() {
      if (s.line.tracking === "lot" && !s.lot) s.step = "lot";
      else if (s.line.expiry_tracked && !s.expiry) s.step = "expiry";
      else s.step = "qty";
      paint();
    }

    const scanPo = flow.expect({
      match: (scan) => {
        const text = scan.text.trim().toUpperCase();
        return (s.pos || []).find((p) => p.number.toUpperCase() === text);
      },
      accept(found) {
        ctx.feedback.success("PO found", found.number);
        openPo(found.id);
      },
      refuse: (scan) => ({
        title: "Not an open PO",
        text: `${scan.text} is not an open purchase order.`,
      }),
    });

    const scanItem = flow.expect({
      match: findLine,
      others: [
        {
          match: findDock,
          title: "Scan an item first",
          text: "That is the dock. Scan the item's barcode.",
        },
      ],
      ask: true,
      accept(found, scan, raw) {
        Object.assign(s, {
          line: found.line,
          scan: { raw, parsed: scan },
          packQty: found.barcode.quantity || 1,
          lot: scan.lot,
          expiry: scan.expiry,
        });
        s.quantity = s.packQty * (scan.count || 1);
        say(null);
        ctx.feedback.success("On this PO", `${found.line.sku} ${found.line.name}`);
        afterItem();
      },
      refuse(scan, r) {
        const number = po().number;
        let why = `${scan.text} is not on ${number}.`; // offline: the cached PO already said no
        if (r?.kind === "item") why = `${r.item.sku} ${r.item.name} is not on ${number}.`;
        else if (r?.kind === "unknown") why = `Unknown barcode ${scan.text}.`;
        else if (r) why = `That is a ${r.kind}, not an item on ${number}.`;
        return { title: "Not on this PO", text: why };
      },
    });

    function scanQty(scan) {
      const dock = findDock(scan);
      if (dock) return submit(dock);
      const again = findLine(scan);
      if (again && again.line.id === s.line.id) {
        s.quantity += (again.barcode.quantity || 1) * (scan.count || 1);
        ctx.feedback.info("Counted", `${s.quantity} ${s.line.sku}`);
        paint();
        return;
      }
      ctx.feedback.error("Finish this line first", "Confirm the quantity, then scan the dock.");
    }

    const scanDock = flow.expect({
      match: findDock,
      accept: (dock) => submit(dock),
      refuse(scan) {
        const docks = (s.ctxData.dock_locations || []).map((d) => d.code).join(", ");
        return {
          title: "Not a dock",
          text: `Scan the dock location (${docks}) or an LPN on it.`,
          shown: `${scan.text} is not a dock here. Scan ${docks}.`,
        };
      },
    });

    function confirmQuantity() {
      if (overLimit() && !s.approval) {
        ctx.feedback.warn("Over the order", "A supervisor must approve: scan their badge.");
        go("approve-badge", "warn", "More than ordered. Supervisor: scan your badge to approve.");
        return;
      }
      go("dock");
    }

    async function submit(dock) {
      // (A second confirmation while one is being saved is answered by flow.confirm.)
      if (overLimit() && !s.approval) {
        s.pendingDock = dock;
        confirmQuantity();
        return;
      }
      s.lastDock = dock;
      const line = s.line;
      const what = `${s.quantity} × ${line.sku} ${line.name}`;
      const quantity = s.quantity;
      await flow.confirm(
        {
          kind: "receive",
          path: `/purchase-orders/${po().id}/receive`,
          body: {
            barcode: s.scan.raw,
            quantity,
            ...(s.lot ? { lot_code: s.lot } : {}),
            ...(s.expiry ? { expiry: s.expiry } : {}),
            ...(dock.to_location
              ? { to_location: dock.to_location }
              : { to_container: dock.to_container }),
            ...(s.damaged
              ? { damaged_quantity: s.damaged, damage_reason: s.damageReason || "other" }
              : {}),
            ...(s.approval ? { approval: s.approval } : {}),
          },
          what,
          where: `${dock.label} (${po().number})`,
          route: `receive?po=${po().id}`,
        },
        {
          sent(data) {
            const totals = data.po_line || {};
            if (totals.received != null) line.received = totals.received;
            saveContext();
            const warnings = (data.warnings || []).map((w) => w.message).join("; ");
            ctx.feedback.success("Received", `${what} on ${dock.label}`);
            toItem({
              kind: warnings ? "warn" : "ok",
              text: `Received ${what} on ${dock.label}.${warnings ? ` ${warnings}` : ""}`,
            });
          },
          queued() {
            if (line.received != null) line.received += quantity;
            saveContext();
            toItem({
              kind: "info",
              text: `Saved on device: ${what} on ${dock.label}. It sends by itself.`,
            });
          },
          refused(err, code) {
            if (code === "over_receipt") {
              s.pendingDock = dock;
              s.approval = null;
              s.step = "approve-badge";
              say("error", `${describe(err)} Supervisor: scan your badge to approve.`);
            } else if (code === "approval_refused") {
              s.approval = null;
              s.step = "approve-badge";
            } else if (code === "lot_required") s.step = "lot";
            else if (code === "expiry_required") s.step = "expiry";
            // A dock of another warehouse than the PO's: scan one of the PO's docks.
            else if (code === "wrong_location" || code === "wrong_warehouse") s.step = "dock";
            else if (code === "po_not_receivable") {
              cacheUpdate(keys.openPos, (list) => list.filter((p) => p.id !== po().id));
              s.step = "po";
              loadPos();
            } else s.step = "item";
          },
        },
      );
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
      const past = value < today();
      say(
        past ? "warn" : null,
        past ? `Expiry ${value} is in the past: received with a warning.` : "",
      );
      if (past) ctx.feedback.warn("Expired", `Expiry ${value} is in the past.`);
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

    const views = receiveViews(ctx, flow, {
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

    flow.steps({
      po: { view: views.po, scan: scanPo },
      item: { view: views.item, scan: scanItem },
      lot: {
        view: views.lot,
        scan(scan) {
          setLot(scan.lot || scan.text);
          ctx.feedback.info("Lot", s.lot);
        },
      },
      expiry: { view: views.expiry },
      qty: { view: views.qty, scan: scanQty },
      dock: { view: views.dock, scan: scanDock },
      "approve-badge": {
        view: views["approve-badge"],
        scan(scan) {
          s.approvalBadge = scan.text.trim();
          ctx.feedback.info("Badge read", s.approvalBadge);
          go("approve-pin");
        },
      },
      "approve-pin": { view: views["approve-pin"] },
    });

    return flow.start(() => {
      if (params.po) {
        s.ctxData = cacheGet(keys.poContext(params.po));
        openPo(params.po);
      } else loadPos();
    });
  },
};
