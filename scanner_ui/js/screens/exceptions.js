// Exceptions: confirmations the server refused on replay. Each shows what, where, when and
// why, with three ways out: re-scan (go back to the task), skip (two taps), call a supervisor.
// Nothing leaves this list without someone choosing to.

import { button, formatTime, h, message, render } from "../dom.js";
import { currentSession } from "../session.js";

export default {
  id: "exceptions",
  title: "Exceptions",
  minRole: "worker",
  mount(ctx) {
    const el = h("section", { class: "screen-body" });
    let rows = [];
    let armedSkip = null;
    let msg = null;

    async function load() {
      rows = await ctx.outbox.all();
      paint();
    }

    function card(rec) {
      const err = rec.last_error || {};
      return h(
        "li",
        { class: "card", dataset: { seq: String(rec.seq), code: err.code || "" } },
        h("h2", {}, rec.what || rec.kind),
        h("p", {}, "Where: ", h("strong", {}, rec.where || "—")),
        h("p", {}, "When: ", h("strong", {}, formatTime(rec.created_at))),
        h(
          "p",
          {},
          "Why: ",
          h("strong", {}, err.message || err.code || "refused"),
          err.code ? ` (${err.code})` : "",
        ),
        rec.escalated_at &&
          h(
            "p",
            {},
            h("span", { class: "tag" }, `Supervisor called ${formatTime(rec.escalated_at)}`),
          ),
        h(
          "div",
          { class: "row" },
          button("Re-scan", () => rescan(rec), { kind: "primary" }),
          button(armedSkip === rec.seq ? "Tap again to skip" : "Skip", () => skip(rec), {
            kind: armedSkip === rec.seq ? "danger" : "",
          }),
          !rec.escalated_at && button("Call supervisor", () => escalate(rec)),
        ),
      );
    }

    function paint() {
      const problems = rows.filter((r) => r.status === "problem").sort((a, b) => a.seq - b.seq);
      const pending = rows.filter((r) => r.status === "pending").sort((a, b) => a.seq - b.seq);
      render(
        el,
        h(
          "h1",
          { class: "instruction" },
          problems.length ? `${problems.length} to sort out` : "Nothing refused",
        ),
        msg && message(msg.kind, msg.text),
        problems.length
          ? h("ul", { class: "list", "aria-label": "Refused scans" }, problems.map(card))
          : h("p", { class: "empty" }, "Every replayed scan was accepted."),
        pending.length > 0 && h("h2", {}, `Waiting to send (${pending.length})`),
        pending.length > 0 &&
          h(
            "ul",
            { class: "list", "aria-label": "Waiting to send" },
            pending.map((r) =>
              h(
                "li",
                { class: "card" },
                h("h3", {}, r.what || r.kind),
                h("p", {}, `${r.where || ""} · ${formatTime(r.created_at)}`),
                h("p", {}, "Scanned by ", h("strong", {}, r.user_name || "nobody signed in")),
                waitsFor(r) && h("p", { class: "tag" }, waitsFor(r)),
                r.last_error && h("p", {}, `Last try: ${r.last_error.message}`),
              ),
            ),
          ),
        h("div", { class: "grow" }),
        h(
          "div",
          { class: "actions" },
          pending.length > 0 &&
            button("Send now", async () => {
              await ctx.outbox.flush();
              await load();
              const left = rows.filter((r) => r.status === "pending").length;
              msg = left
                ? { kind: "warn", text: `${left} not sent yet: ${notSentWhy()}` }
                : { kind: "ok", text: "Everything was sent." };
              paint();
            }),
          button("Home", () => ctx.navigate("home")),
        ),
      );
    }

    /* A pending scan is only sent under the worker who scanned it. */
    function waitsFor(rec) {
      const me = currentSession()?.user;
      if (rec.user_id == null) return "Scanned with nobody signed in: a supervisor decides.";
      if (!me) return `Waits for ${rec.user_name || "its worker"} to sign in.`;
      if (me.id !== rec.user_id) return `Waits for ${rec.user_name || "its worker"} to sign in.`;
      return null;
    }

    function notSentWhy() {
      if (!currentSession()) return "sign in to send them.";
      if (navigator.onLine === false) return "no network.";
      return "the server did not take them yet, or they wait for their own worker.";
    }

    async function rescan(rec) {
      await ctx.outbox.resolveProblem(rec.seq, "rescanned");
      ctx.navigate(rec.context?.route || "home");
    }

    async function skip(rec) {
      if (armedSkip !== rec.seq) {
        armedSkip = rec.seq;
        paint();
        return;
      }
      armedSkip = null;
      await ctx.outbox.resolveProblem(rec.seq, "skipped");
      msg = { kind: "info", text: `Skipped: ${rec.what}` };
      await load();
    }

    async function escalate(rec) {
      await ctx.outbox.escalate(rec.seq);
      ctx.feedback.info("Supervisor called", rec.what);
      await load();
    }

    const stop = ctx.outbox.onChange(() => load());
    load();
    return {
      el,
      onScan() {
        ctx.feedback.warn("Pick an exception", "Tap Re-scan to go back to its task.");
      },
      unmount: stop,
    };
  },
};
