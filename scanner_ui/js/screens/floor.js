// What the floor screens (pick, pack, ship, count, returns, inspect) share: the warehouse this
// device works in (and the buttons to choose it), and a POST that needs the network now
// (packing and shipping, claiming work), outside the outbox.

import { describe, get, request } from "../api.js";
import { button, h } from "../dom.js";
import { deviceUser } from "../session.js";
import { newClientId } from "../settings.js";
import { fresh } from "../task-cache.js";

const WAREHOUSE_KEY = "scanfloor.warehouse";

/* The warehouses (fresh, or the device's copy in a dead spot), and the one this device works
 * in: the only one, or the one tapped last. */
export async function loadWarehouses() {
  const r = await fresh(
    "warehouses",
    async () => (await get("/locations?level=warehouse&active=true&limit=50")).locations,
  );
  return r.value;
}

export function chosenWarehouse(warehouses) {
  const list = warehouses || [];
  if (list.length === 1) return list[0];
  const code = localStorage.getItem(WAREHOUSE_KEY);
  return list.find((w) => w.code === code) || null;
}

export function chooseWarehouse(w) {
  localStorage.setItem(WAREHOUSE_KEY, w.code);
}

/* A task flow's warehouses into s.warehouses (none, and why on the screen, when they cannot
 * be had), then the step drawn again. */
export async function showWarehouses(flow) {
  try {
    flow.s.warehouses = await loadWarehouses();
  } catch (err) {
    flow.s.warehouses = [];
    flow.say("error", describe(err));
  }
  flow.paint();
}

/* One button per warehouse, the chosen one pressed; nothing when there is no choice to make. */
export function warehouseButtons(list, chosen, choose) {
  if (!list || list.length < 2) return null;
  return h(
    "div",
    { class: "list", role: "group", "aria-label": "Warehouse" },
    list.map((w) =>
      button(w.code, () => choose(w), {
        kind: chosen?.code === w.code ? "primary" : "",
        sub: w.name,
        attrs: { "aria-pressed": String(chosen?.code === w.code) },
      }),
    ),
  );
}

/* Whether a task flow may claim work now, and where: the warehouse chosen, the network there,
 * and this worker's records under `records` (a path prefix) all sent, flushing them first:
 * the server hands back a task this worker still holds, so its records must be in before.
 * The warehouse, or null with why said (words: offline, offlineShown, sending, sendingShown,
 * chooseShown, null for the feedback alone). */
export async function readyToClaim(ctx, flow, records, words) {
  const w = chosenWarehouse(flow.s.warehouses);
  const { chooseShown = "Tap the warehouse you work in." } = words;
  if (!w) {
    ctx.feedback.warn("Choose a warehouse", "Tap the warehouse you work in.");
    if (chooseShown) flow.go("start", "warn", chooseShown);
    return null;
  }
  if (navigator.onLine === false) {
    ctx.feedback.error("No network", words.offline);
    flow.go("start", "error", words.offlineShown);
    return null;
  }
  const unsent = async () =>
    (await ctx.outbox.pendingOf(deviceUser()?.id)).some((r) => r.path.startsWith(records));
  if (await unsent()) await ctx.outbox.flush();
  if (await unsent()) {
    ctx.feedback.warn("Still sending", words.sending);
    flow.go("start", "warn", words.sendingShown);
    return null;
  }
  return w;
}

/* A POST that needs the network now (no outbox): its own client id as Idempotency-Key, and
 * as client_scan_id in the body where the endpoint takes one (scan: true). */
export function postNow(path, body = {}, { scan = true } = {}) {
  const id = newClientId();
  return request("POST", path, {
    body: scan ? { ...body, client_scan_id: id } : body,
    headers: { "Idempotency-Key": id },
  }).then((r) => r.data);
}
