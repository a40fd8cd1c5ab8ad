// Finding a return, for the Returns and Inspect screens: by a scanned or typed code from the
// server, or in a dead spot from the returns this device keeps (every return it opened is
// saved, findable offline by its RMA number and the codes it was found by).

import { ApiError, describe, get } from "../api.js";
import { cacheGet, cachePut } from "../task-cache.js";
import { parseRmaNumber } from "./returns-rules.js";

export const rmaKey = (id) => `returns.rma.${id}`;
const codeKey = (code) => `returns.code.${String(code).trim().toUpperCase()}`;
export const rmaUrl = (id) => `/returns/${encodeURIComponent(id)}`;

/* Keep a return on the device, findable offline by its number and the codes it was found by. */
export function saveRma(rma, ...codes) {
  cachePut(rmaKey(rma.id), rma);
  for (const code of [rma.number, rma.external_id, rma.order?.external_id, ...codes])
    if (code) cachePut(codeKey(code), rma.id);
  return rma;
}

function savedRmaFor(text) {
  const id = parseRmaNumber(text) ?? cacheGet(codeKey(text));
  return id == null ? null : cacheGet(rmaKey(id));
}

/* What a scanned or typed code is: {rma, stale?} | {order} | {none} | {offline}. Asks the
 * server; in a dead spot, the returns saved on this device. */
export async function findReturn(text, warehouse) {
  if (navigator.onLine !== false) {
    const q = new URLSearchParams({ code: text });
    if (warehouse) q.set("warehouse", warehouse.code);
    try {
      const d = await get(`/returns/lookup?${q}`);
      if (d.rma) return { rma: saveRma(d.rma, text) };
      if (d.order) return { order: d.order };
      return { none: true };
    } catch (err) {
      if (err instanceof ApiError && err.status === 404) return { none: true };
      if (!err?.retryable) throw err;
    }
  }
  const saved = savedRmaFor(text);
  return saved ? { rma: saved, stale: true } : { offline: true };
}

/* findReturn for a screen's scan: {rma, stale?} | {order} | {none}, or null when the screen
 * said why not already (the lookup failed, or the code is not on this device offline) or is
 * gone. */
export async function findScanned(flow, text, warehouse) {
  let r;
  try {
    r = await findReturn(text, warehouse);
  } catch (err) {
    flow.refuse("Not found", describe(err));
    return null;
  }
  if (!flow.alive) return null;
  if (r.offline) {
    flow.refuse(
      "No network",
      `${text} is not saved on this device and there is no network.`,
      `Offline: ${text} is not saved on this device. Scan it where there is signal.`,
    );
    return null;
  }
  return r;
}

/* Scans of this return still in the outbox: the server's copy does not know them yet. */
export async function unsentFor(ctx, id) {
  const prefix = `${rmaUrl(id)}/`;
  return (await ctx.outbox.all()).filter(
    (r) => r.status === "pending" && r.path.startsWith(prefix),
  ).length;
}

/* Open a return by id (a reload, a tap in a list): the device's copy at once, then the
 * server's, unless scans of it wait in the outbox (the device's copy is the newer one then).
 * show(rma, stale) draws it; the server's copy is drawn only while the screen still shows
 * that return (or none) and showFresh() agrees. */
export async function openReturn(ctx, flow, id, show, showFresh) {
  const saved = cacheGet(rmaKey(id));
  if (saved) show(saved, navigator.onLine === false);
  if (navigator.onLine === false) {
    if (!saved) flow.go("start", "error", "This return is not saved on the device (no network).");
    return;
  }
  if (saved && (await unsentFor(ctx, id))) return; // the device's copy is the newer one
  try {
    const rma = saveRma(await get(rmaUrl(id)));
    const s = flow.s;
    if (flow.alive && (!s.rma || s.rma.id === rma.id) && showFresh()) show(rma);
  } catch (err) {
    if (!saved) flow.go("start", "error", describe(err));
  }
}
