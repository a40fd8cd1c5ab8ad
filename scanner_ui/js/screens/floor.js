// What the floor screens (pick, pack, ship) share: the warehouse this device works in, and a
// POST that needs the network now (packing and shipping, claiming work), outside the outbox.

import { get, request } from "../api.js";
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

/* A POST that needs the network now (no outbox): its own client id as Idempotency-Key, and
 * as client_scan_id in the body where the endpoint takes one (scan: true). */
export function postNow(path, body = {}, { scan = true } = {}) {
  const id = newClientId();
  return request("POST", path, {
    body: scan ? { ...body, client_scan_id: id } : body,
    headers: { "Idempotency-Key": id },
  }).then((r) => r.data);
}
