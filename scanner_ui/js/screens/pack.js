// Packing (phone, tablet or a desk by the pack station):
//   scan a tote or an order -> what must go in (and what is missing) -> New carton (its SSCC)
//   -> scan each item into it -> carton type and weight -> Close carton -> its SSCC label
//   (shown, printable) -> another carton, until nothing is left to pack.
// Packing needs the network: every scan is checked here first (wrong item, more than was
// picked) and then by the server, which answers before the packer goes on. With no network
// the screen says so and takes no scan: nothing is pretended.

import { ApiError, NetworkError, describe, get } from "../api.js";
import { currentSession } from "../session.js";
import { taskFlow } from "../task-flow.js";
import {
  cartonTypeFor,
  checkPackScan,
  openCarton,
  toPackTotal,
  weightGrams,
} from "./pack-rules.js";
import { postNow } from "./floor.js";
import { packViews } from "./pack-views.js";

const OFFLINE = "Packing needs the network. Nothing was packed: scan again once it is back.";

export default {
  id: "pack",
  title: "Pack",
  minRole: "worker",
  mount(ctx, params) {
    const flow = taskFlow(ctx, {
      first: "lookup", // lookup | order | close | label
      state: { view: null, types: null, cartonType: null, weight: "", label: null, closed: null },
      hold: ["Use the buttons", "This step takes a tap."],
    });
    const { s, say, paint, go } = flow;
    const order = () => s.view.order;

    const offline = () => navigator.onLine === false;
    function noNetwork() {
      ctx.feedback.error("No network", OFFLINE);
      flow.say("error", OFFLINE);
      paint();
    }

    /* One call to the server; a failure is said (sound, colour, why) and returns null. */
    async function call(title, fn) {
      if (offline()) {
        noNetwork();
        return null;
      }
      try {
        return await fn();
      } catch (err) {
        if (err instanceof NetworkError) {
          ctx.feedback.error("No answer", describe(err));
          say("error", `${describe(err)} Check the carton before scanning again.`);
          if (s.view) reload();
        } else flow.refuse(title, describe(err));
        paint();
        return null;
      }
    }

    // --- the order ------------------------------------------------------------------------

    async function lookup(code, { quiet = false } = {}) {
      const view = await call("Not found", () =>
        get(`/pack/lookup?code=${encodeURIComponent(code)}`),
      );
      if (!view) return;
      showOrder(view);
      if (!quiet)
        ctx.feedback.success("Order", `${view.order.external_id}: ${toPackTotal(view)} to pack`);
    }

    function showOrder(view) {
      s.view = view;
      flow.remember(`pack?order=${encodeURIComponent(view.order.external_id)}`);
      if (!toPackTotal(view) && !openCarton(view)) {
        const picked = view.lines.some((l) => l.picked > 0);
        go(
          "order",
          picked ? "ok" : "warn",
          picked
            ? "Nothing left to pack: this order is packed."
            : "Nothing of this order is picked yet.",
        );
      } else go("order");
    }

    async function reload() {
      if (!s.view || offline()) return;
      try {
        s.view = await get(`/pack/lookup?code=${encodeURIComponent(order().external_id)}`);
        if (s.step === "order") paint();
      } catch {
        // The screen keeps what it had; the next action reloads again.
      }
    }

    const scanLookup = async (scan, raw) => {
      if (offline()) return noNetwork();
      await lookup(raw);
    };

    async function newCarton() {
      const carton = await call("No carton", () =>
        postNow(
          `/pack/orders/${order().id}/cartons`,
          params.station ? { station: params.station } : {},
        ),
      );
      if (!carton) return;
      s.view = { ...s.view, cartons: [...(s.view.cartons || []), carton] };
      ctx.feedback.success("New carton", `SSCC ${carton.sscc}`);
      go("order", "ok", `Carton ${carton.seq} open: SSCC ${carton.sscc}. Scan the items into it.`);
      reload();
    }

    /* In the order step: an item goes into the open carton; another tote or order opens it. */
    async function orderScan(scan, raw) {
      if (offline()) return noNetwork();
      const carton = openCarton(s.view);
      const check = checkPackScan(s.view, scan);
      if (check.ok === false) return refusePack(check, scan);
      if (check.ok === null && !carton) {
        // Not an item of this order: perhaps the next tote or order.
        const view = await call("Not an item, tote or order", () =>
          get(`/pack/lookup?code=${encodeURIComponent(raw)}`),
        );
        if (view) {
          ctx.feedback.success("Order", view.order.external_id);
          showOrder(view);
        }
        return;
      }
      if (!carton) {
        flow.caution("Open a carton first", "Tap New carton, then scan the item.");
        return;
      }
      const result = await call("Not packed", () =>
        postNow(`/pack/cartons/${carton.id}/items`, { item: raw }),
      );
      if (!result) return;
      const sku = result.line?.item?.sku ?? check.line?.item.sku ?? scan.text;
      const qty = result.quantity ?? check.units ?? "";
      ctx.feedback.success("Packed", `${qty ? `${qty} × ` : ""}${sku} → carton ${carton.seq}`);
      applyResult(result);
      // A worker who tapped on (Close carton) while this answer was on its way stays on the
      // step they chose: the answer only updates what the carton holds.
      if (s.step === "order")
        go(
          "order",
          "ok",
          result.to_pack_total === 0
            ? `Packed ${sku}. Everything is in: close the carton.`
            : `Packed ${sku} into carton ${carton.seq}. ${result.to_pack_total} still to pack.`,
        );
      reload();
    }

    function refusePack(check, scan) {
      if (check.code === "over_pack")
        flow.refuse(
          "Too many",
          `That scan is ${check.units}; only ${check.line.to_pack} of ` +
            `${check.line.item.sku} are left to pack.`,
        );
      else
        flow.refuse(
          "Wrong item",
          check.line
            ? `Nothing of ${check.line.item.sku} is left to pack on this order.`
            : `${scan.text} is not on order ${order().external_id}.`,
        );
    }

    function applyResult(result) {
      const cartons = (s.view.cartons || []).map((c) =>
        c.id === result.carton.id ? result.carton : c,
      );
      const lines = s.view.lines.map((l) =>
        result.line && l.order_line_id === result.line.order_line_id ? { ...l, ...result.line } : l,
      );
      s.view = { ...s.view, cartons, lines };
    }

    // --- closing ----------------------------------------------------------------------------

    async function toClose() {
      const carton = openCarton(s.view);
      if (!carton) return;
      if (!(carton.lines || []).length) {
        flow.caution("Empty carton", "Scan at least one item into it first.");
        return;
      }
      if (s.types === null) {
        const data = await call("No carton types", () => get("/carton-types"));
        if (!data) return;
        s.types = Array.isArray(data) ? data : data.carton_types || [];
      }
      go("close");
    }

    const scanType = (scan) => {
      const type = cartonTypeFor(s.types, scan);
      if (!type) {
        flow.refuse(
          "Not a carton type",
          `${scan.text} is none of ${s.types.map((t) => t.code).join(", ")}.`,
        );
        return;
      }
      chooseType(type);
      ctx.feedback.success("Carton type", type.name);
    };

    function chooseType(type) {
      s.cartonType = type;
      say(null);
      paint();
    }

    async function closeCarton(weightText) {
      const carton = openCarton(s.view);
      s.weight = weightText;
      if (!s.cartonType) {
        flow.refuse("Carton type?", "Choose or scan the carton type first.");
        return;
      }
      const grams = weightGrams(weightText);
      if (!grams) {
        flow.refuse("Weight?", "Type the weight in kilograms, e.g. 1.25.");
        return;
      }
      const closed = await call("Not closed", () =>
        postNow(`/pack/cartons/${carton.id}/close`, {
          carton_type: s.cartonType.code,
          weight_g: grams,
        }),
      );
      if (!closed) return;
      s.closed = closed;
      s.view = {
        ...s.view,
        cartons: s.view.cartons.map((c) => (c.id === closed.id ? closed : c)),
      };
      s.weight = "";
      ctx.feedback.success("Carton closed", `SSCC ${closed.sscc}`);
      go("label", "ok", `Carton ${closed.seq} closed: put the label on it.`);
      loadLabel(closed);
      reload();
    }

    /* The carton's SSCC label as a picture (fetched with the token, shown from a blob). */
    async function loadLabel(carton) {
      dropLabel();
      try {
        const resp = await fetchLabel(carton.id);
        if (!flow.alive || s.closed?.id !== carton.id) return;
        s.label = URL.createObjectURL(resp);
      } catch (err) {
        s.label = null;
        say("warn", `The label picture could not be loaded: ${describe(err)}`);
      }
      if (s.step === "label") paint();
    }

    function dropLabel() {
      if (s.label) URL.revokeObjectURL(s.label);
      s.label = null;
    }

    const views = packViews(ctx, flow, {
      lookup,
      newCarton,
      toClose,
      chooseType,
      closeCarton,
      back: () => {
        dropLabel();
        showOrder(s.view);
      },
      otherOrder: () => {
        dropLabel();
        s.view = null;
        flow.remember("pack");
        go("lookup");
      },
      offline,
    });

    flow.steps({
      lookup: { view: views.lookup, scan: scanLookup },
      order: { view: views.order, scan: orderScan },
      close: { view: views.close, scan: scanType },
      label: { view: views.label, scan: orderScan },
    });

    const onNet = () => paint();
    window.addEventListener("online", onNet);
    window.addEventListener("offline", onNet);
    return flow.start(
      () => {
        if (params.order) lookup(params.order, { quiet: true });
      },
      {
        unmount() {
          window.removeEventListener("online", onNet);
          window.removeEventListener("offline", onNet);
          dropLabel();
        },
      },
    );
  },
};

/* GET the PNG label with the bearer token (an <img> cannot send it). */
async function fetchLabel(cartonId) {
  const resp = await fetch(`/api/v1/pack/cartons/${cartonId}/label?format=png`, {
    headers: { Authorization: `Bearer ${currentSession()?.token}` },
    cache: "no-store",
  });
  if (!resp.ok) throw new ApiError(resp.status, `http_${resp.status}`, `HTTP ${resp.status}`);
  return resp.blob();
}
