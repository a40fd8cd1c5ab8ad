// IndexedDB, promised: the one database this app keeps (the outbox of confirmations).

const NAME = "scanfloor";
const VERSION = 1;
let opening = null;

export function openDb() {
  if (opening) return opening;
  opening = new Promise((resolve, reject) => {
    const req = indexedDB.open(NAME, VERSION);
    req.onupgradeneeded = () => {
      const db = req.result;
      // Keyed by an auto-increment sequence, so records come back in the order they were
      // scanned (a UUID key would return them in UUID order); the client id is unique.
      const store = db.createObjectStore("outbox", { keyPath: "seq", autoIncrement: true });
      store.createIndex("client_id", "client_id", { unique: true });
      store.createIndex("status", "status", { unique: false });
    };
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
    req.onblocked = () => reject(new Error("the scanner database is open in an older tab"));
  });
  return opening;
}

export function done(req) {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

export async function tx(storeName, mode, fn) {
  const db = await openDb();
  return new Promise((resolve, reject) => {
    const t = db.transaction(storeName, mode);
    let result;
    Promise.resolve(fn(t.objectStore(storeName))).then((r) => {
      result = r;
    }, reject);
    t.oncomplete = () => resolve(result);
    t.onerror = () => reject(t.error);
    t.onabort = () => reject(t.error || new Error("transaction aborted"));
  });
}
