// The current work, cached on the device so scanning goes on through a dead spot: the open
// purchase orders, each PO's scan context, the putaway tasks and each task with its barcodes.
// Local changes (a line received, a task done) are applied here too, until the server's
// fresh copy replaces them.

const PREFIX = "scanfloor.cache.";

export function cacheGet(key) {
  try {
    const entry = JSON.parse(localStorage.getItem(PREFIX + key) || "null");
    return entry ? entry.value : null;
  } catch {
    return null;
  }
}

export function cacheAge(key) {
  try {
    const entry = JSON.parse(localStorage.getItem(PREFIX + key) || "null");
    return entry ? Date.now() - new Date(entry.at).getTime() : null;
  } catch {
    return null;
  }
}

export function cachePut(key, value) {
  try {
    localStorage.setItem(PREFIX + key, JSON.stringify({ at: new Date().toISOString(), value }));
  } catch {
    // Storage full: the app still works online; the dead-spot cache is a convenience.
  }
  return value;
}

export function cacheUpdate(key, fn) {
  const value = cacheGet(key);
  if (value !== null) cachePut(key, fn(value));
}

/* Fetch fresh data and cache it; with no network, answer from the cache (flagged stale). */
export async function fresh(key, load) {
  try {
    const value = await load();
    cachePut(key, value);
    return { value, stale: false };
  } catch (err) {
    const cached = cacheGet(key);
    if (cached !== null && err && err.retryable) return { value: cached, stale: true, error: err };
    throw err;
  }
}

export const keys = {
  openPos: "pos.open",
  poContext: (id) => `po.${id}`,
  putawayTasks: "putaway.tasks",
  putawayTask: (id) => `putaway.task.${id}`,
};
