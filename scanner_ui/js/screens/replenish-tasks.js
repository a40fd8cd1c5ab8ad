// The replenish screen's task on the device and on the server: claiming the next task of
// the warehouse (the network is needed: the server hands out tasks), coming back to the one
// this device holds (its saved copy, then the server's unless moves of it still wait in the
// outbox), the server's fresh copy of its reserve bins, and giving the task back.
// Calls back into the screen through its hooks: show(task, stale), forget() and save().

import { ApiError, describe, get } from "../api.js";
import { deviceUser } from "../session.js";
import { cacheGet } from "../task-cache.js";
import { postNow, readyToClaim } from "./floor.js";

export const CURRENT = "replenish.current";
export const PATHS = "/replenishment-tasks/";
export const taskKey = (id) => `replenish.task.${id}`;
export const taskUrl = (id) => `/replenishment-tasks/${encodeURIComponent(id)}`;
const LIVE = ["open", "claimed"];

export function replenishTasks(ctx, flow, { show, forget, save }) {
  const { s, say, paint, go } = flow;

  /* Moves of this task still in the outbox: the server's copy does not know them yet. */
  async function unsent(taskId) {
    const prefix = `${taskUrl(taskId)}/`;
    return (await ctx.outbox.all()).filter(
      (r) => r.status === "pending" && r.path.startsWith(prefix),
    ).length;
  }

  /* The server's copy of a task this worker holds, or why it cannot go on with it. */
  function usable(task) {
    const mine = task.claimed_by && task.claimed_by.id === deviceUser()?.id;
    return LIVE.includes(task.status) && mine;
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
      if (!usable(task)) {
        forget();
        go("start", "info", "That task is finished or with someone else. Get a task again.");
        return;
      }
      show(task);
    } catch (err) {
      if (err instanceof ApiError && (err.status === 404 || err.status === 403)) {
        forget();
        go("start", "error", `${describe(err)} Get a task again.`);
      } else if (!saved) go("start", "error", describe(err));
    }
  }

  /* The server's fresh copy (its reserve bins as they stand now), unless moves of this task
   * still wait in the outbox (the device's copy is newer) or there is no network. */
  async function refresh() {
    if (navigator.onLine === false || (await unsent(s.task.id))) return false;
    try {
      const task = await get(taskUrl(s.task.id), { timeoutMs: ctx.settings().answerWaitMs });
      if (!flow.alive) return false;
      if (!usable(task)) {
        forget();
        go("start", "warn", "That task is finished or with someone else. Get a task again.");
        return null;
      }
      s.task = task;
      save();
      return true;
    } catch {
      return false;
    }
  }

  async function claim() {
    const w = await readyToClaim(ctx, flow, PATHS, {
      offline: "Getting a task needs the network.",
      offlineShown: "Getting a task needs the network. Try again where there is signal.",
      sending: "Your last moves are still being sent.",
      sendingShown: "Your last moves are still being sent. Get a task once they are.",
    });
    if (!w) return;
    go("start", "info", "Getting a task…");
    try {
      const data = await postNow(`${PATHS}claim`, { warehouse: w.code, device_id: ctx.deviceId });
      if (!data.task) {
        ctx.feedback.info("Nothing to refill", `No pick face to refill in ${w.code} right now.`);
        go("start", "info", `Nothing to refill in ${w.code} right now.`);
        return;
      }
      ctx.feedback.success("Task", `Refill ${data.task.to_location.code}`);
      show(data.task);
    } catch (err) {
      ctx.feedback.error("No task claimed", describe(err));
      go("start", "error", describe(err));
    }
  }

  /* Give the task back (to the queue), e.g. at the end of a shift. */
  async function release() {
    const task = s.task;
    if (navigator.onLine === false || (await unsent(task.id))) {
      ctx.feedback.warn("Not now", "Moves of this task are still to be sent.");
      go(s.step, "warn", "Give it back once your moves are sent (needs the network).");
      return;
    }
    try {
      await postNow(`${taskUrl(task.id)}/release`, {}, { scan: false });
      forget();
      ctx.feedback.info("Given back", `${task.to_location.code} is back in the queue.`);
      go("start", "info", `Task given back: ${task.to_location.code} is back in the queue.`);
    } catch (err) {
      ctx.feedback.error("Not given back", describe(err));
      go(s.step, "error", describe(err));
    }
  }

  return { claim, resume, refresh, release };
}
