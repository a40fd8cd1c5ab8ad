// The return receipt screen's steps as views: plain functions of the screen's state, drawn by
// the task flow (js/task-flow.js), calling back into the screen through `act` (returns.js).
// One thing to do per screen; what arrived against what was expected, line by line.

import { button, facts, formatTime, h } from "../dom.js";
import { warehouseButtons } from "./floor.js";
import { receiptTotals } from "./returns-rules.js";

const FLAG_TAG = { not_on_order: "not on order", over_return: "over-return" };

/* The return a step is about: its number and order (and the customer, where the worker
 * needs it to tell parcels apart), marked when it is the device's saved copy. */
export function rmaHeader(rma, { stale = false, customer = false } = {}) {
  return h(
    "p",
    { class: "context", id: "rma-header" },
    h("strong", {}, rma.number),
    ` · order ${rma.order?.external_id ?? "?"}`,
    customer && rma.customer_name ? ` · ${rma.customer_name}` : "",
    stale ? " (saved copy)" : "",
  );
}

export function returnsViews(ctx, flow, act) {
  const { s, actions } = flow;

  const header = () => rmaHeader(s.rma, { stale: s.stale, customer: true });

  /* Each line: what it is, received of expected, and its flag in words. */
  function linesList(rma) {
    return h(
      "ul",
      { class: "lines", "aria-label": "Return lines", id: "return-lines" },
      (rma.lines || []).map((l) =>
        h(
          "li",
          { dataset: { line: String(l.id), sku: l.item?.sku ?? "" } },
          h("strong", {}, l.item?.sku ?? "?"),
          h("span", {}, l.item?.name ?? ""),
          l.flag && h("span", { class: "tag-missing" }, `⚑ ${FLAG_TAG[l.flag] || l.flag}`),
          h(
            "span",
            { class: "count", "aria-label": "received of expected" },
            `${l.received_qty || 0} / ${l.expected_qty || 0}`,
          ),
        ),
      ),
    );
  }

  /* The customer search: a real form field. A repaint while it is typed in (the warehouses
   * arriving) keeps what was typed and the focus. */
  function searchForm() {
    const old = document.activeElement;
    const typing = old?.name === "q" && old.form?.id === "customer-search";
    if (typing) s.q = old.value;
    return h(
      "form",
      {
        id: "customer-search",
        onsubmit: (e) => {
          e.preventDefault();
          act.search(new FormData(e.target).get("q"));
        },
      },
      h(
        "label",
        { class: "field" },
        "No label? Find the customer",
        h("input", {
          name: "q",
          type: "search",
          autocomplete: "off",
          enterkeyhint: "search",
          placeholder: "Name, e-mail or order number",
          value: s.q || "",
          maxlength: "100",
          "data-focus": typing ? "" : null,
          oninput: (e) => {
            s.q = e.target.value;
          },
        }),
      ),
    );
  }

  const views = {
    start() {
      const chosen = act.warehouse();
      return [
        chosen && h("p", { class: "context" }, "Returns into ", h("strong", {}, chosen.code)),
        h("h1", { class: "instruction" }, "Scan the RMA or the order"),
        flow.message(),
        s.warehouses === null && h("p", { class: "empty" }, "Loading…"),
        warehouseButtons(s.warehouses, chosen, act.chooseWarehouse),
        searchForm(),
        ...actions(
          button("Find customer", null, {
            attrs: { type: "submit", form: "customer-search", id: "find-customer" },
          }),
          button("Home", () => ctx.navigate("home")),
        ),
      ];
    },
    search() {
      return [
        h("p", { class: "context" }, `Orders for "${s.q}"`),
        h("h1", { class: "instruction" }, "Tap the customer's order"),
        flow.message(),
        h(
          "ul",
          { class: "list", "aria-label": "Orders" },
          (s.orders || []).map((o) =>
            h(
              "li",
              {},
              button(o.external_id, () => act.openOrder(o), {
                kind: "list-item",
                sub: [o.customer_name, o.customer_email, o.channel?.code, formatTime(o.ordered_at)]
                  .filter(Boolean)
                  .join(" · "),
                attrs: { dataset: { order: String(o.id) } },
              }),
            ),
          ),
        ),
        ...actions(button("New search", () => flow.go("start"))),
      ];
    },
    order() {
      const o = s.order;
      return [
        h("p", { class: "context" }, "Order ", h("strong", {}, o.external_id)),
        h("h1", { class: "instruction" }, "No return announced"),
        flow.message(),
        facts([
          ["Customer", [o.customer_name, o.customer_email].filter(Boolean).join(" · ")],
          ["Channel", o.channel?.code],
        ]),
        h(
          "ul",
          { class: "lines", "aria-label": "Order lines" },
          (o.lines || []).map((l) =>
            h(
              "li",
              {},
              h("strong", {}, l.item.sku),
              h("span", {}, l.item.name),
              h("span", { class: "count" }, `sent ${l.shipped_qty ?? 0} of ${l.ordered_qty}`),
            ),
          ),
        ),
        ...actions(
          button("Unannounced return", act.unannounced, {
            kind: "primary",
            sub: "Receive it anyway",
            attrs: { id: "unannounced" },
          }),
          button("Back", () => flow.go("start")),
        ),
      ];
    },
    items() {
      const rma = s.rma;
      const { expected, received } = receiptTotals(rma);
      return [
        header(),
        h("h1", { class: "instruction" }, "Scan an item"),
        flow.message(),
        h(
          "p",
          { class: "pick-count", id: "receipt-count" },
          "Received ",
          h("strong", {}, String(received)),
          ` of ${expected}`,
        ),
        linesList(rma),
        ...actions(
          button("Done receiving", act.closeReceipt, {
            kind: "primary",
            sub: "Nothing more in this parcel",
            attrs: { id: "done-receiving" },
          }),
          button("Other return", act.nextReturn),
        ),
      ];
    },
    flagged() {
      const f = s.flagged;
      const line = f?.line;
      return [
        header(),
        h("h1", { class: "instruction" }, "Flagged: not taken yet"),
        flow.message(),
        facts([
          ["Item", [line?.item.sku ?? f?.label, line?.item.name ?? f?.name].join(" ").trim()],
          ["Scanned", f ? `${f.units}` : null],
          ["Expected", line ? line.expected_qty : null],
          ["Already in", line ? line.received_qty : null],
        ]),
        h(
          "p",
          { class: "context" },
          "Accept it only if it really came in this parcel: it is recorded as flagged.",
        ),
        ...actions(
          button("Accept as flagged", act.acceptFlagged, {
            kind: "danger",
            sub: "Into returns, flagged for a supervisor",
            attrs: { id: "accept-flagged" },
          }),
          button("Do not accept", act.declineFlagged, {
            sub: "Put it aside",
            attrs: { id: "decline-flagged" },
          }),
        ),
      ];
    },
    closed() {
      const rma = s.rma;
      return [
        header(),
        h("h1", { class: "instruction" }, "Receipt closed"),
        flow.message(),
        linesList(rma),
        h("p", { class: "context" }, "Scan the next return's label, or:"),
        ...actions(
          button("Inspect now", () => ctx.navigate(`inspect?rma=${rma.id}`), {
            kind: "primary",
            sub: "Decide where each item goes",
            attrs: { id: "inspect-now" },
          }),
          button("Next return", act.nextReturn, { attrs: { id: "next-return" } }),
          button("Home", () => ctx.navigate("home")),
        ),
      ];
    },
  };
  return views;
}
