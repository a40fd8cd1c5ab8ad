// The ship screen's steps as views (ship.js holds the calls).

import { button, facts, h } from "../dom.js";

const cartons = (n) => `${n} carton${n === 1 ? "" : "s"}`;

export function shipViews(ctx, flow, act) {
  const { s, actions } = flow;

  function offlineNote() {
    return act.offline()
      ? h(
          "p",
          { class: "message error", role: "status", id: "ship-offline" },
          "✕ No network: shipping needs the network.",
        )
      : null;
  }

  function choices(label, items, isOn, onTap, sub = () => "") {
    return h(
      "div",
      { class: "list choice", role: "group", "aria-label": label },
      items.map((it) =>
        button(it.label, () => onTap(it.value), {
          kind: isOn(it.value) ? "primary" : "",
          sub: sub(it.value),
          attrs: { "aria-pressed": String(isOn(it.value)), dataset: { choice: it.label } },
        }),
      ),
    );
  }

  function shipmentFacts(sh) {
    const orders = sh.orders || [];
    return facts([
      ["Shipment", sh.id],
      ["Carrier", `${sh.carrier.name} · ${sh.service}`],
      ["Dock door", sh.dock_door?.code ?? sh.dock_door],
      ["Cartons", sh.cartons.length],
      ["Orders", orders.map((o) => o.external_id).join(", ")],
    ]);
  }

  function cartonList(sh, removable) {
    if (!sh.cartons.length) return h("p", { class: "empty" }, "No carton on it yet.");
    return h(
      "ul",
      { class: "list", "aria-label": "Cartons on the shipment" },
      sh.cartons.map((c) =>
        h(
          "li",
          { class: "card", dataset: { sscc: c.sscc } },
          h("h2", {}, c.sscc),
          h("p", {}, `Order ${c.order.external_id}`),
          h("p", {}, "Tracking ", h("strong", { class: "tracking" }, c.tracking_number ?? "—")),
          removable &&
            h(
              "div",
              { class: "row" },
              button("Take off", () => act.removeCarton(c)),
            ),
        ),
      ),
    );
  }

  return {
    setup() {
      const w = act.chosenWarehouse();
      const carriers = s.carriers;
      const ready = w && s.carrier && s.service;
      return [
        h(
          "h1",
          { class: "instruction" },
          !ready
            ? "Choose carrier and service"
            : s.door
              ? "Open the shipment"
              : "Scan the dock door",
        ),
        offlineNote(),
        flow.message(),
        (s.warehouses || []).length > 1 &&
          choices(
            "Warehouse",
            s.warehouses.map((x) => ({ label: x.code, value: x })),
            (x) => w?.code === x.code,
            act.chooseWarehouse,
          ),
        carriers === null && h("p", { class: "empty" }, "Loading…"),
        carriers && carriers.length === 0 && h("p", { class: "empty" }, "No carrier is set up."),
        carriers &&
          carriers.length > 0 &&
          choices(
            "Carrier",
            carriers.map((c) => ({ label: c.name, value: c })),
            (c) => s.carrier?.code === c.code,
            act.chooseCarrier,
            (c) => c.code,
          ),
        s.carrier &&
          choices(
            "Service",
            (s.carrier.services || []).map((v) => ({ label: v, value: v })),
            (v) => s.service === v,
            act.chooseService,
          ),
        facts([["Dock door", s.door || "scan its label"]]),
        (s.open || []).length > 0 && h("h2", {}, "Open shipments"),
        (s.open || []).length > 0 &&
          h(
            "ul",
            { class: "list", "aria-label": "Open shipments" },
            s.open.map((sh) =>
              h(
                "li",
                {},
                button(`Shipment ${sh.id}`, () => act.resume(sh.id), {
                  kind: "list-item",
                  sub: `${sh.carrier.name} ${sh.service} · ${sh.cartons.length} cartons`,
                }),
              ),
            ),
          ),
        ...actions(
          button("Open shipment", act.openShipment, {
            kind: ready ? "primary" : "",
            attrs: { id: "open-shipment", "aria-disabled": String(!ready) },
          }),
          button("Home", () => ctx.navigate("home")),
        ),
      ];
    },
    cartons() {
      const sh = s.shipment;
      return [
        h("p", { class: "context" }, `${sh.carrier.name} · ${sh.service}`),
        h("h1", { class: "instruction" }, "Scan each carton"),
        offlineNote(),
        flow.message(),
        shipmentFacts(sh),
        cartonList(sh, true),
        ...actions(
          button(`Confirm shipment (${sh.cartons.length})`, act.toConfirm, {
            kind: sh.cartons.length ? "primary" : "",
            attrs: { id: "to-confirm" },
          }),
          button("Other shipment", act.fresh),
        ),
      ];
    },
    confirm() {
      const sh = s.shipment;
      return [
        h("h1", { class: "instruction" }, `Ship ${cartons(sh.cartons.length)}?`),
        offlineNote(),
        flow.message(),
        h(
          "p",
          { class: "context" },
          "Once confirmed the goods have left: the orders are shipped and the channels told.",
        ),
        shipmentFacts(sh),
        cartonList(sh, false),
        ...actions(
          button("Confirm shipment", act.confirm, {
            kind: "primary",
            attrs: { id: "confirm-shipment" },
          }),
          button("Back", act.back),
        ),
      ];
    },
    done() {
      const sh = s.shipment;
      return [
        h("h1", { class: "instruction" }, `Shipment ${sh.id} shipped`),
        flow.message(),
        shipmentFacts(sh),
        facts([["Confirmed", sh.confirmed_at ?? "—"]]),
        cartonList(sh, false),
        ...actions(
          button("New shipment", act.fresh, { kind: "primary" }),
          button("Home", () => ctx.navigate("home")),
        ),
      ];
    },
  };
}
