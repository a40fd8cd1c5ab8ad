// The pick screen's steps as views: plain functions of the screen's state, drawn by the task
// flow (js/task-flow.js), calling back into the screen through `act` (pick.js). One thing to
// do per screen, the bin or the tote in huge type, the buttons in thumb reach.

import { button, facts, h, stepper } from "../dom.js";
import { warehouseButtons } from "./floor.js";
import { binsAhead, filledTotes, orderedLines, remaining, toteSlot } from "./pick-rules.js";

export function pickViews(ctx, flow, act) {
  const { s, actions } = flow;

  function header() {
    const lines = orderedLines(s.task);
    const at = lines.indexOf(s.line) + 1;
    return h(
      "p",
      { class: "context", id: "pick-progress" },
      `Task ${s.task.id} · line `,
      h("strong", {}, `${at} of ${lines.length}`),
      s.task.mode === "cluster" ? ` · ${(s.task.totes || []).length} orders` : "",
    );
  }

  function slotText(line) {
    const slot = toteSlot(s.task, line);
    const tote = slot.tote ? ` (tote ${slot.tote.code})` : "";
    return `Tote slot ${slot.slot ?? "?"} for order ${slot.order.external_id}${tote}`;
  }

  function lineFacts(line, extra = []) {
    return facts([
      ["Take", `${remaining(line)} × ${line.item.sku}`],
      ["Item", line.item.name],
      [
        "Lot",
        line.lot ? `${line.lot.code}${line.lot.expiry ? ` (exp ${line.lot.expiry})` : ""}` : null,
      ],
      ["Bin", line.bin.code],
      ...extra,
    ]);
  }

  const views = {
    start() {
      const list = s.warehouses;
      const chosen = act.chosenWarehouse();
      return [
        h(
          "h1",
          { class: "instruction" },
          chosen || list === null ? "Get work" : "Choose a warehouse",
        ),
        flow.message(),
        list === null && h("p", { class: "empty" }, "Loading…"),
        warehouseButtons(list, chosen, act.chooseWarehouse),
        chosen && h("p", { class: "context" }, "Picking in ", h("strong", {}, chosen.code)),
        ...actions(
          chosen && button("Get work", act.claim, { kind: "primary", attrs: { id: "get-work" } }),
          button("Home", () => ctx.navigate("home")),
        ),
      ];
    },
    bin() {
      const line = s.line;
      const ahead = binsAhead(s.task, line, 3);
      return [
        header(),
        h("p", { class: "context" }, "Go to"),
        h("p", { class: "target", id: "target-bin" }, line.bin.code),
        // The next bins of the path, so the picker already knows where the walk goes.
        ahead.length > 0 &&
          h(
            "p",
            { class: "pick-ahead", id: "pick-ahead" },
            "Then ",
            ahead.map((code, i) => [i ? " → " : "", h("strong", {}, code)]),
          ),
        h("h1", { class: "instruction" }, "Scan the bin"),
        flow.message(),
        s.stale && h("p", { class: "context" }, "Offline: this device's copy of the task."),
        lineFacts(line, [["Into", slotText(line)]]),
        ...actions(
          button("Short", act.startShort, {
            kind: "danger",
            sub: "Not enough in this bin",
            attrs: { id: "short" },
          }),
          button("Home", () => ctx.navigate("home")),
        ),
      ];
    },
    item() {
      const line = s.line;
      return [
        header(),
        h("p", { class: "context" }, "At ", h("strong", {}, line.bin.code), ", take"),
        h("p", { class: "target", id: "target-item" }, line.item.sku),
        h("h1", { class: "instruction" }, "Scan the item"),
        flow.message(),
        lineFacts(line),
        ...actions(
          button("Short", act.startShort, { kind: "danger", sub: "Not enough in this bin" }),
          button("Back to the bin", act.backToBin),
        ),
      ];
    },
    qty() {
      const line = s.line;
      const left = remaining(line);
      const qty = stepper({
        value: s.quantity,
        min: 1,
        max: left,
        onChange: (v) => {
          s.quantity = v;
          const btn = flow.el.querySelector("#confirm-qty");
          if (btn) btn.firstChild.textContent = `Confirm ${v}`;
        },
      });
      return [
        header(),
        h("p", { class: "context" }, `${line.item.sku} ${line.item.name}`),
        h("h1", { class: "instruction" }, "Confirm the quantity"),
        flow.message(),
        h(
          "p",
          { class: "pick-count", id: "pick-count" },
          "Scanned ",
          h("strong", {}, String(s.counted)),
          ` of ${left}`,
        ),
        qty.el,
        h("p", { class: "context" }, "Scan more of the item to count on, or the tote to confirm."),
        ...actions(
          button(`Confirm ${s.quantity}`, act.toTote, {
            kind: "primary",
            sub: "then scan the tote",
            attrs: { id: "confirm-qty" },
          }),
          button("Back to the bin", act.backToBin),
        ),
      ];
    },
    tote() {
      const line = s.line;
      const slot = toteSlot(s.task, line);
      return [
        header(),
        h("p", { class: "context", id: "tote-slot" }, slotText(line)),
        h(
          "p",
          { class: "target", id: "target-tote" },
          slot.tote ? slot.tote.code : `Slot ${slot.slot ?? "?"}`,
        ),
        h(
          "h1",
          { class: "instruction" },
          slot.tote ? "Scan the tote" : "Scan a tote for this order",
        ),
        flow.message(),
        facts([
          ["Putting in", `${s.quantity} × ${line.item.sku}`],
          ["Order", slot.order.external_id],
        ]),
        ...actions(
          button("Change quantity", () => flow.go("qty")),
          button("Back to the bin", act.backToBin),
        ),
      ];
    },
    shortBin() {
      const line = s.line;
      return [
        header(),
        h("p", { class: "context" }, "Report short at"),
        h("p", { class: "target" }, line.bin.code),
        h("h1", { class: "instruction" }, "Scan the bin again"),
        flow.message(),
        lineFacts(line),
        ...actions(button("Cancel short", act.backToBin)),
      ];
    },
    shortQty() {
      const line = s.line;
      const left = remaining(line);
      const found = stepper({
        value: s.found,
        min: 0,
        max: Math.max(0, left - 1),
        label: "Found",
        onChange: (v) => {
          s.found = v;
          const btn = flow.el.querySelector("#confirm-short");
          if (btn) btn.firstChild.textContent = `Report short: found ${v}`;
        },
      });
      return [
        header(),
        h("p", { class: "context" }, `${line.bin.code} · ${line.item.sku} ${line.item.name}`),
        h("h1", { class: "instruction" }, "How many are really there?"),
        flow.message(),
        facts([["Wanted", left]]),
        found.el,
        ...actions(
          button(`Report short: found ${s.found}`, act.confirmShort, {
            kind: "danger",
            sub: "The rest is looked for elsewhere",
            attrs: { id: "confirm-short" },
          }),
          button("Cancel short", act.backToBin),
        ),
      ];
    },
    shortTote() {
      const line = s.line;
      const slot = toteSlot(s.task, line);
      return [
        header(),
        h("p", { class: "context", id: "tote-slot" }, slotText(line)),
        h("p", { class: "target" }, slot.tote ? slot.tote.code : `Slot ${slot.slot ?? "?"}`),
        h("h1", { class: "instruction" }, `Scan the tote for the ${s.found} found`),
        flow.message(),
        ...actions(button("Cancel short", act.backToBin)),
      ];
    },
    done() {
      const totes = filledTotes(s.task);
      return [
        h("h1", { class: "instruction" }, "Take the totes to packing"),
        flow.message(),
        h(
          "ul",
          { class: "lines", "aria-label": "Totes to take" },
          totes.map((t) =>
            h(
              "li",
              {},
              h("strong", {}, t.tote.code),
              ` slot ${t.slot} · order ${t.order.external_id}`,
            ),
          ),
        ),
        totes.length === 0 && h("p", { class: "empty" }, "Nothing was picked on this task."),
        ...actions(
          button("Get work", act.claim, { kind: "primary", attrs: { id: "get-work" } }),
          button("Home", () => ctx.navigate("home")),
        ),
      ];
    },
  };
  return views;
}
