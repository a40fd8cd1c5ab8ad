// The inspection screen's steps as views: plain functions of the screen's state, drawn by the
// task flow (js/task-flow.js), calling back into the screen through `act` (inspect.js).
// One decision per screen, each choice a huge button in thumb reach.

import { button, facts, fieldForm, h, stepper } from "../dom.js";
import { warehouseButtons } from "./floor.js";
import {
  CREDITS,
  DISPOSITIONS,
  awaiting,
  awaitingLines,
  creditChoice,
  disposition,
} from "./inspect-rules.js";
import { rmaHeader } from "./returns-views.js";

export function inspectViews(ctx, flow, act) {
  const { s, actions } = flow;

  const header = () => rmaHeader(s.rma, { stale: s.stale });

  /* The line being inspected, in big type, and the decisions so far. */
  function lineTarget() {
    const line = s.line;
    return [
      h("p", { class: "target", id: "target-item" }, `${s.quantity} × ${line.item.sku}`),
      h("p", { class: "context" }, line.item.name, line.lot ? ` · lot ${line.lot.code}` : ""),
    ];
  }

  function decisions() {
    const d = disposition(s.disposition);
    const c = creditChoice(s.credit);
    const feeText = s.fee ?? "standard";
    return facts([
      ["Disposition", d ? `${d.label} (${d.sub})` : null],
      ["Credit", c && (s.credit === "partial" ? `${c.label}, fee ${feeText}` : c.label)],
      ["Photo", s.step === "confirm" || s.step === "bin" ? (s.photo?.id ? "yes" : "none") : null],
    ]);
  }

  const choiceButtons = (label, list, pick, chosen) =>
    h(
      "div",
      { class: "list", role: "group", "aria-label": label },
      list.map((c) =>
        button(c.label, () => pick(c.code), {
          kind: chosen === c.code ? "primary" : "",
          sub: c.sub,
          attrs: { dataset: { choice: c.code } },
        }),
      ),
    );

  const views = {
    start() {
      const list = s.warehouses;
      const chosen = act.warehouse();
      return [
        chosen && h("p", { class: "context" }, "Inspecting in ", h("strong", {}, chosen.code)),
        h("h1", { class: "instruction" }, "Scan the RMA label"),
        flow.message(),
        warehouseButtons(list, chosen, act.chooseWarehouse),
        !act.supervisor &&
          h(
            "p",
            { class: "context", id: "scan-only" },
            "Scan the label on the parcel. The list of arrived returns is for supervisors.",
          ),
        act.supervisor && s.arrived === null && h("p", { class: "empty" }, "Loading…"),
        act.supervisor &&
          s.arrived &&
          s.arrived.length === 0 &&
          h("p", { class: "empty" }, "No returns wait for inspection."),
        act.supervisor &&
          s.arrived &&
          s.arrived.length > 0 &&
          h(
            "ul",
            { class: "list", "aria-label": "Arrived returns" },
            s.arrived.map((r) =>
              h(
                "li",
                {},
                button(r.number, () => act.openRma(r.id), {
                  kind: "list-item",
                  sub: [
                    `${r.units_awaiting ?? "?"} to inspect`,
                    `order ${r.order?.external_id ?? "?"}`,
                    r.age_minutes != null ? `${r.age_minutes} min` : null,
                  ]
                    .filter(Boolean)
                    .join(" · "),
                  attrs: { dataset: { rma: String(r.id) } },
                }),
              ),
            ),
          ),
        ...actions(button("Home", () => ctx.navigate("home"))),
      ];
    },
    line() {
      const lines = awaitingLines(s.rma);
      return [
        header(),
        h(
          "h1",
          { class: "instruction" },
          lines.length ? "Tap the line or scan the item" : "Nothing to inspect",
        ),
        flow.message(),
        h(
          "ul",
          { class: "list", "aria-label": "Lines to inspect" },
          lines.map((l) =>
            h(
              "li",
              {},
              button(`${awaiting(l)} × ${l.item.sku}`, () => act.chooseLine(l), {
                kind: "list-item",
                sub: `${l.item.name}${l.flag ? ` · flagged: ${l.flag.replaceAll("_", " ")}` : ""}`,
                attrs: { dataset: { line: String(l.id), sku: l.item.sku } },
              }),
            ),
          ),
        ),
        ...actions(button("Other return", act.nextReturn, { attrs: { id: "other-return" } })),
      ];
    },
    qty() {
      const max = awaiting(s.line);
      const qty = stepper({
        value: s.quantity,
        min: 1,
        max,
        onChange: (v) => {
          act.setQuantity(v);
          const target = flow.el.querySelector("#target-item");
          if (target) target.textContent = `${v} × ${s.line.item.sku}`;
        },
      });
      return [
        header(),
        ...lineTarget(),
        h("h1", { class: "instruction" }, "How many are alike?"),
        flow.message(),
        h("p", { class: "context" }, `${max} wait for inspection. The rest gets its own decision.`),
        qty.el,
        ...actions(
          button("Next", act.toDisposition, { kind: "primary", attrs: { id: "qty-next" } }),
          button("Other line", act.nextLine),
        ),
      ];
    },
    disposition() {
      return [
        header(),
        ...lineTarget(),
        h("h1", { class: "instruction" }, "What is it now?"),
        flow.message(),
        h("div", { class: "grow" }),
        h(
          "div",
          { class: "actions" },
          choiceButtons("Disposition", DISPOSITIONS, act.chooseDisposition, s.disposition),
          button("Other line", act.nextLine, { kind: "link" }),
        ),
      ];
    },
    credit() {
      const full = act.fullCredit();
      return [
        header(),
        ...lineTarget(),
        h("h1", { class: "instruction" }, "Credit for the customer"),
        flow.message(),
        decisions(),
        h(
          "p",
          { class: "context", id: "full-credit" },
          full !== null ? `Full credit: ${full}` : "No price known: the server works it out.",
        ),
        h("div", { class: "grow" }),
        h(
          "div",
          { class: "actions" },
          choiceButtons("Credit", CREDITS, act.chooseCredit, s.credit),
          button("Back", () => flow.go("disposition"), { kind: "link" }),
        ),
      ];
    },
    fee() {
      const full = act.fullCredit();
      return [
        header(),
        ...lineTarget(),
        h("h1", { class: "instruction" }, "Restocking fee"),
        flow.message(),
        full !== null && facts([["Full credit", full]]),
        fieldForm(
          "fee-form",
          "Fee (empty: the standard fee)",
          {
            name: "fee",
            inputmode: "decimal",
            autocomplete: "off",
            placeholder: "standard",
            value: s.fee ?? "",
            maxlength: "14",
          },
          act.setFee,
        ),
        ...actions(
          button("Next", null, {
            kind: "primary",
            attrs: { type: "submit", form: "fee-form", id: "fee-next" },
          }),
          button("Back", () => flow.go("credit")),
        ),
      ];
    },
    photo() {
      const offline = navigator.onLine === false;
      const input = h("input", {
        type: "file",
        accept: "image/*",
        capture: "environment",
        id: "photo-input",
        name: "photo",
        hidden: true,
        onchange: (e) => act.takePhoto(e.target.files?.[0]),
      });
      const p = s.photo;
      return [
        header(),
        h("p", { class: "context" }, `${s.quantity} × ${s.line.item.sku} ${s.line.item.name}`),
        h("h1", { class: "instruction" }, p?.id ? "Photo saved" : "Photo of its condition?"),
        flow.message(),
        decisions(),
        p?.url &&
          h("img", { class: "label-img", id: "photo-preview", src: p.url, alt: "The photo taken" }),
        input,
        h("div", { class: "grow" }),
        h(
          "div",
          { class: "actions" },
          p?.id &&
            button("Next", act.afterPhoto, { kind: "primary", attrs: { id: "photo-next" } }),
          !offline &&
            !p?.uploading &&
            button(p?.id ? "Take another" : "Take a photo", () => input.click(), {
              kind: p?.id ? "" : "primary",
              sub: "Optional",
              attrs: { id: "take-photo" },
            }),
          !p?.id &&
            button(offline ? "Go on without a photo" : "No photo", act.skipPhoto, {
              kind: offline ? "primary" : "",
              attrs: { id: "skip-photo" },
            }),
        ),
      ];
    },
    bin() {
      const sug = s.suggestion;
      return [
        header(),
        ...lineTarget(),
        h("p", { class: "context" }, sug ? "Put it back in" : ""),
        sug && h("p", { class: "target", id: "target-bin" }, sug.location.code),
        h("h1", { class: "instruction" }, sug ? "Scan the bin" : "Scan a storage bin"),
        flow.message(),
        sug === undefined && h("p", { class: "empty" }, "Finding a bin…"),
        sug === null &&
          h(
            "p",
            { class: "context" },
            navigator.onLine === false
              ? "Offline: no bin suggested. Scan the storage bin you put it in."
              : "No bin suggested. Scan the storage bin you put it in.",
          ),
        decisions(),
        ...actions(button("Back", () => flow.go("disposition"))),
      ];
    },
    confirm() {
      const d = disposition(s.disposition);
      return [
        header(),
        ...lineTarget(),
        h("h1", { class: "instruction" }, `Confirm: ${d.label}`),
        flow.message(),
        decisions(),
        ...actions(
          button(`Confirm ${d.label}`, act.submit, {
            kind: "primary",
            sub: d.sub,
            attrs: { id: "confirm-inspection" },
          }),
          button("Change", () => flow.go("disposition")),
        ),
      ];
    },
    result() {
      const r = s.result;
      const ins = r?.inspection;
      const more = awaitingLines(s.rma).length > 0;
      return [
        header(),
        h("p", { class: "context" }, "Credit due"),
        h("p", { class: "target", id: "credit-due" }, ins ? ins.credit_amount : "—"),
        h("h1", { class: "instruction" }, more ? "Next line" : "Return inspected"),
        flow.message(),
        ins
          ? facts([
              ["Inspected", r.what],
              ["Moved to", ins.to_location?.code],
              ["Restocking fee", ins.credit === "partial" ? ins.restocking_fee : null],
              ["Return credit", s.rma.credit_due],
              ["Status", s.rma.status],
            ])
          : h("p", { class: "context" }, "The credit is worked out when the inspection sends."),
        ...actions(
          more &&
            button("Next line", act.nextLine, { kind: "primary", attrs: { id: "next-line" } }),
          button("Next return", act.nextReturn, {
            kind: more ? "" : "primary",
            attrs: { id: "next-return" },
          }),
          button("Home", () => ctx.navigate("home")),
        ),
      ];
    },
  };
  return views;
}
