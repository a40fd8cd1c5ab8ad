// The count screen's steps as views: plain functions of the screen's state, drawn by the task
// flow (js/task-flow.js), calling back into the screen through `act` (count.js). One thing to
// do per screen, the bin in huge type, a big keypad, the buttons in thumb reach. Never an
// expected quantity: the device does not have one.

import { button, facts, fieldForm, h } from "../dom.js";
import {
  isRecount,
  keypadValue,
  quantityQuestion,
  reasonWords,
  recountItems,
  unitsFor,
} from "./count-rules.js";
import { keypad } from "./keypad-view.js";

const unitWords = (n) => (n == null ? "? units" : `${n} ${n === 1 ? "unit" : "units"}`);

export function countViews(ctx, flow, act) {
  const { s, actions } = flow;

  function header() {
    const t = s.task;
    return h(
      "p",
      { class: "context", id: "count-progress" },
      isRecount(t) && h("span", { class: "tag-recount", id: "count-recount-tag" }, "Recount"),
      isRecount(t) ? " " : "",
      `Task ${t.id} · ${reasonWords(t.reason)}`,
    );
  }

  /* What this task counts: one item, the items being recounted, or everything in the bin. */
  function scope() {
    const t = s.task;
    if (t.item)
      return h(
        "p",
        { class: "count-scope", id: "count-only" },
        "Count only ",
        h("strong", {}, t.item.sku),
        ` ${t.item.name}`,
      );
    if (isRecount(t) && (t.recount_items || []).length)
      return h(
        "div",
        { class: "count-scope", id: "count-recount" },
        h("p", {}, h("strong", {}, "Recount"), ": count these again"),
        h(
          "ul",
          { class: "lines", "aria-label": "Items to recount" },
          recountItems(t).map((r) =>
            h(
              "li",
              {},
              h("strong", {}, r.item.sku),
              ` ${r.item.name}`,
              r.lots.length ? ` · lot ${r.lots.join(", ")}` : "",
            ),
          ),
        ),
      );
    return h("p", { class: "context" }, "Count every item in the bin.");
  }

  /* What this counter has counted here (item, lot, units): their own numbers, nothing else. */
  function counted() {
    const lines = s.task?.counted || [];
    if (!lines.length) return null;
    return [
      h("h2", { class: "count-heading" }, `Counted here (${lines.length})`),
      h(
        "ul",
        { class: "lines", "aria-label": "Counted here", id: "counted" },
        lines.map((c) =>
          h(
            "li",
            { dataset: { sku: c.item?.sku || "" } },
            h("strong", {}, c.item?.sku || "?"),
            c.lot?.code && h("span", {}, `lot ${c.lot.code}`),
            h("span", { class: "count" }, unitWords(c.counted_qty)),
            c.unexpected && [" ", h("span", { class: "tag-missing" }, "not expected here")],
            c.pending && [" ", h("span", { class: "tag-missing" }, "not sent yet")],
          ),
        ),
      ),
    ];
  }

  const views = {
    start() {
      const list = s.warehouses;
      const chosen = act.chosenWarehouse();
      return [
        h("h1", { class: "instruction" }, "Count a bin"),
        flow.message(),
        list === null && h("p", { class: "empty" }, "Loading…"),
        list &&
          list.length > 1 &&
          h(
            "div",
            { class: "list", role: "group", "aria-label": "Warehouse" },
            list.map((w) =>
              button(w.code, () => act.chooseWarehouse(w), {
                kind: chosen?.code === w.code ? "primary" : "",
                sub: w.name,
                attrs: { "aria-pressed": String(chosen?.code === w.code) },
              }),
            ),
          ),
        chosen && h("p", { class: "context" }, "Counting in ", h("strong", {}, chosen.code)),
        ...actions(
          button("Count", act.claim, {
            kind: "primary",
            sub: "Get the next bin to count",
            attrs: { id: "get-work" },
          }),
          button("Home", act.home),
        ),
      ];
    },
    bin() {
      return [
        header(),
        h("p", { class: "context" }, "Go to"),
        h("p", { class: "target", id: "target-bin" }, s.task.location.code),
        h("h1", { class: "instruction" }, "Scan the bin"),
        flow.message(),
        scope(),
        counted(),
        ...actions(button("Home", act.home)),
      ];
    },
    item() {
      const any = (s.task.counted || []).length > 0;
      return [
        header(),
        h("p", { class: "context" }, "At ", h("strong", {}, s.task.location.code)),
        h(
          "h1",
          { class: "instruction" },
          any ? "Scan the next item or Bin done" : "Scan an item",
        ),
        flow.message(),
        scope(),
        counted(),
        ...actions(
          any
            ? button("Bin done", act.binDone, {
                kind: "primary",
                sub: "Everything here is counted",
                attrs: { id: "bin-done" },
              })
            : button("Bin empty", act.askEmpty, {
                sub: "Nothing in this bin",
                attrs: { id: "bin-empty" },
              }),
          button("Home", act.home),
        ),
      ];
    },
    qty() {
      const entry = s.entry;
      const per = entry ? entry.per : null;
      const n = keypadValue(s.keypad);
      const units = n === null ? null : unitsFor(n, per);
      return [
        header(),
        h("p", { class: "target", id: "target-item" }, entry ? entry.item.sku : s.scan.text),
        h("p", { class: "context" }, entry ? entry.item.name : "Not checked yet (offline)"),
        facts([
          ["Lot", s.lot],
          ["Expiry", s.expiry],
        ]),
        h("h1", { class: "instruction", id: "count-question" }, quantityQuestion(per)),
        flow.message(),
        h(
          "p",
          { class: "count-entry", id: "count-entry", "aria-live": "polite" },
          s.keypad.text === "" ? "–" : s.keypad.text,
        ),
        per > 1 &&
          h(
            "p",
            { class: "count-units", id: "count-units" },
            units === null ? " " : `= ${unitWords(units)}`,
          ),
        keypad(act.press),
        // Two buttons side by side and no camera toggle: the keypad and Confirm fit a phone
        // screen without scrolling (Confirm on the right, under the thumb).
        h(
          "div",
          { class: "actions" },
          h(
            "div",
            { class: "jobs" },
            button("Not this item", act.toItem),
            button(n === null ? "Confirm" : `Confirm ${n}`, act.confirmLine, {
              kind: "primary",
              sub: per > 1 && units !== null ? unitWords(units) : "",
              attrs: { id: "confirm-qty", disabled: n === null },
            }),
          ),
        ),
      ];
    },
    lot() {
      return [
        header(),
        h("p", { class: "target", id: "target-item" }, s.entry ? s.entry.item.sku : s.scan.text),
        h("h1", { class: "instruction" }, "Scan or type the lot"),
        flow.message(),
        fieldForm(
          "lot-form",
          "Lot",
          { name: "lot", autocomplete: "off", autocapitalize: "characters", maxlength: "40" },
          act.setLot,
        ),
        ...actions(
          button("Next", null, { kind: "primary", attrs: { type: "submit", form: "lot-form" } }),
          button("Not this item", act.toItem),
        ),
      ];
    },
    empty() {
      return [
        header(),
        h("p", { class: "target", id: "target-bin" }, s.task.location.code),
        h("h1", { class: "instruction" }, "Is the bin empty?"),
        flow.message(),
        h("p", { class: "context" }, "Only if there is nothing at all in it: this counts zero."),
        ...actions(
          button("Yes, it is empty", act.confirmEmpty, {
            kind: "primary",
            sub: "Confirms zero",
            attrs: { id: "confirm-empty" },
          }),
          button("No, count items", act.toItem),
        ),
      ];
    },
    result() {
      return [
        h("p", { class: "context" }, `Task ${s.task.id}`),
        h("p", { class: "target", id: "target-bin" }, s.task.location.code),
        h("h1", { class: "instruction" }, "Bin done"),
        h(
          "div",
          { id: "count-result", dataset: { outcome: s.outcome || "saved" } },
          flow.message(),
        ),
        counted(),
        ...actions(
          button("Next bin", act.claim, {
            kind: "primary",
            sub: "Get the next bin to count",
            attrs: { id: "get-work" },
          }),
          button("Home", act.home),
        ),
      ];
    },
  };
  return views;
}
