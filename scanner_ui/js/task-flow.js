// A workflow screen as a task flow: the machinery receive, putaway (and pick, pack, count,
// returns) share, so a screen holds only its steps, checks and words.
//
//   const flow = taskFlow(ctx, { state: {...}, first: "list" });
//   flow.steps({ list: { view, scan }, bin: { view, scan: flow.expect({...}) }, why: { view } });
//   return flow.start(() => { /* load the first data */ });
//
// What the flow does for every screen:
// - one instruction at a time: `s.step` names the step, `paint()` draws that step's view
//   (focusing a field marked `data-focus`, else giving the focus back to the scan sink);
// - scans go to the current step's `scan(scan, raw)`, one at a time in the order scanned: a
//   scan that comes while the screen still works on the last one waits its turn (a few; more
//   are refused out loud); a step with no `scan` answers with a warning (`hold`), and a scan
//   that a step answered with no signal still gets one, so no scan is ever silent;
// - `expect()` checks a scan against the device's saved task first (works in a dead spot) and
//   answers from it at once; if the step allows, it then asks the server what the code is
//   (`/barcodes/resolve`) to say more precisely why not;
// - `confirm()` stores the confirmation in the outbox (client_scan_id = Idempotency-Key) and
//   answers at once: sent, saved on the device (queued: offline, behind older scans, or no
//   answer within `answerWaitMs`) or refused (the screen says what to ask next);
// - `load()` reads a list fresh, or the saved copy offline; `actions()` is the bottom bar.

import { ApiError, NetworkError, describe, post } from "./api.js";
import { button, h, message, render } from "./dom.js";
import { parseScan } from "./gs1.js";
import { newClientId } from "./settings.js";
import { fresh } from "./task-cache.js";

const RESOLVE_TIMEOUT_MS = 2500;
// Scans waiting for the screen to finish the one before: more than this are refused aloud.
const MAX_WAITING_SCANS = 4;

export function taskFlow(ctx, { state = {}, first, hold = ["Finish this step first", ""] }) {
  const el = h("section", { class: "screen-body" });
  const s = { step: first, msg: null, busy: false, ...state };
  let steps = {};
  let alive = true;
  let signals = 0;
  const waiting = []; // scans taken while the screen worked on an earlier one
  let scanning = false;
  let idle = null; // resolves when a confirmation in progress has its answer
  const count = () => {
    signals += 1;
  };

  const flow = {
    el,
    s,
    get alive() {
      return alive;
    },
    steps(defs) {
      steps = defs;
    },
    parse: (raw) => parseScan(raw, { standIns: [ctx.settings().gsStandIn] }),

    // --- what the worker sees -----------------------------------------------------------

    say(kind, text) {
      s.msg = kind ? { kind, text } : null;
    },
    /* The step's message line (null when there is none). */
    message: () => (s.msg ? message(s.msg.kind, s.msg.text) : null),
    paint() {
      const step = steps[s.step] || steps[first];
      render(el, step.view());
      const field = el.querySelector("[data-focus]");
      if (field) field.focus();
      else ctx.refocus();
    },
    /* Keep the task in the address (no re-mount): a reload, or signing in again after the
     * token ended, comes back to it. */
    remember(route) {
      const hash = `#/${route}`;
      if (alive && location.hash !== hash) history.replaceState(history.state, "", hash);
    },
    /* Go to a step; with kind and text, say them there (else the message is cleared). */
    go(step, kind = null, text = "") {
      s.step = step;
      flow.say(kind, text);
      flow.paint();
    },
    /* A scan that cannot be used: the error sound and colour, and why on the screen. */
    refuse(title, text, shown = text) {
      ctx.feedback.error(title, text);
      flow.say("error", shown);
      flow.paint();
    },
    /* A scan that can be used with care (or the wrong thing for this step): a warning. */
    caution(title, text, shown = text) {
      ctx.feedback.warn(title, text);
      flow.say("warn", shown);
      flow.paint();
    },
    /* The bottom bar of a scanning step: its buttons, then the camera toggle, in thumb reach. */
    actions(...buttons) {
      return [
        h("div", { class: "grow" }),
        h(
          "div",
          { class: "actions" },
          buttons,
          button(ctx.camera.running ? "Stop camera" : "Scan with camera", async () => {
            await ctx.camera.toggle();
            flow.paint();
          }),
        ),
      ];
    },

    // --- scans --------------------------------------------------------------------------

    /* Every scan is taken: handled now, or after the one in progress (in order). */
    onScan(raw) {
      if (waiting.length >= MAX_WAITING_SCANS) {
        ctx.feedback.error("Too fast", "Wait for the screen, then scan that again.");
        return;
      }
      waiting.push(raw);
      if (!scanning) flow.drainScans();
    },

    async drainScans() {
      scanning = true;
      try {
        while (waiting.length) {
          if (s.busy && idle) await idle; // a confirmation tapped on screen is finishing
          const raw = waiting.shift();
          if (!alive) {
            ctx.feedback.warn("Scan again", "The screen changed before this scan was read.");
            continue;
          }
          try {
            await flow.handleScan(raw);
          } catch (err) {
            ctx.feedback.error("Scan not used", describe(err));
          }
        }
      } finally {
        scanning = false;
      }
    },

    async handleScan(raw) {
      const step = steps[s.step];
      if (!step?.scan) {
        ctx.feedback.warn(...(step?.hold || hold));
        return;
      }
      const before = signals;
      const scan = flow.parse(raw);
      await step.scan(scan, raw);
      if (alive && signals === before) ctx.feedback.info("Scanned", scan.text);
    },

    /* A step's scan handler for one kind of thing (item, location, container):
     *   match(scan, raw)      the thing, from the device's saved task (or null)
     *   others: [{match, title, text, shown}]  a scan of something else this step knows
     *                          (the item where a bin is expected): a warning, nothing done
     *   ask                    when the saved task says no, ask the server what the code is
     *   online(resolved, scan) a second chance from the server's reading (implies ask):
     *                          the thing, or null
     *   accept(found, scan, raw)
     *   refuse(scan, resolved) -> {title, text, shown}: why not (resolved is null offline)
     *   otherwise(scan, raw, resolved)  instead of refuse: a scan the step handles itself
     *                          (another bin than the suggested one: ask why) */
    expect({ match, others = [], ask = false, online, accept, refuse, otherwise }) {
      return async (scan, raw) => {
        let found = match(scan, raw);
        if (!found) {
          const other = others.find((o) => o.match(scan, raw));
          if (other) {
            flow.caution(other.title, other.text, other.shown);
            return;
          }
        }
        let resolved = null;
        if (!found && online) {
          // A second chance from the server: it may accept, so it is waited for (briefly).
          resolved = await flow.lookup(raw, ctx.settings().answerWaitMs);
          if (resolved) found = online(resolved, scan);
        }
        if (found) {
          await accept(found, scan, raw);
          return;
        }
        if (otherwise) {
          otherwise(scan, raw, resolved);
          return;
        }
        // The saved task has said no: answer now, then let the server say what it is.
        const why = refuse(scan, resolved);
        flow.refuse(why.title, why.text, why.shown);
        if (ask && !resolved) flow.explain(scan, raw, refuse);
      };
    },

    /* After a refusal from the saved task: ask the server what the code was, and if the
     * screen still shows that refusal, put the server's more precise reason in its place. */
    async explain(scan, raw, refuse) {
      const shown = s.msg;
      const step = s.step;
      if (navigator.onLine === false) return;
      const resolved = await flow.lookup(raw);
      if (!resolved || !alive || s.msg !== shown || s.step !== step) return;
      const why = refuse(scan, resolved);
      flow.say("error", why.shown || why.text);
      flow.paint();
    },

    /* What the server says a code is ({kind: item|location|container|unknown, ...}), or null
     * when it cannot be asked (offline: the saved task has already said no). */
    async lookup(raw, timeoutMs = RESOLVE_TIMEOUT_MS) {
      if (navigator.onLine === false) return null;
      try {
        return await post("/barcodes/resolve", { code: raw }, { timeoutMs });
      } catch {
        return null;
      }
    },

    // --- data ---------------------------------------------------------------------------

    /* A list fresh from the server (saved for a dead spot), or the saved copy offline:
     * {value, stale}. With neither, an empty list and the error on the screen. */
    async load(key, loader) {
      try {
        return await fresh(key, loader);
      } catch (err) {
        flow.say("error", describe(err));
        return { value: [], stale: false };
      }
    },

    // --- confirming ---------------------------------------------------------------------

    /* Store the confirmation in the outbox and send it; one at a time.
     *   record: {kind, path, body, what, where, route}
     *   on.sent(data)  the server took it      on.queued()  saved on the device, sends later
     *   on.refused(err, code)  the server said no: the flow has sounded the error and shown
     *                           why; the screen picks the step to ask next. */
    async confirm(record, on) {
      if (s.busy) {
        // A second tap while the first is being saved: said, never silently ignored.
        ctx.feedback.warn("Still saving", "The last confirmation is being saved.");
        return;
      }
      s.busy = true;
      let release;
      idle = new Promise((resolve) => {
        release = resolve;
      });
      let outcome;
      try {
        outcome = await submitToOutbox(ctx, record);
      } finally {
        s.busy = false;
        idle = null;
        release();
      }
      if (outcome.sent) on.sent(outcome.data);
      else if (outcome.queued) on.queued();
      else {
        const err = outcome.error;
        ctx.feedback.error("Refused", describe(err));
        flow.say("error", describe(err));
        on.refused(err, err instanceof ApiError ? err.code : "error");
        flow.paint();
      }
    },

    /* Mount: paint the first step, run `init`, and hand the router the screen. */
    start(init, { unmount } = {}) {
      document.addEventListener("scanfloor:feedback", count);
      flow.paint();
      init?.();
      return {
        el,
        onScan: (raw) => flow.onScan(raw),
        unmount() {
          alive = false;
          document.removeEventListener("scanfloor:feedback", count);
          unmount?.();
        },
      };
    },
  };
  return flow;
}

/* One confirmation: stored in the outbox (its client id is the client_scan_id and the
 * Idempotency-Key), then sent. Stored for later after passing the local checks is a success
 * for the worker: it sends by itself. */
const QUEUED_WHY = {
  offline: "Sends by itself (no network).",
  backlog: "Sends by itself, after the scans saved before it.",
  slow: "Sends by itself (the server is slow to answer).",
  signin: "Sends once you sign in again.",
};

async function submitToOutbox(ctx, { kind, path, body, what, where, route }) {
  const clientId = newClientId();
  const outcome = await ctx.outbox.submit(
    {
      kind,
      path,
      client_id: clientId,
      body: { ...body, client_scan_id: clientId, device_id: ctx.deviceId },
      what,
      where,
      context: { route },
    },
    { waitMs: ctx.settings().answerWaitMs },
  );
  if (outcome.queued) {
    const why =
      QUEUED_WHY[outcome.reason] ||
      (outcome.error instanceof NetworkError ? QUEUED_WHY.offline : QUEUED_WHY.slow);
    ctx.feedback.success("Saved on device", `${what} → ${where}. ${why}`);
  }
  return outcome;
}
