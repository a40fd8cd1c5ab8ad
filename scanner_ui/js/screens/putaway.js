// Directed putaway, one instruction at a time:
//   scan the item or LPN on the dock (or pick the task) -> go to the suggested bin ->
//   scan the bin -> sent, or saved on the device to send later.
// Another bin than the suggested one is allowed with a reason, which is recorded.
// Tasks and each task's barcodes are cached, so scans are checked here first.

import { ApiError, describe, get, post } from "../api.js";
import { confirmScan } from "../confirm.js";
import { h, render } from "../dom.js";
import { parseScan } from "../gs1.js";
import { cacheAge, cacheGet, cachePut, cacheUpdate, fresh, keys } from "../task-cache.js";
import { isSuggestedBin, pickTask, scanMatchesTask } from "./putaway-rules.js";
import { putawayViews } from "./putaway-views.js";
const PREFETCH = 20;
const FRESH_MS = 60_000; // a task saved less than a minute ago is not fetched again

export default {
  id: "putaway",
  title: "Put away",
  minRole: "worker",
  mount(ctx, params) {
    const el = h("section", { class: "screen-body" });
    const s = {
      step: "list",
      tasks: null,
      task: null,
      quantity: 0,
      scanned: null,
      busy: false,
      msg: null,
      stale: false,
    };
    const parse = (raw) => parseScan(raw, { standIns: [ctx.settings().gsStandIn] });
    const say = (kind, text) => {
      s.msg = kind ? { kind, text } : null;
    };
    let alive = true;

    // --- loading -------------------------------------------------------------------------

    async function loadTasks() {
      try {
        const r = await fresh(keys.putawayTasks, async () => (await get("/putaway/tasks")).tasks);
        s.tasks = r.value;
        s.stale = r.stale;
        if (!r.stale) prefetchDetails(r.value);
      } catch (err) {
        s.tasks = [];
        say("error", describe(err));
      }
      if (s.step === "list") paint();
    }

    /* Each task's barcodes, saved for a dead spot. In the background, a few at a time. */
    async function prefetchDetails(tasks) {
      for (const t of tasks.slice(0, PREFETCH)) {
        if (!alive) return;
        const age = cacheAge(keys.putawayTask(t.id));
        if (age !== null && age < FRESH_MS) continue;
        try {
          cachePut(keys.putawayTask(t.id), await get(`/putaway/tasks/${encodeURIComponent(t.id)}`));
        } catch {
          return;
        }
      }
    }

    async function openTask(id) {
      try {
        const r = await fresh(keys.putawayTask(id), () =>
          get(`/putaway/tasks/${encodeURIComponent(id)}`),
        );
        showTask(r.value, r.stale);
      } catch (err) {
        ctx.feedback.error("Cannot open task", describe(err));
        say(
          "error",
          err instanceof ApiError && err.status === 404
            ? "That task is done or gone."
            : describe(err),
        );
        s.step = "list";
        loadTasks();
      }
    }

    function showTask(task, stale = false) {
      Object.assign(s, { step: "bin", task, quantity: task.quantity, scanned: null, stale });
      say(
        stale ? "warn" : null,
        stale ? "Offline: checking against this device's copy of the task." : "",
      );
      paint();
    }

    // --- matching ------------------------------------------------------------------------

    function matchesTask(task, scan) {
      return scanMatchesTask(cacheGet(keys.putawayTask(task.id)) || task, scan);
    }

    async function onListScan(raw) {
      const scan = parse(raw);
      const tasks = s.tasks || [];
      let candidates = tasks.filter((t) => matchesTask(t, scan));
      if (!candidates.length) {
        try {
          const r = await post("/barcodes/resolve", { code: raw }, { timeoutMs: 2500 });
          if (r.kind === "container" && r.container)
            candidates = tasks.filter((t) => t.container?.id === r.container.id);
          else if (r.item)
            candidates = tasks.filter(
              (t) =>
                t.item?.id === r.item.id || (t.contents || []).some((c) => c.item_id === r.item.id),
            );
        } catch {
          // Offline and not in the saved tasks: nothing more to try.
        }
      }
      if (!candidates.length) {
        ctx.feedback.error(
          "No task for this",
          `Nothing on the dock waits to go away for ${scan.text}.`,
        );
        say("error", `No putaway task for ${scan.text}.`);
        paint();
        return;
      }
      const task = pickTask(candidates, scan);
      ctx.feedback.success(
        "Task found",
        `${task.quantity} × ${task.item?.sku ?? task.container?.code}`,
      );
      openTask(task.id);
    }

    function onBinScan(raw) {
      const scan = parse(raw);
      if (matchesTask(s.task, scan)) {
        ctx.feedback.warn("That is the item", "Now scan the bin label.");
        say("warn", "That was the item. Scan the bin label.");
        paint();
        return;
      }
      if (isSuggestedBin(s.task, scan)) {
        submit(raw, null);
        return;
      }
      s.scanned = { raw, text: scan.text };
      s.step = "reason";
      const sug = s.task.suggested_location;
      ctx.feedback.warn(
        "Not the suggested bin",
        sug ? `Suggested: ${sug.code}. Say why to use ${scan.text}.` : `Say why ${scan.text}.`,
      );
      say(
        "warn",
        sug
          ? `${scan.text} is not ${sug.code}. Pick a reason to use it anyway.`
          : `No bin was suggested. Pick a reason to use ${scan.text}.`,
      );
      paint();
    }

    // --- confirming ----------------------------------------------------------------------

    async function submit(raw, reason) {
      if (s.busy) return;
      s.busy = true;
      const task = s.task;
      const loose = task.kind !== "lpn";
      const quantity = loose ? s.quantity : task.quantity;
      const label = task.item
        ? `${task.item.sku} ${task.item.name}`
        : `LPN ${task.container?.code}`;
      const what = `${quantity} × ${label}`;
      const to = parse(raw).text;
      const outcome = await confirmScan(ctx, {
        kind: "putaway",
        path: "/putaway/confirm",
        body: {
          task_id: task.id,
          to_location: raw,
          ...(loose ? { quantity } : {}),
          ...(reason ? { override_reason: reason } : {}),
          suggested_location_id: task.suggested_location?.id ?? null,
        },
        what,
        where: `${task.from_location?.code ?? "dock"} → ${to}`,
        route: `putaway?task=${encodeURIComponent(task.id)}`,
      });
      s.busy = false;
      if (outcome.sent) {
        const d = outcome.data;
        ctx.feedback.success("Put away", `${what} in ${d.to_location?.code ?? to}`);
        afterDone(task, d.remaining_quantity, {
          kind: "ok",
          text: `Put away ${what} in ${d.to_location?.code ?? to}${d.overridden ? " (override recorded)" : ""}.`,
        });
      } else if (outcome.queued) {
        afterDone(task, task.quantity - quantity, {
          kind: "info",
          text: `Saved on device: ${what} → ${to}. It sends by itself.`,
        });
      } else {
        refused(outcome.error, raw);
      }
    }

    function afterDone(task, remaining, msg) {
      const left = Math.max(0, remaining ?? 0);
      const apply = (t) => ({ ...t, quantity: left });
      cacheUpdate(keys.putawayTasks, (list) =>
        left
          ? list.map((t) => (t.id === task.id ? apply(t) : t))
          : list.filter((t) => t.id !== task.id),
      );
      if (left) {
        cacheUpdate(keys.putawayTask(task.id), apply);
        showTask(apply(task));
        say(msg.kind, `${msg.text} ${left} still to put away.`);
        paint();
        return;
      }
      s.step = "list";
      s.task = null;
      s.tasks = cacheGet(keys.putawayTasks) || [];
      say(msg.kind, msg.text);
      paint();
      loadTasks();
    }

    function refused(err, raw) {
      const code = err instanceof ApiError ? err.code : "error";
      ctx.feedback.error("Refused", describe(err));
      if (code === "override_reason_required") {
        s.scanned = { raw, text: parse(raw).text };
        s.step = "reason";
        say("warn", `${describe(err)}`);
      } else if (
        code === "task_stale" ||
        (err instanceof ApiError && err.status === 404 && err.code !== "unknown_barcode")
      ) {
        say("error", `${describe(err)} The task list is reloaded.`);
        s.step = "list";
        loadTasks();
      } else {
        s.step = "bin";
        say("error", describe(err));
      }
      paint();
    }

    const views = putawayViews(ctx, s, { paint, say, openTask, loadTasks, submit });

    function paint() {
      const view = views[s.step] || views.list;
      render(el, view());
      ctx.refocus();
    }

    function onScan(raw) {
      if (s.busy) return;
      if (s.step === "list") onListScan(raw);
      else if (s.step === "bin") onBinScan(raw);
      else ctx.feedback.warn("Pick a reason first", "Or go back to scan another bin.");
    }

    paint();
    if (params.task) openTask(params.task);
    loadTasks();
    return {
      el,
      onScan,
      unmount() {
        alive = false;
      },
    };
  },
};
