// Inspecting returns, one decision at a time:
//   scan the RMA (a supervisor may also tap it in the list of arrived returns) -> the line
//   (tap it, or scan the item) -> how many -> disposition (Sellable, Damaged, Refurbish,
//   Return to vendor, Scrap) -> credit (full, partial with a restocking fee, none) -> an
//   optional photo of the item's condition -> for Sellable, scan a bin (the suggested one is
//   shown) -> confirm -> the credit due.
// The inspection goes through the outbox (client_scan_id), so it is saved on the device in a
// dead spot and sent in order later; a photo is uploaded at once and needs the network
// (offline the worker is told so, and goes on without it). The RMA is saved on the device.

import { NetworkError, describe, get } from "../api.js";
import { deviceUser, hasRole } from "../session.js";
import { taskFlow } from "../task-flow.js";
import { chooseWarehouse, chosenWarehouse, showWarehouses } from "./floor.js";
import { shrink, upload } from "./inspect-photo.js";
import {
  applyInspection,
  awaiting,
  awaitingLines,
  disposition,
  feeWithin,
  fullCredit,
  inspectionBody,
  isBin,
  lineForItemScan,
  parseFee,
} from "./inspect-rules.js";
import { inspectViews } from "./inspect-views.js";
import { findScanned, openReturn, rmaUrl, saveRma } from "./returns-lookup.js";
import { parseRmaNumber } from "./returns-rules.js";

const RESTOCK_BINS = new Set(["storage", "pick_face"]);

const NEW_LINE = {
  line: null,
  quantity: 1,
  disposition: null,
  credit: null,
  fee: null,
  photo: null,
  suggestion: undefined, // undefined: not asked yet; null: none
  binRaw: null,
  binText: null,
  result: null,
};

export default {
  id: "inspect",
  title: "Inspect",
  minRole: "worker",
  mount(ctx, params) {
    const flow = taskFlow(ctx, {
      // start | line | qty | disposition | credit | fee | photo | bin | confirm | result
      first: "start",
      state: { warehouses: null, arrived: null, rma: null, stale: false, ...NEW_LINE },
      hold: ["Use the buttons", "This step takes a tap, not a scan."],
    });
    const { s, say, paint, go } = flow;
    const supervisor = hasRole(deviceUser(), "supervisor");
    const warehouse = () => chosenWarehouse(s.warehouses);

    // --- finding the return ----------------------------------------------------------------

    async function loadStart() {
      await showWarehouses(flow);
      loadArrived();
    }

    /* The arrived returns of the warehouse: the list needs a supervisor (workers scan). */
    async function loadArrived() {
      const w = warehouse();
      if (!supervisor || !w || navigator.onLine === false) return;
      try {
        const q = new URLSearchParams({ status: "arrived", warehouse: w.code });
        const list = (await get(`/returns?${q}`)).returns;
        s.arrived = list.filter((r) => (r.units_awaiting ?? 1) > 0);
      } catch (err) {
        s.arrived = [];
        if (s.step === "start") say("error", describe(err));
      }
      if (flow.alive && s.step === "start") paint();
    }

    async function findScan(scan) {
      if (!warehouse() && (s.warehouses || []).length > 1) {
        flow.caution("Choose a warehouse", "Tap the warehouse you work in, then scan.");
        return;
      }
      const r = await findScanned(flow, scan.text, warehouse());
      if (!r) return;
      if (r.rma) {
        ctx.feedback.success("Return found", r.rma.number);
        showRma(r.rma, r.stale);
      } else if (r.order)
        flow.refuse(
          "Not received yet",
          `Order ${r.order.external_id} has no return. Receive it on Returns first.`,
        );
      else flow.refuse("Nothing found", `No return for ${scan.text}.`);
    }

    // Once a line is being decided, the server's copy waits for the next line.
    const openRma = (id) =>
      openReturn(ctx, flow, id, showRma, () => ["start", "line"].includes(s.step));

    function showRma(rma, stale = false) {
      Object.assign(s, NEW_LINE, { rma, stale });
      saveRma(rma);
      flow.remember(`inspect?rma=${rma.id}`);
      if (!awaitingLines(rma).length)
        go("line", "info", `Nothing on ${rma.number} waits for inspection.`);
      else if (stale) go("line", "warn", "Offline: this device's copy of the return.");
      else go("line");
    }

    // --- the decisions ---------------------------------------------------------------------

    function chooseLine(line) {
      Object.assign(s, NEW_LINE, { line, quantity: awaiting(line) });
      // One unit: nothing to count, straight to what it is.
      if (awaiting(line) === 1) go("disposition");
      else go("qty");
    }

    function lineScan(scan) {
      if (parseRmaNumber(scan.text)) return findScan(scan);
      const line = lineForItemScan(s.rma, scan);
      if (!line) {
        flow.refuse(
          "Not awaiting",
          `${scan.text} awaits no inspection on ${s.rma.number}.`,
          `${scan.text} is no item awaiting inspection on ${s.rma.number}. Tap a line.`,
        );
        return;
      }
      ctx.feedback.success("Item", `${line.item.sku} ${line.item.name}`);
      chooseLine(line);
    }

    function chooseDisposition(code) {
      s.disposition = code;
      go("credit");
    }

    function chooseCredit(code) {
      s.credit = code;
      s.fee = null;
      if (code === "partial") go("fee");
      else go("photo", navigator.onLine === false ? "warn" : null, offlinePhoto());
    }

    function setFee(text) {
      const r = parseFee(text);
      const full = fullCredit(s.line.unit_price, s.quantity);
      if (r.error || !feeWithin(r.fee, full)) {
        const why = r.error || `The fee cannot be more than the full credit, ${full}.`;
        ctx.feedback.warn("Check the fee", why);
        go("fee", "warn", why);
        return;
      }
      s.fee = r.fee;
      go("photo", navigator.onLine === false ? "warn" : null, offlinePhoto());
    }

    const offlinePhoto = () =>
      navigator.onLine === false
        ? "No network: a photo cannot be taken now. Go on without it."
        : "";

    function afterPhoto() {
      if (s.disposition === "sellable") {
        go("bin");
        loadSuggestion();
      } else go("confirm");
    }

    // --- the photo -----------------------------------------------------------------------

    async function takePhoto(file) {
      if (!file) return;
      if (navigator.onLine === false) {
        ctx.feedback.warn("No network", "The photo cannot be sent now: go on without it.");
        go("photo", "warn", offlinePhoto());
        return;
      }
      dropPhoto();
      s.photo = { uploading: true, url: URL.createObjectURL(file) };
      go("photo", "info", "Sending the photo…");
      try {
        const form = new FormData();
        const blob = await shrink(file);
        form.append("file", blob, blob === file ? file.name || "photo" : "photo.jpg");
        form.append("return_line_id", String(s.line.id));
        const d = await upload(`${rmaUrl(s.rma.id)}/photos`, form);
        if (!flow.alive) return;
        s.photo = { ...s.photo, uploading: false, id: d.id, bytes: d.byte_size };
        ctx.feedback.success("Photo saved", `${Math.ceil(d.byte_size / 1024)} KB with the return`);
        go("photo", "ok", "Photo saved with the return.");
      } catch (err) {
        dropPhoto();
        if (!flow.alive) return;
        if (err instanceof NetworkError) {
          ctx.feedback.warn("Photo not sent", "No network: go on without it.");
          go("photo", "warn", "No network: the photo cannot be taken now. Go on without it.");
        } else flow.refuse("Photo refused", describe(err));
      }
    }

    function dropPhoto() {
      if (s.photo?.url) URL.revokeObjectURL(s.photo.url);
      s.photo = null;
    }

    // --- the bin (sellable) ------------------------------------------------------------

    async function loadSuggestion() {
      const { rma, line } = s;
      if (navigator.onLine === false) {
        s.suggestion = null;
        paint();
        return;
      }
      try {
        const d = await get(`${rmaUrl(rma.id)}/lines/${encodeURIComponent(line.id)}/restock`);
        if (flow.alive && s.line === line) s.suggestion = d.suggestion;
      } catch {
        if (flow.alive && s.line === line) s.suggestion = null;
      }
      if (flow.alive && s.step === "bin") paint();
    }

    async function binScan(scan, raw) {
      const sug = s.suggestion?.location;
      if (isBin(sug, scan)) return useBin(raw, sug.code);
      if (lineForItemScan({ lines: [s.line] }, scan)) {
        flow.caution("That is the item", "Now scan the bin label.", "That was the item.");
        return;
      }
      // Not the suggested bin: any storage bin of this warehouse will do; the server checks
      // again. In a dead spot it is taken as scanned (a wrong bin then lands in Exceptions).
      const r = await flow.lookup(raw, ctx.settings().answerWaitMs);
      if (r && r.kind !== "location") {
        flow.refuse("Not a bin", `${scan.text} is not a bin label. Scan the bin.`);
        return;
      }
      if (r && !RESTOCK_BINS.has(r.location?.type)) {
        flow.refuse(
          "Not a storage bin",
          `${r.location.code} is not a storage bin. Sellable returns go to a storage bin.`,
        );
        return;
      }
      return useBin(raw, r?.location?.code || scan.text);
    }

    function useBin(raw, code) {
      s.binRaw = raw;
      s.binText = code;
      return submit();
    }

    // --- confirming --------------------------------------------------------------------

    async function submit() {
      const { rma, line, quantity } = s;
      const d = disposition(s.disposition);
      const what = `${quantity} × ${line.item.sku} → ${d.label}`;
      const where = s.disposition === "sellable" ? `${rma.number} → ${s.binText}` : rma.number;
      await flow.confirm(
        {
          kind: "return-inspect",
          path: `${rmaUrl(rma.id)}/inspect`,
          body: inspectionBody(s),
          what,
          where,
          route: `inspect?rma=${rma.id}`,
        },
        {
          sent(r) {
            s.rma = saveRma(r.rma);
            s.result = { inspection: r.inspection, rma: r.rma, what };
            const credit = r.inspection.credit_amount;
            ctx.feedback.success("Inspected", `${what}. Credit due ${credit}`);
            go("result", "ok", `Inspected: ${what}.`);
          },
          queued() {
            s.rma = saveRma(applyInspection(rma, line.id, quantity));
            s.result = { inspection: null, what };
            go("result", "info", `Saved on device: ${what}. It sends by itself.`);
          },
          refused(err, code) {
            if (code === "wrong_location") s.step = "bin";
            else if (code === "no_disposition_location") s.step = "disposition";
            else if (code === "over_inspection" || err.status === 404) {
              s.step = "line";
              openRma(rma.id);
            } else s.step = s.disposition === "sellable" ? "bin" : "confirm";
          },
        },
      );
    }

    function nextLine() {
      Object.assign(s, NEW_LINE);
      go("line");
    }

    function nextReturn() {
      Object.assign(s, NEW_LINE, { rma: null });
      flow.remember("inspect");
      go("start");
      loadArrived();
    }

    const views = inspectViews(ctx, flow, {
      supervisor,
      warehouse,
      chooseWarehouse: (w) => {
        chooseWarehouse(w);
        say(null);
        paint();
        loadArrived();
      },
      openRma,
      chooseLine,
      setQuantity: (v) => {
        s.quantity = v;
      },
      toDisposition: () => go("disposition"),
      chooseDisposition,
      chooseCredit,
      setFee,
      takePhoto,
      skipPhoto: () => {
        dropPhoto();
        afterPhoto();
      },
      afterPhoto,
      submit,
      nextLine,
      nextReturn,
      fullCredit: () => fullCredit(s.line?.unit_price, s.quantity),
    });

    flow.steps({
      start: { view: views.start, scan: findScan },
      line: { view: views.line, scan: lineScan },
      qty: { view: views.qty },
      disposition: { view: views.disposition },
      credit: { view: views.credit },
      fee: { view: views.fee },
      photo: { view: views.photo },
      bin: { view: views.bin, scan: binScan },
      confirm: { view: views.confirm },
      result: { view: views.result, scan: findScan },
    });

    return flow.start(
      () => {
        loadStart();
        if (params.rma) openRma(params.rma);
      },
      { unmount: dropPhoto },
    );
  },
};
