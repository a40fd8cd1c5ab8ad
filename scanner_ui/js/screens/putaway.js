// Directed putaway, one instruction at a time:
//   scan the item or LPN on the dock (or pick the task) -> go to the suggested bin ->
//   scan the bin -> sent, or saved on the device to send later.
// Another bin than the suggested one is allowed with a reason, which is recorded.
// Tasks and each task's barcodes are cached, so scans are checked here first.
// The flow machinery (steps, scans, outbox, feedback) is js/task-flow.js.

import { ApiError, describe, get } from "../api.js";
import { cacheAge, cacheGet, cachePut, cacheUpdate, fresh, keys } from "../task-cache.js";
import { taskFlow } from "../task-flow.js";
import { isSuggestedBin, pickTask, scanMatchesTask } from "./putaway-rules.js";
import { putawayViews } from "./putaway-views.js";

// Every task the list shows (the server sends at most 50), so any of them works in a dead spot.
const PREFETCH = 50;
const FRESH_MS = 60_000; // a task saved less than a minute ago is not fetched again
const taskUrl = (id) => `/putaway/tasks/${encodeURIComponent(id)}`;

export default {
  id: "putaway",
  title: "Put away",
  minRole: "worker",
  mount(ctx, params) {
    const flow = taskFlow(ctx, {
      first: "list", // list | bin | reason
      state: { tasks: null, task: null, quantity: 0, scanned: null, stale: false },
      hold: ["Pick a reason first", "Or go back to scan another bin."],
    });
    const { s, say, paint, go } = flow;

    // --- loading -------------------------------------------------------------------------

    async function loadTasks() {
      const r = await flow.load(
        keys.putawayTasks,
        async () => (await get("/putaway/tasks")).tasks,
      );
      s.tasks = r.value;
      s.stale = r.stale;
      if (s.step === "list") flow.remember("putaway");
      if (!r.stale) prefetchDetails(r.value);
      if (s.step === "list") paint();
    }

    /* Each task's barcodes, saved for a dead spot. In the background, a few at a time. */
    async function prefetchDetails(tasks) {
      for (const t of tasks.slice(0, PREFETCH)) {
        if (!flow.alive) return;
        const age = cacheAge(keys.putawayTask(t.id));
        if (age !== null && age < FRESH_MS) continue;
        try {
          cachePut(keys.putawayTask(t.id), await get(taskUrl(t.id)));
        } catch {
          return;
        }
      }
    }

    async function openTask(id) {
      try {
        const r = await fresh(keys.putawayTask(id), () => get(taskUrl(id)));
        showTask(r.value, r.stale);
      } catch (err) {
        ctx.feedback.error("Cannot open task", describe(err));
        const gone = err instanceof ApiError && err.status === 404;
        say("error", gone ? "That task is done or gone." : describe(err));
        s.step = "list";
        loadTasks();
      }
    }

    function showTask(task, stale = false) {
      Object.assign(s, { task, quantity: task.quantity, scanned: null, stale });
      flow.remember(`putaway?task=${task.id}`);
      if (stale) go("bin", "warn", "Offline: checking against this device's copy of the task.");
      else go("bin");
    }

    // --- scans ---------------------------------------------------------------------------

    const matchesTask = (task, scan) =>
      scanMatchesTask(cacheGet(keys.putawayTask(task.id)) || task, scan);

    const scanTask = flow.expect({
      match(scan) {
        const candidates = (s.tasks || []).filter((t) => matchesTask(t, scan));
        return candidates.length ? pickTask(candidates, scan) : null;
      },
      // Not in the saved tasks: the server reads the code (an LPN, another pack level).
      online(r, scan) {
        const tasks = s.tasks || [];
        let candidates = [];
        if (r.kind === "container" && r.container)
          candidates = tasks.filter((t) => t.container?.id === r.container.id);
        else if (r.item)
          candidates = tasks.filter(
            (t) =>
              t.item?.id === r.item.id || (t.contents || []).some((c) => c.item_id === r.item.id),
          );
        return candidates.length ? pickTask(candidates, scan) : null;
      },
      accept(task) {
        ctx.feedback.success(
          "Task found",
          `${task.quantity} × ${task.item?.sku ?? task.container?.code}`,
        );
        openTask(task.id);
      },
      refuse: (scan) => ({
        title: "No task for this",
        text: `Nothing on the dock waits to go away for ${scan.text}.`,
        shown: `No putaway task for ${scan.text}.`,
      }),
    });

    const scanBin = flow.expect({
      match: (scan, raw) => (isSuggestedBin(s.task, scan) ? raw : null),
      others: [
        {
          match: (scan) => matchesTask(s.task, scan),
          title: "That is the item",
          text: "Now scan the bin label.",
          shown: "That was the item. Scan the bin label.",
        },
      ],
      accept: (raw) => submit(raw, null),
      otherwise: otherBin, // another bin: allowed, with a reason
    });

    function otherBin(scan, raw) {
      s.scanned = { raw, text: scan.text };
      const sug = s.task.suggested_location;
      ctx.feedback.warn(
        "Not the suggested bin",
        sug ? `Suggested: ${sug.code}. Say why to use ${scan.text}.` : `Say why ${scan.text}.`,
      );
      go(
        "reason",
        "warn",
        sug
          ? `${scan.text} is not ${sug.code}. Pick a reason to use it anyway.`
          : `No bin was suggested. Pick a reason to use ${scan.text}.`,
      );
    }

    // --- confirming ----------------------------------------------------------------------

    async function submit(raw, reason) {
      const task = s.task;
      const loose = task.kind !== "lpn";
      const quantity = loose ? s.quantity : task.quantity;
      const label = task.item
        ? `${task.item.sku} ${task.item.name}`
        : `LPN ${task.container?.code}`;
      const what = `${quantity} × ${label}`;
      const to = flow.parse(raw).text;
      await flow.confirm(
        {
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
        },
        {
          sent(d) {
            const bin = d.to_location?.code ?? to;
            ctx.feedback.success("Put away", `${what} in ${bin}`);
            afterDone(task, d.remaining_quantity, {
              kind: "ok",
              text: `Put away ${what} in ${bin}${d.overridden ? " (override recorded)" : ""}.`,
            });
          },
          queued() {
            afterDone(task, task.quantity - quantity, {
              kind: "info",
              text: `Saved on device: ${what} → ${to}. It sends by itself.`,
            });
          },
          refused(err, code) {
            if (code === "override_reason_required") {
              s.scanned = { raw, text: to };
              s.step = "reason";
              say("warn", describe(err));
            } else if (
              code === "task_stale" ||
              (err instanceof ApiError && err.status === 404 && code !== "unknown_barcode")
            ) {
              say("error", `${describe(err)} The task list is reloaded.`);
              s.step = "list";
              loadTasks();
            } else s.step = "bin";
          },
        },
      );
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
      s.task = null;
      s.tasks = cacheGet(keys.putawayTasks) || [];
      go("list", msg.kind, msg.text);
      loadTasks();
    }

    const views = putawayViews(ctx, flow, { openTask, loadTasks, submit });
    flow.steps({
      list: { view: views.list, scan: scanTask },
      bin: { view: views.bin, scan: scanBin },
      reason: { view: views.reason },
    });

    return flow.start(() => {
      if (params.task) openTask(params.task);
      loadTasks();
    });
  },
};
