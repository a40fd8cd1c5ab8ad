// Camera frames are decoded here, off the main thread: decoding a 1280x720 frame takes
// 20-90 ms, which on the main thread would garble the timing of wedge scans.
// The decoder is the vendored barcode-detector ponyfill; its wasm is served from this app
// (locateFile override), so there is no CDN request and it works offline.

import { BarcodeDetector, prepareZXingModule } from "../vendor/barcode-detector/ponyfill.js";

const WASM_DIR = new URL("../vendor/barcode-detector/", import.meta.url);
prepareZXingModule({
  overrides: {
    locateFile: (path, prefix) =>
      path.endsWith(".wasm") ? new URL(path, WASM_DIR).href : prefix + path,
  },
});

// Only what labels in a warehouse carry: fewer formats decode several times faster.
const DEFAULT_FORMATS = ["code_128", "ean_13", "ean_8", "upc_a", "itf", "data_matrix"];
let detector = null;

function ensureDetector(formats) {
  if (!detector) detector = new BarcodeDetector({ formats: formats || DEFAULT_FORMATS });
  return detector;
}

self.onmessage = async (event) => {
  const msg = event.data || {};
  if (msg.type === "init") {
    try {
      ensureDetector(msg.formats);
      // Load the wasm now rather than on the first frame.
      await BarcodeDetector.getSupportedFormats();
      self.postMessage({ type: "ready" });
    } catch (err) {
      self.postMessage({ type: "error", error: String(err && err.message ? err.message : err) });
    }
    return;
  }
  if (msg.type === "frame") {
    const { id, frame } = msg;
    try {
      const found = await ensureDetector().detect(frame);
      self.postMessage({
        type: "result",
        id,
        results: found.map((b) => ({ rawValue: b.rawValue, format: b.format })),
      });
    } catch (err) {
      self.postMessage({
        type: "result",
        id,
        results: [],
        error: String(err && err.message ? err.message : err),
      });
    } finally {
      if (frame && typeof frame.close === "function") frame.close();
    }
  }
};
