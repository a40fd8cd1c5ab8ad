// Refilling a pick face from reserve, one instruction at a time:
//   Get task (claims the next face to refill in the chosen warehouse, saves the task on the
//   device) -> go to the suggested reserve bin -> scan it (any reserve bin holding the item
//   is taken; the pick face or a bin without the item is refused) -> scan the item (a case
//   counts its pack) -> how many (big -/+ and a keypad) -> take it to the pick face -> scan
//   the face: the move goes through the outbox -> the next move, or "Task done" and the next
//   task.
// The whole task (item barcodes, the reserve bins holding the item with their lots and
// stock, the face) is on the device, so every scan is checked here first and the work goes
// on through a dead spot; the outbox sends the moves in scan order when the network is back
// (each once: its client_scan_id), and a move the server refuses then lands in Exceptions.
// Claiming (and giving a task back) needs the network: the server hands out tasks.

import { ApiError } from "../api.js";
import { cacheGet, cachePut } from "../task-cache.js";
import { taskFlow } from "../task-flow.js";
import { keypadValue, pressKey } from "./count-rules.js";
import { chooseWarehouse, chosenWarehouse, showWarehouses } from "./floor.js";
import {
  applyMove,
  checkItemScan,
  checkSourceScan,
  clampPacks,
  isBin,
  isDone,
  isFace,
  itemRefusal,
  maxPacks,
  moveBody,
  moveWords,
  offeredPacks,
  packWords,
  remaining,
  sourceRefusal,
  stepAfterRefusal,
  stepPacks,
  unitsPerScan,
} from "./replenish-rules.js";
import { CURRENT, replenishTasks, taskKey, taskUrl } from "./replenish-tasks.js";
import { replenishViews } from "./replenish-views.js";

// One move: the source bin and its stock entries, then the item, then how many.
const NEW_MOVE = () => ({
  fromRaw: null,
  fromCode: null,
  entries: null,
  itemRaw: null,
  scan: null,
  per: 1,
  scans: 0,
  max: 0,
  keypad: { text: "", fresh: true },
});

export default {
  id: "replenish",
  title: "Replenish",
  minRole: "worker",
  mount(ctx, params) {
    const flow = taskFlow(ctx, {
      // start | source | item | qty | dest | done
      first: "start",
      state: { task: null, stale: false, warehouses: null, ...NEW_MOVE() },
      hold: ["Use the buttons", "This step takes a tap, not a scan."],
    });
    const { s, say, paint, go } = flow;
    const save = () => cachePut(taskKey(s.task.id), s.task);
    const route = () => `replenish?task=${s.task.id}`;
    const sku = () => s.task.item.sku;
    const face = () => s.task.to_location.code;

    function show(task, stale = false) {
      s.task = task;
      s.stale = stale;
      Object.assign(s, NEW_MOVE());
      cachePut(CURRENT, task.id);
      save();
      flow.remember(route());
      if (isDone(task)) {
        cachePut(CURRENT, null);
        go("done");
        return;
      }
      go("source", stale ? "warn" : null, stale ? "Offline: this device's copy of the task." : "");
    }

    function forget() {
      cachePut(CURRENT, null);
      s.task = null;
      Object.assign(s, NEW_MOVE());
      flow.remember("replenish");
    }

    const { claim, resume, refresh, release } = replenishTasks(ctx, flow, { show, forget, save });

    /* Back to the source bin for the next move (or the end of the task). */
    function nextMove(kind = null, text = "") {
      Object.assign(s, NEW_MOVE());
      if (isDone(s.task)) {
        cachePut(CURRENT, null);
        ctx.feedback.success("Task done", `${face()} is refilled.`);
        go("done", kind, text);
        return;
      }
      go("source", kind, text);
    }

    // --- scans ---------------------------------------------------------------------------

    async function sourceScan(scan, raw) {
      if (unitsPerScan(s.task.item, scan) !== null) {
        flow.caution("Scan the bin first", "That is the item. Scan the bin label first.");
        return;
      }
      let r = checkSourceScan(s.task, scan);
      let fresh = false;
      // Not in the device's list: the server's list as it stands now may have it.
      if (!r.ok && !r.face) {
        fresh = await refresh();
        if (fresh === null || !flow.alive) return;
        if (fresh) r = checkSourceScan(s.task, scan);
      }
      if (r.ok) {
        takeSource(raw, r.bin.code, r.entries);
        return;
      }
      if (!r.face && !r.sure && !fresh) {
        // The device's list may be cut short and the server cannot be asked: taken, checked
        // by the server when the move is sent.
        ctx.feedback.warn("Not checked", "Offline: the server checks this bin when it is sent.");
        takeSource(raw, scan.text, null, "warn", `Offline: ${scan.text} is checked when sent.`);
        return;
      }
      const why = sourceRefusal(s.task, scan, null, r.face);
      flow.refuse(why.title, why.text, why.shown);
      if (!r.face) flow.explain(scan, raw, (sc, res) => sourceRefusal(s.task, sc, res, false));
    }

    function takeSource(raw, code, entries, kind = null, text = "") {
      Object.assign(s, NEW_MOVE(), { fromRaw: raw, fromCode: code, entries });
      if (!kind) ctx.feedback.success("Right bin", code);
      go("item", kind, text);
    }

    function itemScan(scan, raw) {
      const atBin = (s.entries || []).some((e) => isBin(e.location, scan));
      if (atBin || isBin({ code: s.fromCode }, scan)) {
        ctx.feedback.info("Bin again", `${s.fromCode}: now scan the item.`);
        return;
      }
      if (isFace(s.task, scan)) {
        flow.caution("Item first", `Take the ${sku()} first, then scan ${face()}.`);
        return;
      }
      const r = checkItemScan(s.task, s.entries, scan);
      if (!r.ok) {
        const why = itemRefusal(s.task, s.fromCode, r, scan);
        flow.refuse(why.title, why.text);
        return;
      }
      const max = maxPacks(s.task, s.entries, scan, r.per);
      Object.assign(s, { itemRaw: raw, scan, per: r.per, scans: 1, max });
      s.keypad = { text: String(offeredPacks(max, 1)), fresh: true };
      ctx.feedback.success("Item", `${sku()} (${packWords(r.per)})`);
      go("qty");
    }

    /* While the quantity is asked: the same pack again counts one more. */
    function qtyScan(scan) {
      const per = unitsPerScan(s.task.item, scan);
      if (per !== null && per === s.per && (scan.lot || null) === (s.scan.lot || null)) {
        s.scans += 1;
        s.keypad = { text: String(offeredPacks(s.max, s.scans)), fresh: true };
        ctx.feedback.success("One more", `${keypadValue(s.keypad)} scanned`);
        paint();
        return;
      }
      if (per !== null) {
        flow.caution("Confirm first", "Confirm how many of this pack, then scan the next one.");
        return;
      }
      if (isFace(s.task, scan)) {
        flow.caution("Confirm first", `Confirm how many, then take them to ${face()}.`);
        return;
      }
      ctx.feedback.warn("Confirm the quantity", "Enter how many, then Confirm.");
    }

    const destScan = flow.expect({
      match: (scan, raw) => (isFace(s.task, scan) ? raw : null),
      others: [
        {
          match: (scan) => unitsPerScan(s.task.item, scan) !== null,
          title: "Scan the pick face",
          text: "That is the item. Scan the pick face's label.",
        },
      ],
      ask: true,
      accept: (raw) => submitMove(raw),
      refuse(scan, resolved) {
        const other = resolved?.kind === "location" ? resolved.location.code : scan.text;
        return {
          title: "Wrong bin",
          text: `${other} is not ${face()}. Take it to ${face()}.`,
          shown: `Wrong bin: ${other} is not ${face()}. Nothing was moved.`,
        };
      },
    });

    // --- the quantity ----------------------------------------------------------------------

    function press(key) {
      const next = pressKey(s.keypad, key);
      const n = keypadValue(next);
      if (n !== null && n > s.max) {
        s.keypad = { text: String(clampPacks(n, s.max)), fresh: false };
        flow.caution("At most " + s.max, `Only ${s.max} can move from here.`);
        return;
      }
      s.keypad = next;
      paint();
    }

    function step(delta) {
      s.keypad = {
        text: String(stepPacks(keypadValue(s.keypad) ?? 0, delta, s.max)),
        fresh: true,
      };
      paint();
    }

    function confirmQty() {
      const n = keypadValue(s.keypad);
      if (!n) {
        ctx.feedback.warn("How many?", "Enter how many on the keypad.");
        go("qty", "warn", "Enter how many on the keypad, then Confirm.");
        return;
      }
      ctx.feedback.info("Take it", `Take ${moveWords(n, s.per, sku())} to ${face()}.`);
      go("dest");
    }

    // --- confirming ----------------------------------------------------------------------

    async function submitMove(toRaw) {
      const task = s.task;
      const packs = keypadValue(s.keypad);
      const units = packs * s.per;
      const what = moveWords(packs, s.per, sku());
      const where = `${s.fromCode} → ${face()}`;
      const from = s.fromCode;
      const scan = s.scan;
      await flow.confirm(
        {
          kind: "replenish",
          path: `${taskUrl(task.id)}/moves`,
          body: moveBody({ fromRaw: s.fromRaw, itemRaw: s.itemRaw, packs, toRaw }),
          what,
          where,
          route: route(),
        },
        {
          sent(d) {
            s.task = d.task || applyMove(task, { binCode: from, units, scan });
            save();
            const moved = `Moved ${what} to ${face()}.`;
            ctx.feedback.success("Moved", `${what} → ${face()}`);
            nextMove("ok", isDone(s.task) ? moved : `${moved} ${remaining(s.task)} more to move.`);
          },
          queued() {
            s.task = applyMove(task, { binCode: from, units, scan });
            save();
            nextMove("info", `Saved on device: ${what} → ${face()}. It sends by itself.`);
          },
          refused: (err, code) => afterRefusal(err, code),
        },
      );
    }

    function afterRefusal(err, code) {
      const gone = err instanceof ApiError && err.status === 404;
      const next = gone ? "start" : stepAfterRefusal(code);
      if (next === "start") {
        forget();
        s.step = "start";
        return;
      }
      if (next === "item") {
        Object.assign(s, { itemRaw: null, scan: null, per: 1, scans: 0, max: 0 });
        s.step = "item";
      } else if (next === "dest") s.step = "dest";
      else {
        Object.assign(s, NEW_MOVE());
        s.step = "source";
        // Someone moved stock meanwhile: the server's copy says where it is now.
        refresh().then((fresh) => {
          if (fresh && flow.alive && s.step === "source") paint();
        });
      }
    }

    /* Nothing left to take (or the worker stops here): the task ends with what has moved. */
    async function finish() {
      const task = s.task;
      await flow.confirm(
        {
          kind: "replenish-finish",
          path: `${taskUrl(task.id)}/finish`,
          body: {},
          what: `Finish refill of ${face()}`,
          where: face(),
          route: route(),
        },
        {
          sent(d) {
            s.task = d || { ...task, status: "done" };
            cachePut(CURRENT, null);
            ctx.feedback.success("Task done", `${face()}: ${s.task.moved} moved.`);
            go("done", "ok", `Finished with ${s.task.moved} of ${s.task.quantity} moved.`);
          },
          queued() {
            s.task = { ...task, status: "done" };
            save();
            cachePut(CURRENT, null);
            go("done", "info", "Saved on device: the task finishes when it is sent.");
          },
          refused: (err, code) => afterRefusal(err, code),
        },
      );
    }

    const views = replenishViews(ctx, flow, {
      claim,
      chooseWarehouse: (w) => {
        chooseWarehouse(w);
        say(null);
        paint();
      },
      chosenWarehouse: () => chosenWarehouse(s.warehouses),
      press,
      step,
      confirmQty,
      finish,
      release,
      toSource: () => {
        Object.assign(s, NEW_MOVE());
        go("source");
      },
      toQty: () => go("qty"),
      home: () => ctx.navigate("home"),
    });

    flow.steps({
      start: { view: views.start },
      source: { view: views.source, scan: sourceScan },
      item: { view: views.item, scan: itemScan },
      qty: { view: views.qty, scan: qtyScan },
      dest: { view: views.dest, scan: destScan },
      done: { view: views.done },
    });

    return flow.start(() => {
      showWarehouses(flow);
      const id = params.task || cacheGet(CURRENT);
      if (id) resume(id);
    });
  },
};
