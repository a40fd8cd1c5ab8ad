// The outbox: every confirmation is written to IndexedDB before it is sent, sent with its
// client id as Idempotency-Key, and replayed in scan order until the server answers.
//
// Record statuses:
//   pending   waiting to be sent (new, or the last try met no network / a 5xx)
//   problem   the server refused a replay (4xx): shown in Exceptions until someone acts
//   refused   the server refused it while the worker was standing there and saw why
//   skipped / rescanned   a problem someone dealt with (kept, with who and when)
// A sent record is deleted: the server holds it now, under its idempotency key.

import { request, ApiError, NetworkError, describe } from "./api.js";
import { done, tx } from "./idb.js";
import { currentSession } from "./session.js";

const STORE = "outbox";
// A worker waits this long for an answer before hearing "saved on device". Safe to give up
// early: if the request did get through, its replay is answered from the idempotency record.
const SEND_TIMEOUT_MS = 4000;
const listeners = new Set();
// client_id -> resolve(outcome): the screen that just submitted waits for its own answer.
const waiters = new Map();
let flushing = null;
let retryTimer = null;
let retryDelay = 5000;

/* Call fn({pending, problems}) after every change; returns a function that stops it. */
export function onChange(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

async function changed() {
  const c = await counts();
  listeners.forEach((fn) => fn(c));
}

/* {what, where, kind, path, body, client_id, context}: store it as pending, return it with its seq. */
export async function enqueue(rec) {
  const record = {
    ...rec,
    method: "POST",
    status: "pending",
    user_id: currentSession()?.user?.id ?? null,
    created_at: new Date().toISOString(),
    attempts: 0,
    last_error: null,
  };
  record.seq = await tx(STORE, "readwrite", (s) => done(s.add(record)));
  await changed();
  return record;
}

/* Store, then send now (after anything older). Resolves to one outcome:
 *   {sent: true, data, replayed}      the server accepted it
 *   {refused: true, error}            the server said no (the record is kept as "refused")
 *   {queued: true, error}             no answer yet: it stays pending and is replayed later */
export async function submit(rec) {
  const record = await enqueue(rec);
  const outcome = new Promise((resolve) => waiters.set(record.client_id, resolve));
  await flush();
  // A flush already under way may have read the queue before this record was stored.
  if (waiters.has(record.client_id)) await flush();
  if (waiters.has(record.client_id))
    settle(record.client_id, { queued: true, error: new NetworkError() });
  return outcome;
}

function settle(clientId, outcome) {
  const resolve = waiters.get(clientId);
  if (resolve) {
    waiters.delete(clientId);
    resolve(outcome);
  }
}

export async function all() {
  return tx(STORE, "readonly", (s) => done(s.getAll()));
}

export async function counts() {
  const rows = await all();
  return {
    pending: rows.filter((r) => r.status === "pending").length,
    problems: rows.filter((r) => r.status === "problem").length,
  };
}

export async function problems() {
  return (await all()).filter((r) => r.status === "problem");
}

async function update(seq, changes) {
  await tx(STORE, "readwrite", async (s) => {
    const rec = await done(s.get(seq));
    if (rec) await done(s.put({ ...rec, ...changes }));
  });
}

async function remove(seq) {
  await tx(STORE, "readwrite", (s) => done(s.delete(seq)));
}

/* Someone dealt with a problem: "skipped" or "rescanned". Kept, never silently gone. */
export async function resolveProblem(seq, how) {
  await update(seq, {
    status: how,
    resolved_at: new Date().toISOString(),
    resolved_by: currentSession()?.user?.username ?? null,
  });
  await changed();
}

export async function escalate(seq) {
  await update(seq, { escalated_at: new Date().toISOString() });
  await changed();
}

/* Send pending records of the signed-in user, oldest first. One flush at a time (per tab,
 * and across tabs where Web Locks exist); the idempotency key makes a double send harmless
 * anyway. Stops at the first record that gets no answer, so order is kept. */
export function flush() {
  if (!flushing) {
    flushing = withLock(flushOnce).finally(() => {
      flushing = null;
    });
  }
  return flushing;
}

function withLock(fn) {
  if (navigator.locks?.request) return navigator.locks.request("scanfloor-outbox", fn);
  return fn();
}

async function flushOnce() {
  const session = currentSession();
  if (!session) return;
  const rows = (await all()).filter((r) => r.status === "pending" && r.user_id === session.user.id);
  rows.sort((a, b) => a.seq - b.seq);
  // The browser knows it has no network: no need to wait for each request to fail.
  let stopped = navigator.onLine === false ? new NetworkError() : null;
  for (const rec of rows) {
    if (stopped) {
      settle(rec.client_id, { queued: true, error: stopped });
      continue;
    }
    try {
      const resp = await request(rec.method, rec.path, {
        body: rec.body,
        headers: { "Idempotency-Key": rec.client_id },
        timeoutMs: SEND_TIMEOUT_MS,
      });
      await remove(rec.seq);
      settle(rec.client_id, { sent: true, data: resp.data, replayed: resp.replayed });
    } catch (err) {
      const error = errorRecord(err);
      if (err instanceof ApiError && err.refused) {
        const live = waiters.has(rec.client_id) && rec.attempts === 0;
        await update(rec.seq, {
          status: live ? "refused" : "problem",
          body: withoutSecrets(rec.body),
          attempts: rec.attempts + 1,
          last_error: error,
          refused_at: new Date().toISOString(),
        });
        settle(rec.client_id, { refused: true, error: err });
      } else {
        // No network, a 5xx, or a token that expired: keep it pending and stop here.
        await update(rec.seq, { attempts: rec.attempts + 1, last_error: error });
        settle(rec.client_id, { queued: true, error: err });
        stopped = err;
      }
    }
  }
  await changed();
  scheduleRetry(stopped);
}

/* A supervisor's PIN rides along only until the server has answered. */
function withoutSecrets(body) {
  if (!body || !body.approval) return body;
  return { ...body, approval: { ...body.approval, pin: null } };
}

function errorRecord(err) {
  return {
    status: err.status ?? 0,
    code: err.code ?? "error",
    message: describe(err),
    details: err.details ?? {},
    at: new Date().toISOString(),
  };
}

/* While something is still pending, try again now and then (backing off to a minute):
 * `online` is not always fired when a dead spot ends. */
function scheduleRetry(stopped) {
  clearTimeout(retryTimer);
  if (!stopped) {
    retryDelay = 5000;
    return;
  }
  retryTimer = setTimeout(() => flush(), retryDelay);
  retryDelay = Math.min(retryDelay * 2, 60000);
}

/* Replay on reconnect, when the app comes back to the foreground, and at start. */
export function startReplayTriggers() {
  window.addEventListener("online", () => {
    retryDelay = 5000;
    flush();
  });
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") flush();
  });
  flush();
}
