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
// - scans go to the current step's `scan(scan, raw)`; a step with no `scan` answers with a
//   warning (`hold`), and a scan that a step answered with no signal still gets one, so no
//   scan is ever silent;
// - `expect()` checks a scan against the device's saved task first (works in a dead spot), then,
//   if the step allows, asks the server what the code is (`/barcodes/resolve`);
// - `confirm()` stores the confirmation in the outbox (client_scan_id = Idempotency-Key) and
//   sends it: sent, saved on the device (queued) or refused (the screen says what to ask next);
// - `load()` reads a list fresh, or the saved copy offline; `actions()` is the bottom bar.

import { ApiError, NetworkError, describe, post } from "./api.js";
import { button, h, message, render } from "./dom.js";
import { parseScan } from "./gs1.js";
import { newClientId } from "./settings.js";
import { fresh } from "./task-cache.js";

const RESOLVE_TIMEOUT_MS = 2500;

export function taskFlow(ctx, { state = {}, first, hold = ["Finish this step first", ""] }) {
  const el = h("section", { class: "screen-body" });
  const s = { step: first, msg: null, busy: false, ...state };
  let steps = {};
  let alive = true;
  let signals = 0;
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

    async onScan(raw) {
      if (s.busy) return;
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
        if (!found && (ask || online)) {
          resolved = await flow.lookup(raw);
          if (online && resolved) found = online(resolved, scan);
        }
        if (found) {
          accept(found, scan, raw);
          return;
        }
        if (otherwise) {
          otherwise(scan, raw, resolved);
          return;
        }
        const why = refuse(scan, resolved);
        flow.refuse(why.title, why.text, why.shown);
      };
    },

    /* What the server says a code is ({kind: item|location|container|unknown, ...}), or null
     * when it cannot be asked (offline: the saved task has already said no). */
    async lookup(raw) {
      try {
        return await post("/barcodes/resolve", { code: raw }, { timeoutMs: RESOLVE_TIMEOUT_MS });
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
      if (s.busy) return;
      s.busy = true;
      let outcome;
      try {
        outcome = await submitToOutbox(ctx, record);
      } finally {
        s.busy = false;
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
async function submitToOutbox(ctx, { kind, path, body, what, where, route }) {
  const clientId = newClientId();
  const outcome = await ctx.outbox.submit({
    kind,
    path,
    client_id: clientId,
    body: { ...body, client_scan_id: clientId, device_id: ctx.deviceId },
    what,
    where,
    context: { route },
  });
  if (outcome.queued) {
    const why = outcome.error instanceof NetworkError ? "no network" : "the server is busy";
    ctx.feedback.success("Saved on device", `${what} → ${where}. Sends by itself (${why}).`);
  }
  return outcome;
}
