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
import { currentSession, deviceUser } from "./session.js";

const STORE = "outbox";
// A send gives up after this long; the record stays pending and is replayed later. Safe: if
// the request did get through, its replay is answered from the idempotency record.
const SEND_TIMEOUT_MS = 4000;
// A worker who confirms with nothing queued before it hears the server's own answer if it
// comes within this long (a refusal can then be dealt with on the spot); else "saved on
// device" from the checks already made here, and the server's answer comes in its turn.
export const ANSWER_WAIT_MS = 1000;
const listeners = new Set();
const signInListeners = new Set();
// client_id -> resolve(outcome): the screen that just submitted waits for its own answer.
const waiters = new Map();
let flushing = null;
let flushAgain = false;
let retryTimer = null;
let retryDelay = 5000;

/* Call fn({pending, problems}) after every change; returns a function that stops it. */
export function onChange(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

/* Call fn({pending}) when scans wait to be sent, the server answers, and the worker's token
 * has ended: only signing in again can send them. */
export function onSignInNeeded(fn) {
  signInListeners.add(fn);
  return () => signInListeners.delete(fn);
}

// Counting is coalesced: while a queue drains, the header follows each record that lands
// without a recount per record piling up behind the sends.
let recount = null;
let recountAgain = false;
function changed() {
  if (recount) {
    recountAgain = true;
    return recount;
  }
  recount = (async () => {
    do {
      recountAgain = false;
      const c = await counts();
      listeners.forEach((fn) => fn(c));
    } while (recountAgain);
  })().finally(() => {
    recount = null;
  });
  return recount;
}

/* {what, where, kind, path, body, client_id, context}: store it as pending, return it with its
 * seq. It keeps the worker who scanned it, even if their token has ended on this device. */
export async function enqueue(rec) {
  const user = deviceUser();
  const record = {
    ...rec,
    method: "POST",
    status: "pending",
    user_id: user?.id ?? null,
    user_name: user ? user.display_name || user.username : null,
    created_at: new Date().toISOString(),
    attempts: 0,
    last_error: null,
  };
  record.seq = await tx(STORE, "readwrite", (s) => done(s.add(record)));
  changed();
  return record;
}

/* Store, then answer at once; it goes to the server in its turn. Resolves to one outcome:
 *   {sent: true, data, replayed}      the server accepted it
 *   {refused: true, error}            the server said no (the record is kept as "refused")
 *   {queued: true, reason, error}     saved on the device, sent later; reason: "offline",
 *                                      "backlog" (older scans go first), "slow" (no answer
 *                                      within ANSWER_WAIT_MS), "signin" (token ended)
 * Never waits behind a backlog: with anything older still to send, it is queued at once. */
export async function submit(rec, { waitMs = ANSWER_WAIT_MS } = {}) {
  const record = await enqueue(rec);
  const outcome = new Promise((resolve) => waiters.set(record.client_id, resolve));
  const queued = (reason, error = new NetworkError()) =>
    settle(record.client_id, { queued: true, reason, error });
  if (!currentSession()) queued("signin");
  else if (navigator.onLine === false) queued("offline");
  else if (flushing || (await olderPending(record))) queued("backlog");
  else
    setTimeout(
      () => queued("slow", new NetworkError("the server did not answer in time")),
      waitMs,
    );
  flush();
  return outcome;
}

/* Is anything of the same worker, older than rec, still waiting to be sent? */
async function olderPending(rec) {
  return tx(STORE, "readonly", (s) => {
    const req = s.index("status").openCursor(IDBKeyRange.only("pending"));
    return new Promise((resolve, reject) => {
      req.onerror = () => reject(req.error);
      req.onsuccess = () => {
        const cur = req.result;
        if (!cur || cur.value.seq >= rec.seq) resolve(false);
        else if (cur.value.user_id === rec.user_id) resolve(true);
        else cur.continue();
      };
    });
  });
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
  return tx(STORE, "readonly", async (s) => {
    const status = s.index("status");
    const [pending, problems] = await Promise.all([
      done(status.count("pending")),
      done(status.count("problem")),
    ]);
    return { pending, problems };
  });
}

/* Pending records of one worker (by user id), oldest first. */
export async function pendingOf(userId) {
  const rows = await tx(STORE, "readonly", (s) =>
    done(s.index("status").getAll(IDBKeyRange.only("pending"))),
  );
  return rows.filter((r) => r.user_id === userId).sort((a, b) => a.seq - b.seq);
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
 * anyway. Stops at the first record that gets no answer, so order is kept. A flush asked for
 * while one runs runs again after it (a record stored meanwhile goes in its turn). Records of
 * another worker wait for that worker to sign in (Exceptions lists them). */
export function flush() {
  if (flushing) {
    flushAgain = true;
    return flushing;
  }
  flushing = (async () => {
    let stopped;
    do {
      flushAgain = false;
      stopped = await withLock(flushOnce);
    } while (flushAgain && !stopped);
  })().finally(() => {
    flushing = null;
  });
  return flushing;
}

function withLock(fn) {
  if (navigator.locks?.request) return navigator.locks.request("scanfloor-outbox", fn);
  return fn();
}

/* One pass over the queue; returns the error it stopped at, or null. */
async function flushOnce() {
  const session = currentSession();
  if (!session) return askForSignIn();
  const rows = await pendingOf(session.user.id);
  // The browser knows it has no network: no need to wait for each request to fail.
  let stopped = navigator.onLine === false ? new NetworkError() : null;
  for (const rec of rows) {
    if (stopped) {
      settle(rec.client_id, { queued: true, reason: "offline", error: stopped });
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
        // No network, a 5xx, or a token that ended (401: the app asks for sign-in): keep it
        // pending and stop here.
        await update(rec.seq, { attempts: rec.attempts + 1, last_error: error });
        const reason = err.status === 401 ? "signin" : "offline";
        settle(rec.client_id, { queued: true, reason, error: err });
        stopped = err;
      }
    }
    changed(); // the header counts down as each one lands
  }
  await changed();
  scheduleRetry(stopped && !(stopped.status === 401));
  return stopped;
}

/* No token: if the device's worker has scans waiting and the server can be reached, they
 * need to sign in (told to onSignInNeeded). In a dead spot, try again later. */
async function askForSignIn() {
  const user = deviceUser();
  const waiting = user ? await pendingOf(user.id) : [];
  for (const rec of waiting)
    settle(rec.client_id, { queued: true, reason: "signin", error: new NetworkError() });
  if (!waiting.length) return null;
  const stopped = new NetworkError("sign in to send");
  if (navigator.onLine !== false && (await serverAnswers())) {
    signInListeners.forEach((fn) => fn({ pending: waiting.length, user }));
    scheduleRetry(false);
  } else scheduleRetry(true);
  return stopped;
}

async function serverAnswers() {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), 2500);
  try {
    const resp = await fetch("/healthz", { cache: "no-store", signal: controller.signal });
    return resp.ok;
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
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
