// Home: start the shift (turns sound on), then pick one of the jobs this role may do.

import { post } from "../api.js";
import { button, h, message, render } from "../dom.js";
import { clearSession, deviceUser, hasRole, signInNeeded } from "../session.js";

// Six jobs or more: a grid of big tiles, two to a row, so all of them (and Start shift) stay
// in the lower part of the screen, in thumb reach, without scrolling. Past eight tiles the
// second line under each name goes, so six rows still fit a 480x800 handheld.
const SUBS_UP_TO = 8;
const JOBS = [
  { route: "receive", label: "Receive", sub: "Goods in on a PO", role: "worker" },
  { route: "putaway", label: "Put away", sub: "Dock to bin", role: "worker" },
  { route: "replenish", label: "Replenish", sub: "Reserve to pick face", role: "worker" },
  { route: "pick", label: "Pick", sub: "Bin to tote", role: "worker" },
  { route: "pack", label: "Pack", sub: "Tote to carton", role: "worker" },
  { route: "ship", label: "Ship", sub: "Cartons out", role: "worker" },
  { route: "returns", label: "Returns", sub: "Customer returns in", role: "worker" },
  { route: "inspect", label: "Inspect", sub: "Returns: where each goes", role: "worker" },
  { route: "count", label: "Count", sub: "Check a bin", role: "worker" },
  { route: "dock-queue", label: "Dock queue", sub: "Oldest first", role: "supervisor" },
  { route: "exceptions", label: "Exceptions", sub: "Refused scans", role: "worker" },
];

export default {
  id: "home",
  title: "Home",
  minRole: "worker",
  mount(ctx) {
    const el = h("section", { class: "screen-body" });
    const user = deviceUser();
    let problems = 0;

    function paint() {
      const ready = ctx.feedback.audioReady();
      render(
        el,
        h(
          "p",
          { class: "context" },
          "Signed in as ",
          h("strong", {}, user.display_name || user.username),
          ` (${user.role})`,
        ),
        h("h1", { class: "instruction" }, ready ? "Choose a job" : "Tap Start shift"),
        !ready && message("info", "Start shift turns on the scan sounds."),
        signInNeeded() &&
          message("warn", "Your session ended: scans are saved on this device until you sign in."),
        signInNeeded() &&
          button("Sign in to send", () => ctx.navigate("signin?why=send"), { kind: "primary" }),
        h("div", { class: "grow" }),
        h(
          "div",
          { class: "actions" },
          !ready && button("Start shift", startShift, { kind: "primary" }),
          h(
            "div",
            { class: "jobs", role: "group", "aria-label": "Jobs" },
            JOBS.filter((j) => hasRole(user, j.role)).map((j, _, jobs) =>
              button(
                j.route === "exceptions" && problems ? `${j.label} (${problems})` : j.label,
                () => ctx.navigate(j.route),
                {
                  kind: ready && j.route === "receive" ? "primary" : "",
                  sub: jobs.length > SUBS_UP_TO ? "" : j.sub,
                  attrs: { dataset: { job: j.route }, title: j.sub },
                },
              ),
            ),
          ),
          h(
            "div",
            { class: "jobs" },
            button("Scanner settings", () => ctx.navigate("settings"), { kind: "link" }),
            button("Sign out", signOut, { kind: "link" }),
          ),
        ),
      );
    }

    function startShift() {
      ctx.feedback.unlockAudio();
      // resume() settles a moment after the tap; paint once it has.
      setTimeout(() => {
        ctx.feedback.success("Shift started", "Sounds are on.");
        paint();
      }, 50);
    }

    async function signOut() {
      const pending = (await ctx.outbox.counts()).pending;
      try {
        await post("/auth/logout", undefined, {
          timeoutMs: 3000,
          headers: { "Idempotency-Key": crypto.randomUUID() },
        });
      } catch {
        // Offline: the token expires on its own; it is gone from this device now.
      }
      clearSession();
      if (pending)
        ctx.feedback.warn("Signed out", `${pending} scans wait here until you sign in again.`);
      ctx.navigate("signin");
    }

    ctx.outbox.counts().then((c) => {
      problems = c.problems;
      paint();
    });
    paint();
    return {
      el,
      onScan() {
        ctx.feedback.warn("Choose a job first", "Then scan.");
      },
    };
  },
};
