// The receive screen's steps as views: plain functions of the screen's state `s`, calling
// back into the screen through `act` (the flow and its rules live in receive.js).

import { button, facts, h, message, stepper } from "../dom.js";
import { scanActions } from "./scan-actions.js";

const DAMAGE_REASONS = ["crushed", "wet", "torn packaging", "other"];

export function receiveViews(ctx, s, act) {
  const {
    el,
    paint,
    say,
    overLimit,
    openPo,
    loadPos,
    setLot,
    setExpiry,
    toItem,
    confirmQuantity,
    submit,
    approve,
  } = act;
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

  const actions = (...buttons) => scanActions(ctx, paint, buttons);

  const views = {
    po() {
      const pos = s.pos;
      return [
        h("h1", { class: "instruction" }, "Scan or pick the purchase order"),
        s.msg && message(s.msg.kind, s.msg.text),
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
                button(po.number, () => openPo(po.id), {
                  kind: "list-item",
                  sub: `${po.supplier?.name ?? ""} · ${po.state.replace("_", " ")}`,
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
        s.msg && message(s.msg.kind, s.msg.text),
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
            s.step = "po";
            say(null);
            loadPos();
          }),
        ),
      ];
    },
    lot() {
      return [
        header(),
        h("h1", { class: "instruction" }, "Scan or type the lot"),
        s.msg && message(s.msg.kind, s.msg.text),
        lineFacts(),
        h(
          "form",
          {
            id: "lot-form",
            onsubmit: (e) => {
              e.preventDefault();
              setLot(new FormData(e.target).get("lot"));
            },
          },
          h(
            "label",
            { class: "field" },
            "Lot",
            h("input", {
              name: "lot",
              autocomplete: "off",
              autocapitalize: "characters",
              maxlength: "40",
            }),
          ),
        ),
        ...actions(
          button("Next", null, { kind: "primary", attrs: { type: "submit", form: "lot-form" } }),
          button("Cancel line", () => toItem()),
        ),
      ];
    },
    expiry() {
      return [
        header(),
        h("h1", { class: "instruction" }, "Enter the expiry date"),
        s.msg && message(s.msg.kind, s.msg.text),
        lineFacts(),
        h(
          "form",
          {
            id: "expiry-form",
            onsubmit: (e) => {
              e.preventDefault();
              setExpiry(new FormData(e.target).get("expiry"));
            },
          },
          h(
            "label",
            { class: "field" },
            "Expiry",
            h("input", { name: "expiry", type: "date", required: true }),
          ),
        ),
        ...actions(
          button("Next", null, { kind: "primary", attrs: { type: "submit", form: "expiry-form" } }),
          button("Cancel line", () => toItem()),
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
      const over = overLimit();
      return [
        header(),
        h("h1", { class: "instruction" }, "Confirm the quantity"),
        s.msg && message(s.msg.kind, s.msg.text),
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
          button(`Confirm ${s.quantity}`, confirmQuantity, {
            kind: "primary",
            attrs: { id: "confirm-qty" },
          }),
          !s.showDamage &&
            button("Some are damaged", () => {
              s.showDamage = true;
              paint();
            }),
          button("Cancel line", () => toItem()),
        ),
      ];
    },
    dock() {
      const docks = s.ctxData.dock_locations || [];
      return [
        header(),
        h("h1", { class: "instruction" }, "Scan the dock location"),
        docks.length === 1 && h("p", { class: "target" }, docks[0].code),
        s.msg && message(s.msg.kind, s.msg.text),
        facts([
          ["Item", `${s.line.sku} ${s.line.name}`],
          ["Quantity", s.quantity],
          ["Damaged", s.damaged || null],
          ["Lot", s.lot],
        ]),
        ...actions(
          s.lastDock &&
            button(`Same place: ${s.lastDock.label}`, () => submit(s.lastDock), {
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
        s.msg && message(s.msg.kind, s.msg.text),
        lineFacts(),
        facts([["Receiving now", s.quantity]]),
        ...actions(
          button("Change quantity", () => {
            s.step = "qty";
            say(null);
            paint();
          }),
        ),
      ];
    },
    "approve-pin"() {
      return [
        header(),
        h("h1", { class: "instruction" }, "Supervisor: enter your PIN"),
        h("p", { class: "context" }, "Badge ", h("strong", {}, s.approvalBadge)),
        s.msg && message(s.msg.kind, s.msg.text),
        h(
          "form",
          {
            id: "approve-form",
            onsubmit: (e) => {
              e.preventDefault();
              approve(new FormData(e.target).get("pin"));
            },
          },
          h(
            "label",
            { class: "field" },
            "Supervisor PIN",
            h("input", {
              name: "pin",
              type: "password",
              inputmode: "numeric",
              autocomplete: "off",
              required: true,
            }),
          ),
        ),
        ...actions(
          button("Approve", null, {
            kind: "primary",
            attrs: { type: "submit", form: "approve-form" },
          }),
          button("Cancel", () => {
            s.step = "qty";
            say(null);
            paint();
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
      h("h3", {}, "Damaged (goes to quarantine)"),
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
    const btn = el.querySelector("#confirm-qty");
    if (btn) btn.textContent = `Confirm ${s.quantity}`;
    const note = el.querySelector("#qty-note");
    const over = overLimit();
    if (note)
      note.textContent = over
        ? `Over the order (allowed ${over.allowed}): needs a supervisor.`
        : "";
  }
  return { views, refreshQty };
}
