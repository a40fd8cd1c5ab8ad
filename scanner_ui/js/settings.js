// Scanner settings (per device, in localStorage) and the device id this browser signs in with.

const KEY = "scanfloor.settings";
const DEVICE_KEY = "scanfloor.device_id";

export const DEFAULTS = Object.freeze({
  // A wedge scanner types keys 1-40 ms apart; people rarely type faster than 80 ms a key.
  scanGapMs: 50,
  scanMinLength: 4,
  // The character a scanner is set to send instead of GS (ASCII 29), which has no key.
  gsStandIn: "|",
  cameraFps: 8,
  cameraDedupeMs: 1500,
  // With nothing queued before it, a confirmation waits this long for the server's own answer
  // (so a refusal can be dealt with on the spot), then answers "saved on device".
  answerWaitMs: 1000,
});

export function loadSettings() {
  let stored = {};
  try {
    stored = JSON.parse(localStorage.getItem(KEY) || "{}") || {};
  } catch {
    stored = {};
  }
  const merged = { ...DEFAULTS, ...stored };
  merged.scanGapMs = positive(merged.scanGapMs, DEFAULTS.scanGapMs);
  merged.scanMinLength = positive(merged.scanMinLength, DEFAULTS.scanMinLength);
  merged.cameraFps = Math.min(10, Math.max(5, positive(merged.cameraFps, DEFAULTS.cameraFps)));
  merged.cameraDedupeMs = positive(merged.cameraDedupeMs, DEFAULTS.cameraDedupeMs);
  merged.answerWaitMs = Math.min(4000, positive(merged.answerWaitMs, DEFAULTS.answerWaitMs));
  if (typeof merged.gsStandIn !== "string" || merged.gsStandIn.length > 1)
    merged.gsStandIn = DEFAULTS.gsStandIn;
  return merged;
}

export function saveSettings(changes) {
  const next = { ...loadSettings(), ...changes };
  localStorage.setItem(KEY, JSON.stringify(next));
  return loadSettings();
}

function positive(value, fallback) {
  const n = Number(value);
  return Number.isFinite(n) && n > 0 ? n : fallback;
}

/* Generated once and kept: the server records it with every sign-in and movement. */
export function deviceId() {
  let id = localStorage.getItem(DEVICE_KEY);
  if (!id) {
    id = `scanner-${crypto.randomUUID()}`;
    localStorage.setItem(DEVICE_KEY, id);
  }
  return id;
}

export function newClientId() {
  return crypto.randomUUID();
}
