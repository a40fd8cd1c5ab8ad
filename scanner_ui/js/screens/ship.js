// Shipping at the dock door:
//   choose the carrier and service, scan the dock door -> the shipment is opened -> scan each
//   carton's SSCC label onto it (each gets the carrier's tracking number) -> Confirm shipment,
//   after a summary of what leaves. Needs the network: the server issues tracking numbers and
//   posts the goods out; with no network the screen says so and takes no scan.

import { NetworkError, describe, get, request } from "../api.js";
import { newClientId } from "../settings.js";
import { taskFlow } from "../task-flow.js";
import { onShipment, ssccOf } from "./pack-rules.js";
import { chooseWarehouse, chosenWarehouse, loadWarehouses, postNow } from "./floor.js";
import { shipViews } from "./ship-views.js";

const OFFLINE = "Shipping needs the network. Nothing was added: scan again once it is back.";
const listOf = (data, key) => (Array.isArray(data) ? data : data?.[key] || []);

export default {
  id: "ship",
  title: "Ship",
  minRole: "worker",
  mount(ctx, params) {
    const flow = taskFlow(ctx, {
      first: "setup", // setup | cartons | confirm | done
      state: {
        warehouses: null,
        carriers: null,
        open: [],
        carrier: null,
        service: null,
        door: null,
        shipment: null,
      },
      hold: ["Use the buttons", "This step takes a tap."],
    });
    const { s, say, paint, go } = flow;
    const offline = () => navigator.onLine === false;

    async function call(title, fn) {
      if (offline()) {
        flow.refuse("No network", OFFLINE);
        return null;
      }
      try {
        return await fn();
      } catch (err) {
        if (err instanceof NetworkError) {
          ctx.feedback.error("No answer", describe(err));
          say("error", `${describe(err)} Check the shipment before scanning again.`);
          if (s.shipment) reload();
          paint();
        } else flow.refuse(title, describe(err));
        return null;
      }
    }

    async function loadSetup() {
      try {
        s.warehouses = await loadWarehouses();
        s.carriers = listOf(await get("/carriers"), "carriers");
        const w = chosenWarehouse(s.warehouses);
        if (w)
          s.open = listOf(
            await get(`/shipments?warehouse=${encodeURIComponent(w.code)}&status=open`),
            "shipments",
          );
        if (s.carriers.length === 1) s.carrier = s.carriers[0];
        if (s.carrier?.services?.length === 1) s.service = s.carrier.services[0];
      } catch (err) {
        s.carriers = s.carriers || [];
        say("error", offline() ? OFFLINE : describe(err));
      }
      if (s.step === "setup") paint();
    }

    async function openShipment() {
      const w = chosenWarehouse(s.warehouses);
      if (!w || !s.carrier || !s.service) {
        flow.caution("Not yet", "Choose the warehouse, carrier and service first.");
        return;
      }
      const shipment = await call("Not opened", () =>
        postNow(
          "/shipments",
          {
            warehouse: w.code,
            carrier: s.carrier.code,
            service: s.service,
            ...(s.door ? { dock_door: s.door } : {}),
          },
          { scan: false },
        ),
      );
      if (!shipment) return;
      ctx.feedback.success("Shipment open", `${shipment.carrier.name} ${shipment.service}`);
      show(shipment, "ok", `Shipment ${shipment.id} open. Scan each carton's SSCC label.`);
    }

    function show(shipment, kind = null, text = "") {
      s.shipment = shipment;
      flow.remember(`ship?shipment=${shipment.id}`);
      go(shipment.status === "open" ? "cartons" : "done", kind, text);
    }

    async function resume(id) {
      const shipment = await call("Not found", () => get(`/shipments/${encodeURIComponent(id)}`));
      if (shipment) show(shipment);
    }

    async function reload() {
      try {
        s.shipment = await get(`/shipments/${s.shipment.id}`);
        paint();
      } catch {
        // Kept as it was; the next scan reloads again.
      }
    }

    const scanSetup = (scan, raw) => {
      // The dock door's label (any location code: the server checks it when opening).
      s.door = raw.trim();
      ctx.feedback.info("Dock door", scan.text);
      say(null);
      paint();
    };

    async function scanCarton(scan, raw) {
      if (offline()) return flow.refuse("No network", OFFLINE);
      const sscc = ssccOf(scan);
      if (!sscc) {
        flow.refuse("Not a carton label", `${scan.text} is not an SSCC. Scan the carton's label.`);
        return;
      }
      if (onShipment(s.shipment, sscc)) {
        flow.caution("Already on it", `Carton ${sscc} is already on this shipment.`);
        return;
      }
      const shipment = await call("Not added", () =>
        postNow(`/shipments/${s.shipment.id}/cartons`, { carton: raw }),
      );
      if (!shipment) return;
      const added = shipment.cartons.find((c) => c.sscc === sscc);
      ctx.feedback.success("On the shipment", `${sscc} · ${added?.tracking_number ?? ""}`);
      show(
        shipment,
        "ok",
        `Added ${sscc} (order ${added?.order.external_id ?? "?"}, ` +
          `tracking ${added?.tracking_number ?? "?"}).`,
      );
    }

    async function removeCarton(carton) {
      if (offline()) return flow.refuse("No network", OFFLINE);
      try {
        const id = newClientId();
        await request("DELETE", `/shipments/${s.shipment.id}/cartons/${carton.id}`, {
          headers: { "Idempotency-Key": id },
        });
        ctx.feedback.info("Taken off", `${carton.sscc}: its tracking number is voided.`);
        s.shipment = await get(`/shipments/${s.shipment.id}`);
        go("cartons", "info", `Carton ${carton.sscc} taken off the shipment.`);
      } catch (err) {
        flow.refuse("Not taken off", describe(err));
      }
    }

    async function confirm() {
      const shipment = await call("Not confirmed", () =>
        postNow(`/shipments/${s.shipment.id}/confirm`),
      );
      if (!shipment) return;
      ctx.feedback.success("Shipped", `${shipment.cartons.length} cartons`);
      show(shipment, "ok", `Shipment ${shipment.id} confirmed: the goods have left.`);
    }

    const views = shipViews(ctx, flow, {
      chooseWarehouse: (w) => {
        chooseWarehouse(w);
        loadSetup();
      },
      chooseCarrier: (c) => {
        s.carrier = c;
        s.service = c.services?.length === 1 ? c.services[0] : null;
        paint();
      },
      chooseService: (v) => {
        s.service = v;
        paint();
      },
      openShipment,
      resume,
      removeCarton,
      toConfirm: () => {
        if (!s.shipment.cartons.length) {
          flow.caution("No cartons", "Scan at least one carton onto the shipment.");
          return;
        }
        go("confirm");
      },
      confirm,
      back: () => go("cartons"),
      fresh: () => {
        Object.assign(s, { shipment: null, door: null });
        flow.remember("ship");
        go("setup");
        loadSetup();
      },
      chosenWarehouse: () => chosenWarehouse(s.warehouses),
      offline,
    });

    flow.steps({
      setup: { view: views.setup, scan: scanSetup },
      cartons: { view: views.cartons, scan: scanCarton },
      confirm: { view: views.confirm },
      done: { view: views.done },
    });

    const onNet = () => paint();
    window.addEventListener("online", onNet);
    window.addEventListener("offline", onNet);
    return flow.start(
      () => {
        loadSetup();
        if (params.shipment) resume(params.shipment);
      },
      {
        unmount() {
          window.removeEventListener("online", onNet);
          window.removeEventListener("offline", onNet);
        },
      },
    );
  },
};
