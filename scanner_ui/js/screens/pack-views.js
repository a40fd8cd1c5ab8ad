// The pack screen's steps as views (pack.js holds the calls). Wide screens (a tablet or a desk
// at the pack station) show the lines and the cartons side by side (css/app.css).

import { button, facts, fieldForm, h } from "../dom.js";
import { openCarton, toPackTotal } from "./pack-rules.js";

const cartonState = (c) => (c.status === "open" ? "open" : "closed ✓");
const size = (t) => `${t.length_mm ?? "?"}×${t.width_mm ?? "?"}×${t.height_mm ?? "?"} mm`;

export function packViews(ctx, flow, act) {
  const { s, actions } = flow;

  function offlineNote() {
    return act.offline()
      ? h(
          "p",
          { class: "message error", role: "status", id: "pack-offline" },
          "✕ No network: packing needs the network. Nothing is saved on the device here.",
        )
      : null;
  }

  function orderHeader() {
    const o = s.view.order;
    return h(
      "p",
      { class: "context" },
      "Order ",
      h("strong", {}, o.external_id),
      o.channel ? ` · ${o.channel.code ?? o.channel}` : "",
      (s.view.totes || []).length ? ` · tote ${s.view.totes.map((t) => t.code).join(", ")}` : "",
    );
  }

  function linesList() {
    // Missing: ordered but not picked (short, backordered): the packer must not wait for it.
    const missing = new Map(
      (s.view.missing || [])
        .filter((m) => m.reason !== "not_packed")
        .map((m) => [m.order_line_id, m]),
    );
    return h(
      "ul",
      { class: "lines pack-lines", "aria-label": "To pack" },
      s.view.lines.map((l) => {
        const miss = missing.get(l.order_line_id);
        return h(
          "li",
          { dataset: { line: String(l.order_line_id), toPack: String(l.to_pack) } },
          h("strong", {}, l.item.sku),
          ` ${l.item.name}`,
          miss && h("span", { class: "tag-missing" }, `! ${miss.quantity} missing`),
          h("span", { class: "count" }, l.to_pack > 0 ? `${l.to_pack} to pack` : "✓ done"),
        );
      }),
    );
  }

  function cartonsList() {
    const cartons = s.view.cartons || [];
    if (!cartons.length) return h("p", { class: "empty" }, "No carton yet.");
    return h(
      "ul",
      { class: "list", "aria-label": "Cartons" },
      cartons.map((c) =>
        h(
          "li",
          { class: "card", dataset: { carton: String(c.id), status: c.status } },
          h("h3", {}, `Carton ${c.seq}${c.of ? ` of ${c.of}` : ""} · ${cartonState(c)}`),
          h("p", { class: "sscc" }, "SSCC ", h("strong", {}, c.sscc)),
          (c.lines || []).length > 0 &&
            h("p", {}, c.lines.map((x) => `${x.quantity} × ${x.item.sku}`).join(", ")),
          c.carton_type &&
            h("p", {}, `${c.carton_type.name} · ${(c.weight_g / 1000).toFixed(3)} kg`),
        ),
      ),
    );
  }

  return {
    lookup() {
      return [
        h("h1", { class: "instruction" }, "Scan a tote or an order"),
        offlineNote(),
        flow.message(),
        fieldForm(
          "pack-lookup",
          "Or type the order number",
          { name: "code", autocomplete: "off", autocapitalize: "characters", maxlength: "80" },
          (v) => v && act.lookup(String(v).trim()),
        ),
        ...actions(
          button("Find order", null, { attrs: { type: "submit", form: "pack-lookup" } }),
          button("Home", () => ctx.navigate("home")),
        ),
      ];
    },
    order() {
      const carton = openCarton(s.view);
      const left = toPackTotal(s.view);
      const instruction = carton
        ? `Scan each item into carton ${carton.seq}`
        : left
          ? "Start a new carton"
          : "Nothing left to pack";
      return [
        orderHeader(),
        carton && h("p", { class: "target", id: "target-carton" }, `Carton ${carton.seq}`),
        h("h1", { class: "instruction" }, instruction),
        offlineNote(),
        flow.message(),
        carton && facts([["SSCC", carton.sscc]]),
        h(
          "div",
          { class: "pack-grid" },
          h("section", { "aria-label": "Lines" }, h("h2", {}, `${left} to pack`), linesList()),
          h(
            "section",
            { "aria-label": "Cartons of this order" },
            h("h2", {}, "Cartons"),
            cartonsList(),
          ),
        ),
        ...actions(
          !carton &&
            left > 0 &&
            button("New carton", act.newCarton, { kind: "primary", attrs: { id: "new-carton" } }),
          carton &&
            button("Close carton", act.toClose, {
              kind: left === 0 ? "primary" : "",
              sub: "type and weight",
              attrs: { id: "close-carton" },
            }),
          button("Other order", act.otherOrder),
        ),
      ];
    },
    close() {
      const carton = openCarton(s.view);
      return [
        orderHeader(),
        h("p", { class: "target" }, `Carton ${carton.seq}`),
        h("h1", { class: "instruction" }, "Carton type and weight"),
        offlineNote(),
        flow.message(),
        h(
          "div",
          { class: "list", role: "group", "aria-label": "Carton type" },
          (s.types || []).map((t) =>
            button(t.name, () => act.chooseType(t), {
              kind: s.cartonType?.code === t.code ? "primary" : "",
              sub: `${t.code} · ${size(t)}`,
              attrs: {
                "aria-pressed": String(s.cartonType?.code === t.code),
                dataset: { type: t.code },
              },
            }),
          ),
        ),
        fieldForm(
          "close-form",
          "Weight (kg)",
          {
            name: "weight",
            inputmode: "decimal",
            autocomplete: "off",
            required: true,
            value: s.weight,
            pattern: "[0-9]+([.,][0-9]{1,3})?",
          },
          act.closeCarton,
        ),
        ...actions(
          button("Close carton", null, {
            kind: "primary",
            attrs: { type: "submit", form: "close-form", id: "confirm-close" },
          }),
          button("Back", act.back),
        ),
      ];
    },
    label() {
      const c = s.closed;
      const left = toPackTotal(s.view);
      return [
        orderHeader(),
        h("p", { class: "target target-sscc", id: "closed-sscc" }, c.sscc),
        h("h1", { class: "instruction" }, "Label the carton"),
        flow.message(),
        s.label
          ? h("img", {
              class: "label-img",
              src: s.label,
              alt: `SSCC label of carton ${c.seq}: ${c.sscc}`,
            })
          : h("p", { class: "empty" }, "Loading the label…"),
        h(
          "p",
          { class: "context" },
          left ? `${left} still to pack on this order.` : "Nothing left to pack on this order.",
        ),
        ...actions(
          s.label && button("Print label", () => window.print(), { attrs: { id: "print-label" } }),
          button(left ? "Next carton" : "Back to the order", act.back, {
            kind: "primary",
            attrs: { id: "after-label" },
          }),
          button("Other order", act.otherOrder),
        ),
      ];
    },
  };
}
