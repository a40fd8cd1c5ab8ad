// Camera scanning: the back camera at >= 1280x720, frames sent to a Web Worker 5-10 times a
// second (never more than one in flight), and the same code ignored for ~1.5 s after a read.

export class CameraScanner {
  constructor({ video, status, onDecode, getSettings }) {
    this.video = video;
    this.status = status;
    this.onDecode = onDecode;
    this.getSettings = getSettings;
    this.worker = null;
    this.stream = null;
    this.timer = null;
    this.busy = false;
    this.frameId = 0;
    this.lastText = "";
    this.lastAt = 0;
    this.frames = 0;
  }

  get running() {
    return !!this.stream;
  }

  say(text) {
    if (this.status) this.status.textContent = text;
  }

  ensureWorker() {
    if (this.worker) return;
    this.worker = new Worker(new URL("./decoder-worker.js", import.meta.url), { type: "module" });
    this.worker.onmessage = (e) => this.onWorkerMessage(e.data);
    this.worker.onerror = (e) => this.say(`Decoder failed: ${e.message || "unknown error"}`);
    this.worker.postMessage({ type: "init" });
  }

  async start() {
    if (this.stream) return;
    if (!navigator.mediaDevices?.getUserMedia)
      throw new Error("This browser cannot use the camera.");
    this.ensureWorker();
    this.lastText = ""; // a new look: the first read counts even if it is the last code
    this.say("Starting camera…");
    const wanted = {
      facingMode: { ideal: "environment" },
      width: { ideal: 1280, min: 1280 },
      height: { ideal: 720, min: 720 },
    };
    try {
      this.stream = await navigator.mediaDevices.getUserMedia({ video: wanted, audio: false });
    } catch (err) {
      if (err && err.name === "OverconstrainedError") {
        // A camera that cannot do 720p still beats none; 1D codes may need to be held closer.
        this.stream = await navigator.mediaDevices.getUserMedia({
          video: { facingMode: { ideal: "environment" } },
          audio: false,
        });
      } else {
        throw err;
      }
    }
    this.video.srcObject = this.stream;
    await this.video.play().catch(() => {});
    this.say("Point the camera at a barcode");
    this.schedule();
  }

  stop() {
    clearTimeout(this.timer);
    this.timer = null;
    if (this.stream) this.stream.getTracks().forEach((t) => t.stop());
    this.stream = null;
    this.video.srcObject = null;
    this.busy = false;
  }

  schedule() {
    const fps = this.getSettings().cameraFps;
    this.timer = setTimeout(() => this.grab(), Math.round(1000 / fps));
  }

  async grab() {
    if (!this.stream) return;
    if (!this.busy && this.video.readyState >= 2 && this.video.videoWidth > 0) {
      try {
        const frame = await createImageBitmap(this.video);
        this.busy = true;
        this.frameId += 1;
        this.worker.postMessage({ type: "frame", id: this.frameId, frame }, [frame]);
      } catch {
        this.busy = false;
      }
    }
    this.schedule();
  }

  onWorkerMessage(msg) {
    if (msg.type === "error") {
      this.say(`Decoder failed: ${msg.error}`);
      return;
    }
    if (msg.type !== "result") return;
    this.busy = false;
    this.frames += 1;
    for (const found of msg.results) {
      const now = performance.now();
      const { cameraDedupeMs } = this.getSettings();
      if (found.rawValue === this.lastText && now - this.lastAt < cameraDedupeMs) {
        this.lastAt = now; // still in view: keep suppressing
        continue;
      }
      this.lastText = found.rawValue;
      this.lastAt = now;
      this.say(`Read ${found.format.replace(/_/g, " ")}`);
      this.onDecode(found.rawValue, found.format);
    }
  }
}
