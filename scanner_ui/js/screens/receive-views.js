// The receive screen's steps as views: plain functions of the screen's state, drawn by the
// task flow (js/task-flow.js), calling back into the screen through `act` (receive.js).

import { button, facts, fieldForm, h, stepper } from "../dom.js";

const DAMAGE_REASONS = ["crushed", "wet", "torn packaging", "other"];

export function receiveViews(ctx, flow, act) {
  const { s, paint, actions } = flow;
  function header() {
    const po = s.ctxData?.po;
    return po
      ? h(
          "p",
          { class: "context" },
          "PO ",
          h("strong", {}, po.number),
          s.stale ? " (saved copy)" : "",
        )
      : null;
  }

  function lineFacts() {
    const line = s.line;
    return facts([
      ["Item", `${line.sku} ${line.name}`],
      ["Ordered", line.ordered],
      ["Received", line.received],
      ["Lot", s.lot],
      ["Expiry", s.expiry],
    ]);
  }

  const views = {
    po() {
      const pos = s.pos;
      return [
        h("h1", { class: "instruction" }, "Scan or pick the purchase order"),
        flow.message(),
        s.posStale &&
          h("p", { class: "context" }, "Offline: the purchase orders saved on this device."),
        pos === null && h("p", { class: "empty" }, "Loading…"),
        pos && pos.length === 0 && h("p", { class: "empty" }, "No open purchase orders."),
        pos &&
          h(
            "ul",
            { class: "list", "aria-label": "Open purchase orders" },
            pos.map((po) =>
              h(
                "li",
                {},
                button(po.number, () => act.openPo(po.id), {
                  kind: "list-item",
                  sub:
                    `${po.supplier?.name ?? ""} · ${po.state.replace("_", " ")}` +
                    (po.expected_date ? ` · expected ${po.expected_date}` : ""),
                  attrs: { dataset: { po: String(po.id) } },
                }),
              ),
            ),
          ),
        ...actions(button("Home", () => ctx.navigate("home"))),
      ];
    },
    item() {
      const lines = s.ctxData.lines;
      const open = lines.filter((l) => l.ordered == null || (l.received ?? 0) < l.ordered).length;
      return [
        header(),
        h("h1", { class: "instruction" }, "Scan an item"),
        flow.message(),
        h(
          "p",
          { class: "context" },
          s.ctxData.po.blind_receipt
            ? `${lines.length} lines (blind receipt)`
            : `${open} of ${lines.length} lines still open`,
        ),
        linesList(lines),
        ...actions(
          button("Other purchase order", () => {
            flow.go("po");
            act.loadPos();
          }),
        ),
      ];
    },
    lot() {
      return [
        header(),
        h("h1", { class: "instruction" }, "Scan or type the lot"),
        flow.message(),
        lineFacts(),
        fieldForm(
          "lot-form",
          "Lot",
          { name: "lot", autocomplete: "off", autocapitalize: "characters", maxlength: "40" },
          act.setLot,
        ),
        ...actions(
          button("Next", null, { kind: "primary", attrs: { type: "submit", form: "lot-form" } }),
          button("Cancel line", () => act.toItem()),
        ),
      ];
    },
    expiry() {
      return [
        header(),
        h("h1", { class: "instruction" }, "Enter the expiry date"),
        flow.message(),
        lineFacts(),
        fieldForm(
          "expiry-form",
          "Expiry",
          { name: "expiry", type: "date", required: true },
          act.setExpiry,
        ),
        ...actions(
          button("Next", null, { kind: "primary", attrs: { type: "submit", form: "expiry-form" } }),
          button("Cancel line", () => act.toItem()),
        ),
      ];
    },
    qty() {
      const qty = stepper({
        value: s.quantity,
        min: 1,
        onChange: (v) => {
          s.quantity = v;
          refreshQty();
        },
      });
      const over = act.overLimit();
      return [
        header(),
        h("h1", { class: "instruction" }, "Confirm the quantity"),
        flow.message(),
        lineFacts(),
        qty.el,
        h(
          "p",
          { class: "context", id: "qty-note" },
          over
            ? `Over the order (allowed ${over.allowed}): needs a supervisor.`
            : s.packQty > 1
              ? `One scan of this barcode is ${s.packQty}.`
              : "",
        ),
        s.showDamage ? damageBlock() : null,
        ...actions(
          button(`Confirm ${s.quantity}`, act.confirmQuantity, {
            kind: "primary",
            attrs: { id: "confirm-qty" },
          }),
          !s.showDamage &&
            button("Some are damaged", () => {
              s.showDamage = true;
              paint();
            }),
          button("Cancel line", () => act.toItem()),
        ),
      ];
    },
    dock() {
      const docks = s.ctxData.dock_locations || [];
      return [
        header(),
        h("h1", { class: "instruction" }, "Scan the dock location"),
        docks.length === 1 && h("p", { class: "target" }, docks[0].code),
        flow.message(),
        facts([
          ["Item", `${s.line.sku} ${s.line.name}`],
          ["Quantity", s.quantity],
          ["Damaged", s.damaged || null],
          ["Lot", s.lot],
        ]),
        ...actions(
          s.lastDock &&
            button(`Same place: ${s.lastDock.label}`, () => act.submit(s.lastDock), {
              kind: "primary",
            }),
          button("Back to quantity", () => {
            s.step = "qty";
            paint();
          }),
        ),
      ];
    },
    "approve-badge"() {
      return [
        header(),
        h("h1", { class: "instruction" }, "Supervisor: scan your badge"),
        flow.message(),
        lineFacts(),
        facts([["Receiving now", s.quantity]]),
        ...actions(
          button("Change quantity", () => {
            flow.go("qty");
          }),
        ),
      ];
    },
    "approve-pin"() {
      return [
        header(),
        h("h1", { class: "instruction" }, "Supervisor: enter your PIN"),
        h("p", { class: "context" }, "Badge ", h("strong", {}, s.approvalBadge)),
        flow.message(),
        // The PIN field takes the focus; the lot field stays free so a scanned lot is a scan.
        fieldForm(
          "approve-form",
          "Supervisor PIN",
          {
            name: "pin",
            type: "password",
            inputmode: "numeric",
            autocomplete: "off",
            required: true,
            dataset: { focus: "true" },
          },
          act.approve,
        ),
        ...actions(
          button("Approve", null, {
            kind: "primary",
            attrs: { type: "submit", form: "approve-form" },
          }),
          button("Cancel", () => {
            flow.go("qty");
          }),
        ),
      ];
    },
  };

  /* What the PO expects, so the worker knows what to look for (counts hidden when blind). */
  function linesList(lines) {
    const shown = lines.slice(0, 8);
    return h(
      "ul",
      { class: "lines", "aria-label": "Lines" },
      shown.map((l) =>
        h(
          "li",
          {},
          h("strong", {}, l.sku),
          ` ${l.name}`,
          l.ordered != null
            ? h("span", { class: "count" }, `${l.received ?? 0}/${l.ordered}`)
            : null,
        ),
      ),
      lines.length > shown.length && h("li", {}, `and ${lines.length - shown.length} more`),
    );
  }

  function damageBlock() {
    const dmg = stepper({
      value: s.damaged,
      min: 0,
      max: s.quantity,
      label: "Damaged",
      onChange: (v) => {
        s.damaged = v;
      },
    });
    return h(
      "div",
      { class: "card" },
      h("h2", {}, "Damaged (goes to quarantine)"),
      dmg.el,
      h(
        "div",
        { class: "row", role: "group", "aria-label": "Damage reason" },
        DAMAGE_REASONS.map((r) =>
          button(
            r,
            () => {
              s.damageReason = r;
              paint();
            },
            { kind: s.damageReason === r ? "primary" : "" },
          ),
        ),
      ),
    );
  }

  function refreshQty() {
    const btn = flow.el.querySelector("#confirm-qty");
    if (btn) btn.textContent = `Confirm ${s.quantity}`;
    const note = flow.el.querySelector("#qty-note");
    const over = act.overLimit();
    if (note)
      note.textContent = over
        ? `Over the order (allowed ${over.allowed}): needs a supervisor.`
        : "";
  }
  return views;
}
