// The replenish screen's steps as views: plain functions of the screen's state, drawn by the
// task flow (js/task-flow.js), calling back into the screen through `act` (replenish.js).
// One thing to do per screen, the bin in huge type, big -/+ and a keypad for the quantity,
// the buttons in thumb reach.

import { button, facts, h } from "../dom.js";
import { keypadValue } from "./count-rules.js";
import { warehouseButtons } from "./floor.js";
import { keypad } from "./keypad-view.js";
import { lotWords, moveWords, remaining, suggestedSource } from "./replenish-rules.js";

const unitWords = (n) => `${n} ${n === 1 ? "unit" : "units"}`;

export function replenishViews(ctx, flow, act) {
  const { s, actions } = flow;

  function header() {
    const t = s.task;
    return h(
      "p",
      { class: "context", id: "replenish-progress" },
      `Task ${t.id} · moved `,
      h("strong", {}, `${t.moved} of ${t.quantity}`),
    );
  }

  /* The other reserve bins holding the item (the suggested one may be empty or blocked). */
  function otherBins(except) {
    const codes = [];
    for (const src of s.task.sources || []) {
      const code = src.location.code;
      if (code !== except && !codes.includes(code)) codes.push(code);
      if (codes.length >= 3) break;
    }
    if (!codes.length) return null;
    return h(
      "p",
      { class: "pick-ahead", id: "other-sources" },
      "Also in ",
      codes.map((code, i) => [i ? ", " : "", h("strong", {}, code)]),
    );
  }

  /* Big minus, the number, big plus. */
  function plusMinus(n) {
    return h(
      "div",
      { class: "stepper" },
      h(
        "button",
        { type: "button", "aria-label": "One less", id: "qty-minus", onclick: () => act.step(-1) },
        "−",
      ),
      h(
        "p",
        { class: "count-entry", id: "replenish-entry", "aria-live": "polite" },
        n === null ? "–" : String(n),
      ),
      h(
        "button",
        { type: "button", "aria-label": "One more", id: "qty-plus", onclick: () => act.step(1) },
        "+",
      ),
    );
  }

  const views = {
    start() {
      const list = s.warehouses;
      const chosen = act.chosenWarehouse();
      return [
        h(
          "h1",
          { class: "instruction" },
          chosen || list === null ? "Refill a pick face" : "Choose a warehouse",
        ),
        flow.message(),
        list === null && h("p", { class: "empty" }, "Loading…"),
        warehouseButtons(list, chosen, act.chooseWarehouse),
        chosen && h("p", { class: "context" }, "Refilling in ", h("strong", {}, chosen.code)),
        ...actions(
          chosen &&
            button("Get task", act.claim, {
              kind: "primary",
              sub: "The next pick face to refill",
              attrs: { id: "get-work" },
            }),
          button("Home", act.home),
        ),
      ];
    },
    source() {
      const t = s.task;
      const src = suggestedSource(t);
      const left = remaining(t);
      if (!src)
        return [
          header(),
          h("p", { class: "target", id: "target-bin" }, "No reserve stock"),
          h("h1", { class: "instruction" }, `No ${t.item.sku} to take`),
          flow.message(),
          h(
            "p",
            { class: "context" },
            `No reserve bin holds ${t.item.sku} now. Scan a bin that does, or finish here.`,
          ),
          facts([
            ["Item", `${t.item.sku} ${t.item.name}`],
            ["Still wanted", left],
            ["Pick face", t.to_location.code],
          ]),
          ...actions(
            button("Finish task", act.finish, {
              kind: "primary",
              sub: `${t.moved} of ${t.quantity} moved`,
              attrs: { id: "finish-task" },
            }),
            button("Give back", act.release, {
              sub: "Back to the queue",
              attrs: { id: "give-back" },
            }),
          ),
        ];
      return [
        header(),
        h("p", { class: "context" }, "Go to"),
        h("p", { class: "target", id: "target-bin" }, src.location.code),
        h("h1", { class: "instruction" }, "Scan the bin"),
        flow.message(),
        s.stale && h("p", { class: "context" }, "Offline: this device's copy of the task."),
        facts([
          ["Take", `${src.quantity} × ${t.item.sku}`],
          ["Item", t.item.name],
          ["Lot", lotWords(src.lot)],
          ["Into", `pick face ${t.to_location.code}`],
        ]),
        otherBins(src.location.code),
        ...actions(
          button("Give back", act.release, {
            sub: "Back to the queue",
            attrs: { id: "give-back" },
          }),
          button("Home", act.home),
        ),
      ];
    },
    item() {
      const t = s.task;
      return [
        header(),
        h("p", { class: "context" }, "At ", h("strong", {}, s.fromCode), ", take"),
        h("p", { class: "target", id: "target-item" }, t.item.sku),
        h("h1", { class: "instruction" }, "Scan the item"),
        flow.message(),
        facts([
          ["Item", t.item.name],
          ["Still wanted", remaining(t)],
          ["Into", `pick face ${t.to_location.code}`],
        ]),
        ...actions(button("Back to the bin", act.toSource)),
      ];
    },
    qty() {
      const t = s.task;
      const n = keypadValue(s.keypad);
      const question = s.per > 1 ? `How many cases of ${s.per}?` : "How many?";
      return [
        header(),
        h(
          "p",
          { class: "context" },
          h("strong", {}, t.item.sku),
          ` ${t.item.name} · from `,
          h("strong", {}, s.fromCode),
        ),
        h("h1", { class: "instruction", id: "replenish-question" }, question),
        flow.message(),
        plusMinus(n),
        s.per > 1 &&
          h(
            "p",
            { class: "count-units", id: "replenish-units" },
            n === null ? " " : `= ${unitWords(n * s.per)}`,
          ),
        keypad(act.press),
        // Two buttons side by side and no camera toggle: the quantity and Confirm fit a
        // phone screen without scrolling (Confirm on the right, under the thumb).
        h(
          "div",
          { class: "actions" },
          h(
            "div",
            { class: "jobs" },
            button("Back to the bin", act.toSource),
            button(n ? `Confirm ${n}` : "Confirm", act.confirmQty, {
              kind: "primary",
              sub: s.per > 1 && n ? unitWords(n * s.per) : `of ${s.max} at most`,
              attrs: { id: "confirm-qty", disabled: !n },
            }),
          ),
        ),
      ];
    },
    dest() {
      const t = s.task;
      const n = keypadValue(s.keypad);
      return [
        header(),
        h("p", { class: "context" }, "Take it to"),
        h("p", { class: "target", id: "target-face" }, t.to_location.code),
        h("h1", { class: "instruction" }, "Scan the pick face"),
        flow.message(),
        facts([
          ["Moving", moveWords(n, s.per, t.item.sku)],
          ["From", s.fromCode],
        ]),
        ...actions(
          button("Change quantity", act.toQty, { attrs: { id: "change-qty" } }),
          button("Back to the bin", act.toSource),
        ),
      ];
    },
    done() {
      const t = s.task;
      const full = t.moved >= t.quantity;
      return [
        h("p", { class: "context" }, `Task ${t.id}`),
        h("p", { class: "target", id: "target-face" }, t.to_location.code),
        h(
          "h1",
          { class: "instruction", id: "replenish-done" },
          full ? "Pick face refilled" : "Task done",
        ),
        flow.message(),
        facts([
          ["Item", `${t.item.sku} ${t.item.name}`],
          ["Moved", `${t.moved} of ${t.quantity}`],
        ]),
        ...actions(
          button("Next task", act.claim, {
            kind: "primary",
            sub: "The next pick face to refill",
            attrs: { id: "get-work" },
          }),
          button("Home", act.home),
        ),
      ];
    },
  };
  return views;
}
