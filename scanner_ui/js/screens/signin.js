// Sign in: scan the badge, then type the PIN. The token is bound to this device's id.

import { ApiError, NetworkError, post } from "../api.js";
import { button, h, message, render } from "../dom.js";
import { parseScan } from "../gs1.js";
import { deviceUser, saveSession, signInNeeded } from "../session.js";

export default {
  id: "signin",
  title: "Sign in",
  minRole: null,
  mount(ctx, params) {
    const state = { step: "badge", badge: "", typing: false, msg: null, busy: false };
    const el = h("section", { class: "screen-body" });
    // The worker whose token ended with scans still to send: said here, on the screen, for as
    // long as it is true (not only in the flash).
    const ended = signInNeeded() ? deviceUser() : null;
    let waiting = 0;

    function why() {
      if (!ended) return null;
      if (!waiting) return message("warn", "Your session ended. Sign in again to go on.");
      const who = ended.display_name || ended.username;
      return message(
        "warn",
        `Your session ended. ${waiting} scan${waiting === 1 ? "" : "s"} by ${who} ` +
          "are saved on this device: sign in to send them.",
      );
    }

    function paint() {
      render(el, ...(state.step === "badge" ? badgeStep() : pinStep()));
      if (state.step === "pin") el.querySelector("input[name=pin]")?.focus();
      else if (state.typing) el.querySelector("input[name=badge]")?.focus();
      else ctx.refocus();
    }

    function badgeStep() {
      return [
        h("p", { class: "context" }, "Device ", h("strong", {}, ctx.deviceId.slice(-8))),
        h("h1", { class: "instruction" }, "Scan your badge"),
        why(),
        state.msg && message(state.msg.kind, state.msg.text),
        state.typing &&
          h(
            "form",
            {
              onsubmit: (e) => {
                e.preventDefault();
                useBadge(new FormData(e.target).get("badge"));
              },
            },
            h(
              "label",
              { class: "field" },
              "Badge",
              h("input", { name: "badge", autocomplete: "off", autocapitalize: "characters" }),
            ),
            button("Next", null, { kind: "primary", attrs: { type: "submit" } }),
          ),
        h("div", { class: "grow" }),
        h(
          "div",
          { class: "actions" },
          !state.typing &&
            button("Type badge instead", () => {
              state.typing = true;
              paint();
            }),
          button(ctx.camera.running ? "Stop camera" : "Scan with camera", async () => {
            await ctx.camera.toggle();
            paint();
          }),
          ended &&
            params.next &&
            button("Back to the task (keeps saving)", () => ctx.navigate(params.next), {
              kind: "link",
            }),
          button("Scanner settings", () => ctx.navigate("settings"), { kind: "link" }),
        ),
      ];
    }

    function pinStep() {
      return [
        h("p", { class: "context" }, "Badge ", h("strong", {}, state.badge)),
        h("h1", { class: "instruction" }, "Enter your PIN"),
        why(),
        state.msg && message(state.msg.kind, state.msg.text),
        h(
          "form",
          {
            id: "pin-form",
            onsubmit: (e) => {
              e.preventDefault();
              signIn(new FormData(e.target).get("pin"));
            },
          },
          h(
            "label",
            { class: "field" },
            "PIN",
            h("input", {
              name: "pin",
              type: "password",
              inputmode: "numeric",
              autocomplete: "off",
              maxlength: "32",
              required: true,
            }),
          ),
        ),
        h("div", { class: "grow" }),
        h(
          "div",
          { class: "actions" },
          button(state.busy ? "Signing in…" : "Sign in", null, {
            kind: "primary",
            attrs: { type: "submit", form: "pin-form", disabled: state.busy },
          }),
          button("Different badge", () => {
            Object.assign(state, { step: "badge", badge: "", msg: null });
            paint();
          }),
        ),
      ];
    }

    function useBadge(text) {
      const badge = String(text || "").trim();
      if (!badge) return;
      Object.assign(state, { step: "pin", badge, msg: null, typing: false });
      paint();
    }

    async function signIn(pin) {
      if (!pin || state.busy) return;
      state.busy = true;
      paint();
      try {
        const data = await post(
          "/auth/token",
          { badge: state.badge, pin: String(pin), device_id: ctx.deviceId },
          { auth: false },
        );
        saveSession(data);
        const name = data.user.display_name || data.user.username;
        if (ended && waiting && ended.id !== data.user.id) {
          // Another worker's scans are never sent under this worker's name.
          const who = ended.display_name || ended.username;
          ctx.feedback.warn("Signed in", `${name}. ${waiting} scans by ${who} wait for ${who}.`);
        } else ctx.feedback.success("Signed in", name);
        ctx.outbox.flush();
        // Back to the task the worker was on (the same worker only).
        ctx.navigate((!ended || ended.id === data.user.id) && params.next ? params.next : "home");
        return;
      } catch (err) {
        if (err instanceof ApiError && err.code === "badge_locked") {
          const until = err.details?.locked_until
            ? new Date(err.details.locked_until).toLocaleTimeString([], {
                hour: "2-digit",
                minute: "2-digit",
              })
            : "later";
          ctx.feedback.error("Badge locked", `Too many wrong PINs. Try again after ${until}.`);
          Object.assign(state, {
            step: "badge",
            badge: "",
            msg: { kind: "error", text: `Badge locked until ${until}` },
          });
        } else if (err instanceof ApiError && err.status === 401) {
          ctx.feedback.error("Not recognised", "Badge or PIN not recognised.");
          state.msg = { kind: "error", text: "Badge or PIN not recognised. Try the PIN again." };
        } else if (err instanceof NetworkError) {
          ctx.feedback.error(
            "No network",
            "Signing in needs the server. Move to where there is signal.",
          );
          state.msg = { kind: "error", text: "No network: signing in needs the server." };
        } else {
          ctx.feedback.error("Sign-in failed", err.message);
          state.msg = { kind: "error", text: err.message };
        }
      } finally {
        state.busy = false;
      }
      paint();
    }

    paint();
    if (ended)
      ctx.outbox.pendingOf(ended.id).then((rows) => {
        waiting = rows.length;
        if (waiting && state.step === "badge" && !state.typing) paint();
      });
    return {
      el,
      onScan(raw) {
        const badge = parseScan(raw).text.trim();
        ctx.feedback.info("Badge read", badge);
        useBadge(badge);
      },
    };
  },
};
