// Picking, one instruction at a time:
//   Get work (claims the next task, saves all of it on the device) -> go to the bin -> scan
//   the bin -> scan the item (a case counts its pack) -> confirm the quantity -> scan the
//   order's tote -> saved in the outbox, and on to the next bin at once.
// "Short" on the bin step: scan the bin again, say how many are really there (0 allowed).
// The whole task (lines, barcodes, packs, bins, totes) is on the device, so every scan is
// checked here first and picking goes on through a dead spot; the outbox sends the picks in
// scan order when the network is back, and a pick the server refuses then lands in
// Exceptions. Claiming work needs the network (the server hands out tasks).

import { ApiError, describe, get } from "../api.js";
import { cacheGet, cachePut } from "../task-cache.js";
import { taskFlow } from "../task-flow.js";
import {
  chooseWarehouse,
  chosenWarehouse,
  postNow,
  readyToClaim,
  showWarehouses,
} from "./floor.js";
import {
  applyPick,
  applyShort,
  checkItemScan,
  checkToteScan,
  isLineBin,
  lineAtBin,
  mergeLine,
  nextLine,
  offeredQuantity,
  remaining,
  toteSlot,
  unitsPerScan,
} from "./pick-rules.js";
import { pickViews } from "./pick-views.js";

const CURRENT = "pick.current";
const taskKey = (id) => `pick.task.${id}`;
const taskUrl = (id) => `/pick-tasks/${encodeURIComponent(id)}`;

const NEW_LINE = { itemRaw: null, counted: 0, scans: 0, quantity: 0, found: 0, binRaw: null };

export default {
  id: "pick",
  title: "Pick",
  minRole: "worker",
  mount(ctx, params) {
    const flow = taskFlow(ctx, {
      // start | bin | item | qty | tote | short-bin | short-qty | short-tote | done
      first: "start",
      state: { task: null, line: null, stale: false, warehouses: null, ...NEW_LINE },
      hold: ["Use the buttons", "This step takes a tap, not a scan."],
    });
    const { s, say, paint, go } = flow;
    const save = () => cachePut(taskKey(s.task.id), s.task);

    // --- loading -------------------------------------------------------------------------

    /* Picks of this task still in the outbox: the server's copy does not know them yet. */
    async function unsent(taskId) {
      const prefix = `${taskUrl(taskId)}/`;
      return (await ctx.outbox.all()).filter(
        (r) => r.status === "pending" && r.path.startsWith(prefix),
      ).length;
    }

    async function resume(id) {
      const saved = cacheGet(taskKey(id));
      if (saved) show(saved, navigator.onLine === false);
      if (navigator.onLine === false) {
        if (!saved) say("error", "This task is not saved on the device and there is no network.");
        else say("warn", "Offline: checking scans against this device's copy of the task.");
        paint();
        return;
      }
      if (saved && (await unsent(id))) return; // the device's copy is the newer one
      try {
        show(await get(taskUrl(id)));
      } catch (err) {
        if (err instanceof ApiError && (err.status === 404 || err.status === 403)) {
          forget();
          go("start", "error", `${describe(err)} Get work again.`);
        } else if (!saved) go("start", "error", describe(err));
      }
    }

    async function claim() {
      const w = await readyToClaim(ctx, flow, "/pick-tasks/", {
        chooseShown: null, // the start step already says "Choose a warehouse"
        offline: "Getting work needs the network.",
        offlineShown: "Getting work needs the network. Try again where there is signal.",
        sending: "Your last picks are still being sent.",
        sendingShown: "Your last picks are still being sent. Get work once they are.",
      });
      if (!w) return;
      say("info", "Getting work…");
      paint();
      try {
        const data = await postNow("/pick-tasks/claim", { warehouse: w.code });
        if (!data.task) {
          ctx.feedback.info("No work", `Nothing to pick in ${w.code} right now.`);
          go("start", "info", `Nothing to pick in ${w.code} right now.`);
          return;
        }
        ctx.feedback.success("Task claimed", `${data.task.lines.length} lines`);
        show(data.task);
      } catch (err) {
        ctx.feedback.error("No work claimed", describe(err));
        go("start", "error", describe(err));
      }
    }

    function show(task, stale = false) {
      s.task = task;
      s.stale = stale;
      cachePut(CURRENT, task.id);
      save();
      flow.remember(`pick?task=${task.id}`);
      advance();
    }

    function forget() {
      cachePut(CURRENT, null);
      s.task = null;
      s.line = null;
      flow.remember("pick");
    }

    /* On to the next open line on the path (or the end of the task). */
    function advance(kind = null, text = "") {
      Object.assign(s, NEW_LINE);
      s.line = nextLine(s.task);
      if (!s.line) {
        cachePut(CURRENT, null);
        ctx.feedback.success("Task done", "Take the totes to packing.");
        go("done", kind, text);
        return;
      }
      go("bin", kind, text);
    }

    // --- scans ---------------------------------------------------------------------------

    const scanBin = flow.expect({
      match: (scan, raw) => (isLineBin(s.line, scan) ? raw : null),
      others: [
        {
          match: (scan) => unitsPerScan(s.line.item, scan) !== null,
          title: "Scan the bin first",
          text: "That is the item. Scan the bin label first.",
          shown: "That was the item. Scan the bin label first.",
        },
      ],
      accept(raw) {
        s.binRaw = raw;
        ctx.feedback.success("Right bin", s.line.bin.code);
        go("item");
      },
      refuse(scan) {
        const other = lineAtBin(s.task, scan);
        const where = s.line.bin.code;
        return {
          title: "Wrong bin",
          text: `${scan.text} is not ${where}. Go to ${where}.`,
          shown: other
            ? `${scan.text} comes later on this task. Go to ${where} first.`
            : `Wrong bin: ${scan.text} is not ${where}. Nothing was picked.`,
        };
      },
    });

    function itemScan(scan, raw) {
      if (isLineBin(s.line, scan)) {
        ctx.feedback.info("Bin again", `${s.line.bin.code}: now scan the item.`);
        return;
      }
      const r = checkItemScan(s.task, s.line, scan, s.counted);
      if (!r.ok) {
        refuseItem(r, scan);
        return;
      }
      s.itemRaw = s.itemRaw || raw;
      s.counted += r.units;
      s.scans += 1;
      s.quantity = offeredQuantity(s.line, s.counted, s.scans);
      ctx.feedback.success("Item", `${s.counted} × ${s.line.item.sku} scanned`);
      go("qty");
    }

    function refuseItem(r, scan) {
      const line = s.line;
      if (r.code === "wrong_lot")
        flow.refuse("Wrong lot", `Wrong lot: take lot ${r.wanted}, not ${r.got}.`);
      else if (r.code === "over_pick")
        flow.refuse(
          "Too many",
          `That scan is ${r.units}; only ${r.left} more of ${line.item.sku} are wanted.`,
        );
      else
        flow.refuse(
          "Wrong item",
          r.other
            ? `That is ${r.other.item.sku} (for ${r.other.bin.code}). Take ${line.item.sku} here.`
            : `${scan.text} is not ${line.item.sku} ${line.item.name}.`,
        );
    }

    /* In the quantity step: the item again counts on; anything else is the tote. */
    function qtyScan(scan, raw) {
      if (unitsPerScan(s.line.item, scan) !== null) return itemScan(scan, raw);
      if (isLineBin(s.line, scan)) {
        ctx.feedback.warn("That is the bin", "Confirm the quantity, then scan the tote.");
        return;
      }
      return toteScan(scan, raw);
    }

    function toteScan(scan, raw) {
      const r = checkToteScan(s.task, s.line, scan);
      if (!r.ok) {
        const slot = toteSlot(s.task, s.line);
        const where = r.bound ? `tote ${r.bound.code}` : `a free tote in slot ${slot.slot}`;
        flow.refuse(
          "Wrong tote",
          r.other
            ? `${scan.text} holds order ${r.other.order.external_id}. Use ${where}.`
            : `${scan.text} is not this order's tote. Use ${where}.`,
        );
        return;
      }
      return s.step === "short-tote" ? submitShort(raw, r.code) : submitPick(raw, r.code);
    }

    // --- confirming ----------------------------------------------------------------------

    async function submitPick(toteRaw, toteCode) {
      const task = s.task;
      const line = s.line;
      const quantity = s.quantity;
      const what = `${quantity} × ${line.item.sku} ${line.item.name}`;
      const where = `${line.bin.code} → tote ${toteCode}`;
      await flow.confirm(
        {
          kind: "pick",
          path: `${taskUrl(task.id)}/picks`,
          body: { line_id: line.id, bin: s.binRaw, item: s.itemRaw, quantity, tote: toteRaw },
          what,
          where,
          route: `pick?task=${task.id}`,
        },
        {
          sent(d) {
            s.task = mergeLine(applyPick(task, line.id, 0, toteCode), d.line);
            save();
            ctx.feedback.success("Picked", `${what} → ${toteCode}`);
            advance("ok", `Picked ${what} into tote ${toteCode}.`);
          },
          queued() {
            s.task = applyPick(task, line.id, quantity, toteCode);
            save();
            advance("info", `Saved on device: ${what} → tote ${toteCode}. It sends by itself.`);
          },
          refused: (err, code) => afterRefusal(err, code),
        },
      );
    }

    async function submitShort(toteRaw, toteCode) {
      const task = s.task;
      const line = s.line;
      const found = s.found;
      const what = `Short ${line.item.sku}: found ${found} of ${remaining(line)}`;
      await flow.confirm(
        {
          kind: "pick-short",
          path: `${taskUrl(task.id)}/shorts`,
          body: {
            line_id: line.id,
            bin: s.binRaw,
            found_quantity: found,
            ...(toteRaw ? { tote: toteRaw } : {}),
          },
          what,
          where: line.bin.code,
          route: `pick?task=${task.id}`,
        },
        {
          sent(d) {
            s.task = mergeLine(applyShort(task, line.id, 0, toteCode), d.line);
            save();
            const rest = SHORT_OUTCOME[d.outcome] || "";
            ctx.feedback.success("Short reported", `${what}. ${rest}`);
            // A line from another bin was added to this task: walk there next.
            if (d.new_line_id || (d.new_line_ids || []).length)
              refreshAfterShort(task.id, `${what} reported. ${rest}`);
            else advance("ok", `${what} reported. ${rest}`);
          },
          queued() {
            s.task = applyShort(task, line.id, found, toteCode);
            save();
            advance("info", `Saved on device: ${what}. It sends by itself.`);
          },
          refused: (err, code) => afterRefusal(err, code),
        },
      );
    }

    /* The short added a line from another bin: fetch the task again to walk to it (the
     * device's copy goes on if the fetch fails; the line comes with the next copy). */
    async function refreshAfterShort(id, text) {
      s.step = "short-wait";
      try {
        const task = await get(taskUrl(id));
        if (flow.alive && s.task?.id === id) {
          s.task = task;
          save();
        }
      } catch {
        // Picking goes on with the device's copy.
      }
      if (flow.alive) advance("ok", text);
    }

    function afterRefusal(err, code) {
      if (code === "wrong_location" || code === "over_pick") s.step = "bin";
      else if (code === "wrong_item" || code === "wrong_lot") s.step = "item";
      else if (code === "wrong_tote") s.step = s.step === "short-tote" ? "short-tote" : "tote";
      else if (code === "task_not_yours" || (err instanceof ApiError && err.status === 404)) {
        forget();
        s.step = "start";
        return;
      } else s.step = "bin";
      if (s.step === "bin") Object.assign(s, NEW_LINE);
      if (code === "over_pick") resume(s.task.id); // someone else picked: the server's copy
    }

    // --- short ----------------------------------------------------------------------------

    function startShort() {
      s.found = 0;
      ctx.feedback.warn("Short", `Scan ${s.line.bin.code} again to report it short.`);
      go("short-bin", "warn", `Report ${s.line.item.sku} short: scan ${s.line.bin.code} again.`);
    }

    const scanShortBin = flow.expect({
      match: (scan, raw) => (isLineBin(s.line, scan) ? raw : null),
      accept(raw) {
        s.binRaw = raw;
        ctx.feedback.info("Bin", `How many ${s.line.item.sku} are really there?`);
        go("short-qty");
      },
      refuse: (scan) => ({
        title: "Wrong bin",
        text: `${scan.text} is not ${s.line.bin.code}. Scan ${s.line.bin.code} to report short.`,
      }),
    });

    function confirmShort() {
      if (s.found > 0) go("short-tote");
      else submitShort(null, null);
    }

    const views = pickViews(ctx, flow, {
      claim,
      chooseWarehouse: (w) => {
        chooseWarehouse(w);
        say(null);
        paint();
      },
      toTote: () => go("tote"),
      startShort,
      confirmShort,
      backToBin: () => {
        Object.assign(s, NEW_LINE);
        go("bin");
      },
      reload: () => resume(s.task.id),
      chosenWarehouse: () => chosenWarehouse(s.warehouses),
    });

    flow.steps({
      start: { view: views.start },
      bin: { view: views.bin, scan: scanBin },
      item: { view: views.item, scan: itemScan },
      qty: { view: views.qty, scan: qtyScan },
      tote: { view: views.tote, scan: toteScan },
      "short-bin": { view: views.shortBin, scan: scanShortBin },
      "short-qty": { view: views.shortQty },
      "short-tote": { view: views.shortTote, scan: toteScan },
      done: { view: views.done },
      "short-wait": { view: views.shortQty },
    });

    return flow.start(() => {
      showWarehouses(flow);
      const id = params.task || cacheGet(CURRENT);
      if (id) resume(id);
    });
  },
};

const SHORT_OUTCOME = {
  same_warehouse: "The rest comes from another bin.",
  other_warehouse: "The rest ships from another warehouse.",
  backordered: "The rest is backordered.",
};
