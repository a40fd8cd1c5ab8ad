// Boot: service worker, scan capture (wedge and camera), feedback, the outbox and its replay
// triggers, the header, and the screens.

import * as api from "./api.js";
import { CameraScanner } from "./camera.js";
import * as feedback from "./feedback.js";
import * as outbox from "./outbox.js";
import { Router } from "./router.js";
import { ScanCapture } from "./scan-capture.js";
import { deviceUser, endSession } from "./session.js";
import { deviceId, loadSettings } from "./settings.js";
import dockQueue from "./screens/dock-queue.js";
import exceptions from "./screens/exceptions.js";
import home from "./screens/home.js";
import inspect from "./screens/inspect.js";
import pack from "./screens/pack.js";
import count from "./screens/count.js";
import pick from "./screens/pick.js";
import putaway from "./screens/putaway.js";
import receive from "./screens/receive.js";
import replenish from "./screens/replenish.js";
import returns from "./screens/returns.js";
import scannerSettings from "./screens/scanner-settings.js";
import ship from "./screens/ship.js";
import signin from "./screens/signin.js";

const $ = (id) => document.getElementById(id);
let settings = loadSettings();

function registerServiceWorker() {
  if (!("serviceWorker" in navigator)) return;
  navigator.serviceWorker.register("/scanner/sw.js", { scope: "/scanner/" }).catch((err) => {
    console.warn("service worker not registered:", err);
  });
}

function showNetwork() {
  const net = $("net");
  const online = navigator.onLine;
  net.dataset.online = String(online);
  net.textContent = online ? "Online" : "Offline";
}

function showCounts({ pending, problems }) {
  const badge = $("outbox-badge");
  badge.textContent = `${pending} pending · ${problems} problems`;
  badge.dataset.pending = String(pending > 0);
  badge.dataset.problems = String(problems > 0);
}

function boot() {
  registerServiceWorker();
  deviceId();

  const camera = new CameraScanner({
    video: $("camera-video"),
    status: $("camera-status"),
    getSettings: () => settings,
    onDecode: (raw) => router.dispatchScan(raw, "camera"),
  });

  const capture = new ScanCapture({
    sink: $("scan-sink"),
    getSettings: () => settings,
    onScan: (raw, source) => router.dispatchScan(raw, source),
  });

  const ctx = {
    api,
    outbox,
    feedback,
    deviceId: deviceId(),
    settings: () => settings,
    reloadSettings: () => {
      settings = loadSettings();
      return settings;
    },
    navigate: (route) => router.navigate(route),
    refocus: () => capture.refocus(),
    camera: {
      get running() {
        return camera.running;
      },
      async toggle() {
        if (camera.running) {
          camera.stop();
          $("camera").hidden = true;
          return false;
        }
        $("camera").hidden = false;
        try {
          await camera.start();
          return true;
        } catch (err) {
          $("camera").hidden = true;
          feedback.error("No camera", err?.message || String(err));
          return false;
        }
      },
      stop() {
        camera.stop();
        $("camera").hidden = true;
      },
    },
  };

  const router = new Router({
    outlet: $("screen"),
    screens: {
      signin,
      home,
      receive,
      returns,
      inspect,
      putaway,
      replenish,
      pick,
      count,
      pack,
      ship,
      exceptions,
      "dock-queue": dockQueue,
      settings: scannerSettings,
    },
    ctx,
    onTitle: (title) => {
      $("screen-title").textContent = title;
      document.title = `${title} · Scanfloor scanner`;
    },
  });

  // The token ended (expired on this device, or the server refused it): the worker is kept
  // (their queued scans stay theirs) and asked to sign in, then comes back to this screen.
  // The sign-in screen says why; the flash is only the sound and colour of it.
  function askSignIn(title, text) {
    if (router.currentId === "signin") return;
    feedback.warn(title, text);
    const back = router.currentId === "home" ? "" : router.route();
    router.navigate(`signin?why=send&next=${encodeURIComponent(back)}`);
  }
  api.onUnauthorized(() => {
    endSession();
    askSignIn("Sign in again", "Your session ended. Saved scans are kept.");
  });
  outbox.onSignInNeeded(({ pending }) =>
    askSignIn("Sign in to send", `${pending} saved scans wait for you to sign in.`),
  );

  outbox.onChange(showCounts);
  outbox.counts().then(showCounts);
  window.addEventListener("online", showNetwork);
  window.addEventListener("offline", showNetwork);
  showNetwork();
  $("outbox-badge").addEventListener("click", () =>
    router.navigate(deviceUser() ? "exceptions" : "signin"),
  );

  // Any tap or key is a gesture that may start audio; "Start shift" makes it explicit.
  const unlock = () => feedback.unlockAudio();
  window.addEventListener("pointerdown", unlock, { capture: true });
  window.addEventListener("keydown", unlock, { capture: true });

  capture.start();
  router.render();
  outbox.startReplayTriggers();

  // For the browser tests and for support: read-only peeks at the device's state.
  window.scanfloor = {
    settings: () => settings,
    feedback: () => feedback.recent(),
    outbox: () => outbox.all(),
    flush: () => outbox.flush(),
    screen: () => router.currentId,
  };
  document.body.dataset.ready = "true";
}

boot();
