// Scanner settings: wedge timing, the GS stand-in, camera rate; and a test area that shows
// exactly what the scanner sent (GS shown as ␝), to set up a new scanner.

import { button, facts, h, message, showGs, render } from "../dom.js";
import { parseScan } from "../gs1.js";
import { saveSettings } from "../settings.js";

export default {
  id: "settings",
  title: "Scanner settings",
  minRole: null,
  mount(ctx) {
    const el = h("section", { class: "screen-body" });
    let last = null;
    let msg = null;

    function field(label, name, value, attrs = {}) {
      return h(
        "label",
        { class: "field" },
        label,
        h("input", { name, value: String(value), autocomplete: "off", ...attrs }),
      );
    }

    function paint() {
      const s = ctx.settings();
      const parsed = last ? parseScan(last.raw, { standIns: [s.gsStandIn] }) : null;
      render(
        el,
        h("h1", { class: "instruction" }, "Scan any barcode to test"),
        msg && message(msg.kind, msg.text),
        last
          ? h(
              "div",
              { id: "last-scan" },
              facts([
                ["Sent", showGs(last.raw)],
                ["From", last.source],
                ["Length", last.raw.length],
                ["AIM", parsed.aim || "none"],
                ["GTIN", parsed.gtin],
                ["Lot", parsed.lot],
                ["Expiry", parsed.expiry],
              ]),
            )
          : h("p", { class: "empty" }, "Nothing scanned yet."),
        h(
          "form",
          { id: "settings-form", onsubmit: save },
          field("Max gap between scanner keys (ms)", "scanGapMs", s.scanGapMs, {
            type: "number",
            inputmode: "numeric",
            min: "5",
            max: "5000",
          }),
          field("Shortest scan (characters)", "scanMinLength", s.scanMinLength, {
            type: "number",
            inputmode: "numeric",
            min: "1",
            max: "64",
          }),
          field("GS stand-in character", "gsStandIn", s.gsStandIn, { maxlength: "1" }),
          field("Camera frames per second (5-10)", "cameraFps", s.cameraFps, {
            type: "number",
            inputmode: "numeric",
            min: "5",
            max: "10",
          }),
        ),
        facts([["Device", ctx.deviceId]]),
        h("div", { class: "grow" }),
        h(
          "div",
          { class: "actions" },
          button("Save settings", null, {
            kind: "primary",
            attrs: { type: "submit", form: "settings-form" },
          }),
          button(ctx.camera.running ? "Stop camera" : "Scan with camera", async () => {
            await ctx.camera.toggle();
            paint();
          }),
          button("Back", () => ctx.navigate("home")),
        ),
      );
    }

    function save(e) {
      e.preventDefault();
      const form = new FormData(e.target);
      saveSettings({
        scanGapMs: Number(form.get("scanGapMs")),
        scanMinLength: Number(form.get("scanMinLength")),
        gsStandIn: String(form.get("gsStandIn") || ""),
        cameraFps: Number(form.get("cameraFps")),
      });
      ctx.reloadSettings();
      msg = { kind: "ok", text: "Settings saved on this device." };
      ctx.feedback.success("Saved", "Scanner settings saved.");
      paint();
    }

    paint();
    return {
      el,
      onScan(raw, source) {
        last = { raw, source };
        ctx.feedback.info("Scanned", showGs(raw));
        paint();
      },
    };
  },
};
