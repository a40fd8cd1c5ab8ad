// Counting a bin, one instruction at a time:
//   Count (claims the next bin to count, saves the task on the device) -> go to the bin ->
//   scan the bin -> scan an item (any of its barcodes; a case counts its pack; a GS1 lot and
//   expiry go with it) -> say how many -> confirm (saved in the outbox) -> the next item, or
//   "Bin done" -> the outcome, said plainly -> the next bin.
// "Bin empty" after scanning the bin confirms that nothing is there (zero).
// Blind: the expected quantity is never on the device (the API never sends it). Whether an
// item was expected in the bin is the server's answer after the line is recorded: an item
// that should not be there is recorded ("not expected here"), never refused.
// The task is saved on the device and every line and "Bin done" goes through the outbox, so
// counting goes on through a dead spot; an item this device has never seen is taken there
// and checked by the server when it is sent (a refusal then lands in Exceptions).

import { ApiError, describe, get } from "../api.js";
import { deviceUser } from "../session.js";
import { cacheGet, cachePut } from "../task-cache.js";
import { taskFlow } from "../task-flow.js";
import {
  checkItemScan,
  entryForScan,
  entryFromResolution,
  isTaskBin,
  keypadValue,
  lineBody,
  localLine,
  mergeCounted,
  outcomeWords,
  packWords,
  pressKey,
  scannedOnce,
  unitsFor,
} from "./count-rules.js";
import { countViews } from "./count-views.js";
import {
  chooseWarehouse,
  chosenWarehouse,
  loadWarehouses,
  postNow,
  readyToClaim,
} from "./floor.js";

const CURRENT = "count.current";
// Item barcodes the server has named on this device (so a dead spot still knows them).
const KNOWN = "count.barcodes";
const KNOWN_MAX = 400;
const taskKey = (id) => `count.task.${id}`;
const taskUrl = (id) => `/count-tasks/${encodeURIComponent(id)}`;
const FRESH_ITEM = () => ({
  itemRaw: null,
  scan: null,
  entry: null,
  keypad: { text: "1", fresh: true },
  lot: null,
  expiry: null,
});

export default {
  id: "count",
  title: "Count",
  minRole: "worker",
  mount(ctx, params) {
    const flow = taskFlow(ctx, {
      // start | bin | item | qty | lot | empty | result
      first: "start",
      state: {
        task: null,
        stale: false,
        warehouses: null,
        binRaw: null,
        outcome: null,
        ...FRESH_ITEM(),
      },
      hold: ["Use the buttons", "This step takes a tap, not a scan."],
    });
    const { s, say, paint, go } = flow;
    const save = () => cachePut(taskKey(s.task.id), s.task);
    const known = () => cacheGet(KNOWN) || [];
    const route = () => `count?task=${s.task.id}`;

    function learn(entry) {
      const rest = known().filter((e) => e.code !== entry.code);
      cachePut(KNOWN, [entry, ...rest].slice(0, KNOWN_MAX));
    }

    // --- loading -------------------------------------------------------------------------

    async function loadStart() {
      try {
        s.warehouses = await loadWarehouses();
      } catch (err) {
        s.warehouses = [];
        say("error", describe(err));
      }
      if (s.step === "start") paint();
    }

    /* Lines of this task still in the outbox: the server's copy does not know them yet. */
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
        const task = await get(taskUrl(id));
        const mine = task.assigned_to && task.assigned_to.id === deviceUser()?.id;
        if (!["open", "recount"].includes(task.status) || !mine) {
          forget();
          go("start", "info", "That count is finished or with someone else. Count again.");
          return;
        }
        show(task);
      } catch (err) {
        if (err instanceof ApiError && (err.status === 404 || err.status === 403)) {
          forget();
          go("start", "error", `${describe(err)} Count again.`);
        } else if (!saved) go("start", "error", describe(err));
      }
    }

    async function claim() {
      const w = await readyToClaim(ctx, flow, "/count-tasks/", {
        offline: "Getting a bin to count needs the network.",
        offlineShown: "Getting a bin to count needs the network. Try again with signal.",
        sending: "Your last counts are still being sent.",
        sendingShown: "Your last counts are still being sent. Count again once they are.",
      });
      if (!w) return;
      s.outcome = null;
      go("start", "info", "Getting a bin to count…");
      try {
        const data = await postNow("/count-tasks/claim", {
          warehouse: w.code,
          device_id: ctx.deviceId,
        });
        if (!data.task) {
          ctx.feedback.info("Nothing to count", `No bin to count in ${w.code} right now.`);
          go("start", "info", `Nothing to count in ${w.code} right now.`);
          return;
        }
        ctx.feedback.success("Bin to count", data.task.location.code);
        show(data.task);
      } catch (err) {
        ctx.feedback.error("Nothing claimed", describe(err));
        go("start", "error", describe(err));
      }
    }

    function show(task, stale = false) {
      s.task = task;
      s.stale = stale;
      s.binRaw = null;
      Object.assign(s, FRESH_ITEM());
      cachePut(CURRENT, task.id);
      save();
      flow.remember(route());
      go("bin", stale ? "warn" : null, stale ? "Offline: this device's copy of the task." : "");
    }

    function forget() {
      cachePut(CURRENT, null);
      s.task = null;
      s.binRaw = null;
      flow.remember("count");
    }

    // --- scans ---------------------------------------------------------------------------

    const scanBin = flow.expect({
      match: (scan, raw) => (isTaskBin(s.task, scan) ? raw : null),
      others: [
        {
          match: (scan) => checkItemScan(s.task, scan, known()).ok === true,
          title: "Scan the bin first",
          text: "That is an item. Scan the bin label first.",
          shown: "That was an item. Scan the bin label first.",
        },
      ],
      ask: true,
      accept(raw) {
        s.binRaw = raw;
        ctx.feedback.success("Right bin", s.task.location.code);
        go("item");
      },
      refuse(scan, resolved) {
        const where = s.task.location.code;
        const other = resolved?.kind === "location" ? resolved.location.code : scan.text;
        if (resolved?.kind === "item")
          return {
            title: "Scan the bin first",
            text: `That is ${resolved.item.sku}. Scan the bin label of ${where} first.`,
          };
        return {
          title: "Wrong bin",
          text: `${other} is not ${where}. Go to ${where}.`,
          shown: `Wrong bin: ${other} is not ${where}. Nothing was counted.`,
        };
      },
    });

    async function itemScan(scan, raw) {
      if (isTaskBin(s.task, scan)) {
        ctx.feedback.info("Bin again", `${s.task.location.code}: now scan an item.`);
        return;
      }
      let r = checkItemScan(s.task, scan, known());
      let resolved = null;
      if (r.ok === null && navigator.onLine !== false) {
        resolved = await flow.lookup(raw, ctx.settings().answerWaitMs);
        const entry = entryFromResolution(resolved);
        if (entry) {
          learn(entry);
          r = checkItemScan(s.task, scan, [entry]);
        }
      }
      if (r.ok === false) return refuseItem(r);
      if (r.ok) return takeItem(r.entry, scan, raw);
      if (resolved) return refuseResolved(resolved, scan);
      // Nothing here knows the code and the server cannot be asked: counted, checked later.
      ctx.feedback.warn("Not checked", "Offline: the server checks this code when it is sent.");
      takeItem(null, scan, raw, "warn", `Offline: ${scan.text} is checked when it is sent.`);
    }

    function takeItem(entry, scan, raw, kind = null, text = "") {
      Object.assign(s, FRESH_ITEM(), {
        entry,
        scan,
        itemRaw: raw,
        lot: scan.lot || null,
        expiry: scan.expiry || null,
      });
      if (entry && !kind)
        ctx.feedback.success("Item", `${entry.item.sku} (${packWords(entry.per)})`);
      go("qty", kind, text);
    }

    function refuseItem(r) {
      const names = r.wanted.map((w) => w.item.sku).join(", ");
      if (r.code === "wrong_item")
        flow.refuse("Wrong item", `This task counts only ${names}. Scan ${names}.`);
      else flow.refuse("Not in the recount", `Recount only ${names}. Scan one of them.`);
    }

    function refuseResolved(resolved, scan) {
      if (resolved.kind === "location")
        flow.refuse(
          "Another bin",
          `${resolved.location.code} is another bin. You are counting ${s.task.location.code}.`,
        );
      else if (resolved.kind === "container")
        flow.refuse("A container", `${resolved.container.code} is a container: scan the items.`);
      else flow.refuse("Unknown barcode", `${scan.text} is no item we know. Nothing was counted.`);
    }

    /* While the quantity is asked: the same item again counts one more. */
    function qtyScan(scan) {
      const same = s.entry ? !!entryForScan([s.entry], scan) : scan.text === s.scan.text;
      if (same && (scan.lot || null) === (s.scan.lot || null)) {
        s.keypad = scannedOnce(s.keypad);
        ctx.feedback.success("One more", `${keypadValue(s.keypad)} scanned`);
        paint();
        return;
      }
      if (isTaskBin(s.task, scan)) {
        ctx.feedback.warn("That is the bin", "Enter how many, then Confirm.");
        return;
      }
      const what = s.entry ? s.entry.item.sku : s.scan.text;
      flow.caution("Confirm first", `Confirm how many ${what} first, then scan the next item.`);
    }

    function lotScan(scan) {
      setLot(scan.lot || scan.text);
      if (scan.expiry) s.expiry = scan.expiry;
    }

    function setLot(value) {
      const lot = String(value || "").trim();
      if (!lot) return;
      s.lot = lot;
      ctx.feedback.info("Lot", lot);
      confirmLine();
    }

    // --- confirming ----------------------------------------------------------------------

    function press(key) {
      s.keypad = pressKey(s.keypad, key);
      paint();
    }

    async function confirmLine() {
      const quantity = keypadValue(s.keypad);
      if (quantity === null) {
        ctx.feedback.warn("How many?", "Enter how many on the keypad.");
        go("qty", "warn", "Enter how many on the keypad, then Confirm.");
        return;
      }
      const task = s.task;
      const { entry, scan, lot } = s;
      const sku = entry ? entry.item.sku : scan.text;
      const units = entry ? unitsFor(quantity, entry.per) : null;
      const what =
        entry && entry.per > 1
          ? `${quantity} ${quantity === 1 ? "case" : "cases"} × ${sku} (${units} units)`
          : `${quantity} × ${sku}`;
      await flow.confirm(
        {
          kind: "count",
          path: `${taskUrl(task.id)}/lines`,
          body: lineBody({
            binRaw: s.binRaw,
            itemRaw: s.itemRaw,
            quantity,
            lot,
            expiry: s.expiry,
          }),
          what: lot ? `${what}, lot ${lot}` : what,
          where: task.location.code,
          route: route(),
        },
        {
          sent(d) {
            s.task = d.task || task;
            save();
            Object.assign(s, FRESH_ITEM());
            const line = d.line || {};
            const counted = `${line.counted_qty ?? units ?? quantity} × ${sku}`;
            if (line.unexpected) {
              ctx.feedback.warn("Not expected here", `${counted}: recorded as not expected here.`);
              go("item", "warn", `${counted} recorded as not expected here.`);
            } else {
              ctx.feedback.success("Counted", counted);
              go("item", "ok", `Counted ${counted}.`);
            }
          },
          queued() {
            const line = localLine(entry, scan, quantity, lot);
            s.task = { ...task, counted: mergeCounted(task.counted, line) };
            save();
            Object.assign(s, FRESH_ITEM());
            go("item", "info", `Saved on device: ${what}. It sends by itself.`);
          },
          refused: (err, code) => afterRefusal(err, code),
        },
      );
    }

    function afterRefusal(err, code) {
      if (code === "wrong_location") {
        s.binRaw = null;
        s.step = "bin";
      } else if (code === "lot_required") s.step = "lot";
      else if (code === "wrong_item" || code === "not_in_recount") {
        Object.assign(s, FRESH_ITEM());
        s.step = "item";
      } else if (
        code === "task_not_held" ||
        (err instanceof ApiError && (err.status === 404 || err.status === 403))
      ) {
        forget();
        s.step = "start";
      } else if (s.step === "lot" || s.step === "qty") s.step = "qty";
      else s.step = "item";
    }

    /* Bin done (everything counted) or Bin empty (nothing there: zero). */
    async function finish(empty) {
      const task = s.task;
      const where = task.location.code;
      await flow.confirm(
        {
          kind: "count-finish",
          path: `${taskUrl(task.id)}/finish`,
          body: empty ? { empty: true, location: s.binRaw } : { empty: false },
          what: empty ? "Bin empty" : "Bin done",
          where,
          route: route(),
        },
        {
          sent(d) {
            s.task = d.task || task;
            s.outcome = d.outcome;
            cachePut(CURRENT, null);
            const words = outcomeWords(d.outcome);
            ctx.feedback[words.kind](words.title, `${where}: ${words.text}`);
            go("result", words.tone, words.text);
          },
          queued() {
            s.outcome = null;
            cachePut(CURRENT, null);
            go("result", "info", "Saved on device: the result comes when it is sent.");
          },
          refused: (err, code) => afterRefusal(err, code),
        },
      );
    }

    const views = countViews(ctx, flow, {
      claim,
      chooseWarehouse: (w) => {
        chooseWarehouse(w);
        say(null);
        paint();
      },
      press,
      confirmLine,
      setLot,
      askEmpty: () => {
        ctx.feedback.warn("Bin empty?", `Is ${s.task.location.code} really empty?`);
        go("empty");
      },
      confirmEmpty: () => finish(true),
      binDone: () => finish(false),
      toItem: () => {
        Object.assign(s, FRESH_ITEM());
        go("item");
      },
      home: () => ctx.navigate("home"),
      chosenWarehouse: () => chosenWarehouse(s.warehouses),
    });

    flow.steps({
      start: { view: views.start },
      bin: { view: views.bin, scan: scanBin },
      item: { view: views.item, scan: itemScan },
      qty: { view: views.qty, scan: qtyScan },
      lot: { view: views.lot, scan: lotScan },
      empty: { view: views.empty },
      result: { view: views.result },
    });

    return flow.start(() => {
      loadStart();
      const id = params.task || cacheGet(CURRENT);
      if (id) resume(id);
    });
  },
};
