// Feedback on every scan: a sound (Web Audio), a vibration where supported, and a
// full-screen colour with a symbol and words, so no outcome is told by colour alone.
// The success sound means "accepted by the rules", never just "decoded".

const KINDS = {
  success: { symbol: "✓", ms: 800, vibrate: [60] },
  error: { symbol: "✕", ms: 2200, vibrate: [220, 100, 220] },
  warn: { symbol: "!", ms: 1500, vibrate: [120, 80, 120] },
  info: { symbol: "i", ms: 900, vibrate: [30] },
};
// Each kind sounds different in pitch, rhythm and timbre (told apart without looking).
const TONES = {
  success: [
    { f: 880, d: 0.08, type: "sine" },
    { f: 1320, d: 0.12, type: "sine" },
  ],
  error: [
    { f: 180, d: 0.28, type: "square" },
    { f: 0, d: 0.08 },
    { f: 180, d: 0.28, type: "square" },
  ],
  warn: [
    { f: 620, d: 0.14, type: "triangle" },
    { f: 0, d: 0.06 },
    { f: 620, d: 0.14, type: "triangle" },
  ],
  info: [{ f: 1000, d: 0.06, type: "sine" }],
};

let audio = null;
let hideTimer = null;
const log = [];

/* Browsers only let sound start after a gesture: the "Start shift" tap (or any tap/key). */
export function unlockAudio() {
  try {
    if (!audio) {
      const Ctx = window.AudioContext || window.webkitAudioContext;
      if (!Ctx) return false;
      audio = new Ctx();
    }
    if (audio.state === "suspended") audio.resume();
    return true;
  } catch {
    return false;
  }
}

export function audioReady() {
  return !!audio && audio.state === "running";
}

function play(kind) {
  if (!audio || audio.state !== "running") return false;
  let t = audio.currentTime + 0.01;
  for (const tone of TONES[kind]) {
    if (tone.f) {
      const osc = audio.createOscillator();
      const gain = audio.createGain();
      osc.type = tone.type;
      osc.frequency.value = tone.f;
      gain.gain.setValueAtTime(0.0001, t);
      gain.gain.exponentialRampToValueAtTime(0.4, t + 0.01);
      gain.gain.exponentialRampToValueAtTime(0.0001, t + tone.d);
      osc.connect(gain).connect(audio.destination);
      osc.start(t);
      osc.stop(t + tone.d + 0.02);
    }
    t += tone.d;
  }
  return true;
}

/* kind: success | error | warn | info. Title is one or two words; text says what happened. */
export function signal(kind, title, text = "") {
  const spec = KINDS[kind] || KINDS.info;
  const sounded = play(kind);
  let vibrated = false;
  try {
    vibrated = typeof navigator.vibrate === "function" && navigator.vibrate(spec.vibrate);
  } catch {
    vibrated = false;
  }
  const flash = document.getElementById("flash");
  if (flash) {
    flash.dataset.kind = kind;
    document.getElementById("flash-symbol").textContent = spec.symbol;
    document.getElementById("flash-title").textContent = title;
    document.getElementById("flash-text").textContent = text;
    flash.hidden = false;
    clearTimeout(hideTimer);
    hideTimer = setTimeout(() => {
      flash.hidden = true;
    }, spec.ms);
  }
  const entry = { kind, title, text, sounded, vibrated, at: new Date().toISOString() };
  log.push(entry);
  if (log.length > 50) log.shift();
  document.body.dataset.lastFeedback = kind;
  document.dispatchEvent(new CustomEvent("scanfloor:feedback", { detail: entry }));
  return entry;
}

export function hideFlash() {
  clearTimeout(hideTimer);
  const flash = document.getElementById("flash");
  if (flash) flash.hidden = true;
}

export const success = (title, text) => signal("success", title, text);
export const error = (title, text) => signal("error", title, text);
export const warn = (title, text) => signal("warn", title, text);
export const info = (title, text) => signal("info", title, text);

/* The recent signals, newest last (for the settings screen and the browser tests). */
export function recent() {
  return log.slice();
}
