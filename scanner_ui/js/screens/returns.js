// Return receipt, one instruction at a time:
//   scan the RMA label or the order (or find the customer by name) -> an order with no return
//   announced offers "Unannounced return" -> scan each item into the returns area (every scan
//   is sent at once: Customer -> Returns) -> "Done receiving".
// An item not on the order, or more than the return expects, is flagged, never taken
// silently: red, the error sound, why, and one big "Accept as flagged" that sends it again
// knowingly. The RMA is saved on the device, so receiving goes on through a dead spot: the
// device checks each scan against it first (an over-return is flagged here), the outbox
// sends the scans in order later, and a scan the server refuses then lands in Exceptions.
// Finding a return or an order, and the unannounced return, need the network (the device
// keeps the returns it has opened, and finds those by their RMA number offline).

import { describe, get } from "../api.js";
import { taskFlow } from "../task-flow.js";
import { chooseWarehouse, chosenWarehouse, postNow, showWarehouses } from "./floor.js";
import { findReturn, findScanned, openReturn, rmaUrl, saveRma } from "./returns-lookup.js";
import {
  applyReceipt,
  checkReceiveScan,
  closesByItself,
  flagText,
  parseRmaNumber,
  receiptClosed,
  searchText,
  unitsOfScan,
} from "./returns-rules.js";
import { returnsViews } from "./returns-views.js";

export default {
  id: "returns",
  title: "Returns",
  minRole: "worker",
  mount(ctx, params) {
    const flow = taskFlow(ctx, {
      // start | search | order | items | flagged | closed
      first: "start",
      state: { warehouses: null, rma: null, order: null, orders: null, flagged: null },
      hold: ["Accept it or not", "Tap Accept as flagged, or Do not accept."],
    });
    const { s, say, paint, go } = flow;
    const save = () => saveRma(s.rma);
    const warehouse = () => chosenWarehouse(s.warehouses);

    // --- finding the return ----------------------------------------------------------------

    function needWarehouse() {
      if (warehouse() || (s.warehouses || []).length === 0) return false;
      flow.caution("Choose a warehouse", "Tap the warehouse you work in, then scan.");
      return true;
    }

    async function findScan(scan) {
      if (needWarehouse()) return;
      const id = parseRmaNumber(scan.text);
      if (s.rma && id === s.rma.id) {
        ctx.feedback.info("Same return", s.rma.number);
        return;
      }
      const r = await findScanned(flow, scan.text, warehouse());
      if (!r) return;
      if (r.rma) {
        ctx.feedback.success("Return found", `${r.rma.number} · order ${r.rma.order?.external_id}`);
        showRma(r.rma, r.stale);
      } else if (r.order) {
        ctx.feedback.warn("No return announced", `Order ${r.order.external_id}`);
        showOrder(r.order);
      } else flow.refuse("Nothing found", `No return and no order for ${scan.text}.`);
    }

    async function search(q) {
      const text = searchText(q);
      if (!text) {
        ctx.feedback.warn("Type more", "Type at least 3 letters of the name or e-mail.");
        go(s.step, "warn", "Type at least 3 letters of the customer's name or e-mail.");
        return;
      }
      if (navigator.onLine === false) {
        flow.refuse("No network", "Finding a customer needs the network.");
        return;
      }
      const w = warehouse();
      const query = new URLSearchParams({ q: text, ...(w ? { warehouse: w.code } : {}) });
      try {
        s.orders = (await get(`/returns/orders?${query}`)).orders;
      } catch (err) {
        flow.refuse("Search failed", describe(err));
        return;
      }
      s.q = text;
      if (!s.orders.length) {
        ctx.feedback.warn("No orders", `No order for "${text}".`);
        go("start", "warn", `No order found for "${text}". Try the order number on the parcel.`);
        return;
      }
      ctx.feedback.info("Orders found", `${s.orders.length} for "${text}"`);
      go("search");
    }

    /* An order from the search: its open return if it has one, else the order itself. */
    async function openOrder(order) {
      try {
        const r = await findReturn(order.external_id, warehouse());
        if (r.rma && r.rma.order?.id === order.id) {
          ctx.feedback.success("Return found", r.rma.number);
          showRma(r.rma, r.stale);
          return;
        }
      } catch {
        // The order as the search found it is enough to offer an unannounced return.
      }
      showOrder(order);
    }

    function showOrder(order) {
      s.order = order;
      go("order", "warn", `No return was announced for order ${order.external_id}.`);
    }

    async function unannounced() {
      const w = warehouse();
      if (navigator.onLine === false) {
        flow.refuse("No network", "An unannounced return needs the network.");
        return;
      }
      try {
        const rma = await postNow("/returns/unannounced", {
          order_id: s.order.id,
          ...(w ? { warehouse: w.code } : {}),
          device_id: ctx.deviceId,
        });
        ctx.feedback.success("Return opened", `${rma.number} for order ${s.order.external_id}`);
        showRma(saveRma(rma));
      } catch (err) {
        flow.refuse("Not opened", describe(err));
      }
    }

    function showRma(rma, stale = false) {
      s.rma = rma;
      s.stale = stale;
      s.flagged = null;
      save();
      flow.remember(`returns?rma=${rma.id}`);
      if (receiptClosed(rma)) go("closed", "info", `${rma.number}: the receipt is closed.`);
      else if (stale) go("items", "warn", "Offline: checking scans against this device's copy.");
      else go("items");
    }

    // A flagged scan waits for the worker's answer: the server's copy does not replace it.
    const resume = (id) => openReturn(ctx, flow, id, showRma, () => s.step !== "flagged");

    // --- receiving -------------------------------------------------------------------------

    async function itemScan(scan, raw) {
      const other = parseRmaNumber(scan.text);
      if (other) {
        if (other === s.rma.id) ctx.feedback.info("Same return", `${s.rma.number}: scan an item.`);
        else
          flow.caution(
            "Another return",
            `Finish ${s.rma.number} first, or tap Other return.`,
            `That is another return's label. Finish ${s.rma.number} first, or tap Other return.`,
          );
        return;
      }
      if (receiptClosed(s.rma)) {
        flow.refuse("Receipt closed", `${s.rma.number} takes no more items.`);
        return;
      }
      const r = checkReceiveScan(s.rma, scan);
      const base = { raw, scan };
      if (r.ok) {
        await submit({ ...base, line: r.line, units: r.units }, false);
        return;
      }
      if (r.code === "over_return" || r.code === "not_on_order") {
        flag({ ...base, ...r, flag: r.code }, r.line.item.sku);
        return;
      }
      // On no line of this return: is it an item at all? The server says which flag it is.
      const found = await flow.lookup(raw, ctx.settings().answerWaitMs);
      if (found && found.kind !== "item") {
        const is = found.kind === "unknown" ? "not a known code" : `a ${found.kind}`;
        const shown = `${scan.text} is ${is}: scan the item.`;
        flow.refuse("Not an item", `${scan.text} is ${is}.`, shown);
        return;
      }
      const units = found?.quantity || unitsOfScan(1, scan);
      const label = found?.item?.sku || scan.text;
      if (found) await submit({ ...base, line: null, units, label }, false);
      else flag({ ...base, line: null, units, label, flag: "not_on_return" }, label);
    }

    /* A flagged scan: red, the error sound, why; the worker decides. */
    function flag(f, sku) {
      const text = flagText(f.flag, {
        sku,
        orderRef: s.rma.order?.external_id,
        expected: f.expected,
        received: f.received,
      });
      s.flagged = { ...f, text };
      ctx.feedback.error("Flagged", text);
      go("flagged", "error", text);
    }

    async function submit(f, accept) {
      const rma = s.rma;
      const label = f.line ? f.line.item.sku : f.label || f.scan.text;
      const what = `${f.units} × ${label}${accept ? " (flagged)" : ""}`;
      await flow.confirm(
        {
          kind: "return-receive",
          path: `${rmaUrl(rma.id)}/receive`,
          body: {
            barcode: f.raw,
            quantity: 1, // one scan: the barcode says how many units (pack, GS1 count)
            // No lot in the scan: the lot the return expects (what was shipped).
            lot: f.scan.lot || f.line?.lot?.code || null,
            expiry: f.scan.expiry || null,
            accept_flag: accept,
          },
          what,
          where: `${rma.number} → returns area`,
          route: `returns?rma=${rma.id}`,
        },
        {
          sent(d) {
            s.flagged = null;
            s.rma = d.rma;
            save();
            const got = `${d.received} × ${label}`;
            const note = d.flag ? ` (flagged: ${d.flag.replaceAll("_", " ")})` : "";
            ctx.feedback.success(accept ? "Accepted as flagged" : "Received", got + note);
            if (receiptClosed(d.rma))
              go("closed", "ok", `Received ${got}. Everything expected is in: receipt closed.`);
            else go("items", "ok", `Received ${got}${note}.`);
          },
          queued() {
            s.flagged = null;
            const lineId = f.line?.id ?? null;
            const flag = accept ? f.flag : null;
            s.rma = applyReceipt(rma, { lineId, units: f.units, flag, label });
            const text = `Saved on device: ${what}. It sends by itself.`;
            // As the server will: everything expected is in, nothing flagged: closed.
            if (closesByItself(s.rma)) {
              s.rma = { ...s.rma, receipt_closed_at: new Date().toISOString() };
              save();
              go("closed", "info", `${text} Everything expected is in: receipt closed.`);
              return;
            }
            save();
            go("items", "info", text);
          },
          refused(err, code) {
            if (code === "return_flagged") {
              const det = err.details || {};
              const text = flagText(det.flag, {
                sku: det.item?.sku || label,
                orderRef: rma.order?.external_id,
                expected: det.expected_qty ?? 0,
                received: det.received_qty ?? 0,
              });
              const item = det.item || {};
              s.flagged = { ...f, flag: det.flag, label: item.sku || label, name: item.name, text };
              s.step = "flagged";
              say("error", text);
            } else if (code === "return_closed") {
              s.step = "closed";
              resume(rma.id);
            } else s.step = "items";
          },
        },
      );
    }

    function acceptFlagged() {
      if (!s.flagged) return;
      submit(s.flagged, true);
    }

    function declineFlagged() {
      const label = s.flagged?.label || s.flagged?.line?.item?.sku || "it";
      s.flagged = null;
      ctx.feedback.info("Not accepted", `Put ${label} aside for a supervisor.`);
      go("items", "info", `Not accepted: put ${label} aside for a supervisor.`);
    }

    async function closeReceipt() {
      const rma = s.rma;
      await flow.confirm(
        {
          kind: "return-close",
          path: `${rmaUrl(rma.id)}/close-receipt`,
          body: {},
          what: `Done receiving ${rma.number}`,
          where: rma.number,
          route: `returns?rma=${rma.id}`,
        },
        {
          sent(d) {
            s.rma = d;
            save();
            ctx.feedback.success("Receipt closed", rma.number);
            go("closed", "ok", `${rma.number}: receipt closed. It waits for inspection.`);
          },
          queued() {
            s.rma = { ...rma, receipt_closed_at: new Date().toISOString() };
            save();
            const text = `Saved on device: done receiving ${rma.number}. It sends by itself.`;
            go("closed", "info", text);
          },
          refused: () => {
            s.step = "items";
          },
        },
      );
    }

    function nextReturn() {
      s.rma = null;
      s.order = null;
      s.flagged = null;
      flow.remember("returns");
      go("start");
    }

    const views = returnsViews(ctx, flow, {
      chooseWarehouse: (w) => {
        chooseWarehouse(w);
        say(null);
        paint();
      },
      warehouse,
      search,
      openOrder,
      unannounced,
      acceptFlagged,
      declineFlagged,
      closeReceipt,
      nextReturn,
    });

    flow.steps({
      start: { view: views.start, scan: findScan },
      search: { view: views.search, scan: findScan },
      order: { view: views.order, scan: findScan },
      items: { view: views.items, scan: itemScan },
      flagged: { view: views.flagged },
      closed: { view: views.closed, scan: findScan },
    });

    return flow.start(() => {
      showWarehouses(flow);
      if (params.rma) resume(params.rma);
    });
  },
};
