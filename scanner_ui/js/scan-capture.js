// Keyboard-wedge scan capture.
//
// A wedge scanner types what it read as keystrokes, fast, ending in Enter or Tab. Two paths:
// - a focused hidden <input inputmode="none"> (the sink) takes the keys; on Android the soft
//   keyboard reports key "Unidentified" (keyCode 229), so its `input` events are read too;
// - a capture-phase keydown listener on the window catches USB/desktop scanners wherever the
//   focus is, except in a real form field (a PIN, a quantity), which keeps its keys.
// A burst with gaps <= scanGapMs (event.timeStamp), at least scanMinLength characters, ending
// in Enter or Tab, is a scan; slower typing is not. GS (ASCII 29) has no key: it arrives as
// Ctrl+] (kept as "\x1d") or as a configured stand-in character. AIM prefixes pass through.

import { GS } from "./gs1.js";

const FIELD =
  "input:not([type=button]):not([type=submit]):not([type=reset]):not([type=checkbox]):not([type=radio]), textarea, select, [contenteditable=''], [contenteditable='true']";

export class ScanCapture {
  constructor({ sink, getSettings, onScan }) {
    this.sink = sink;
    this.getSettings = getSettings;
    this.onScan = onScan;
    this.buffer = "";
    this.lastAt = 0;
    this.paused = false;
    this.onKeyDown = this.onKeyDown.bind(this);
    this.onInput = this.onInput.bind(this);
    this.onBlur = this.onBlur.bind(this);
  }

  start() {
    window.addEventListener("keydown", this.onKeyDown, true);
    this.sink.addEventListener("input", this.onInput);
    this.sink.addEventListener("blur", this.onBlur);
    // When a form field gives focus back to nothing, the sink takes it again.
    document.addEventListener("focusout", (e) => {
      if (e.target !== this.sink) setTimeout(() => this.refocus(), 0);
    });
    this.refocus();
  }

  isField(el) {
    return !!el && el !== this.sink && el instanceof Element && el.matches(FIELD);
  }

  /* Focus the sink unless a real form field has the focus (or is about to). */
  refocus() {
    const active = document.activeElement;
    if (this.isField(active)) return;
    if (active !== this.sink) this.sink.focus({ preventScroll: true });
  }

  onBlur() {
    setTimeout(() => this.refocus(), 0);
  }

  push(chars, at) {
    const { scanGapMs } = this.getSettings();
    if (this.buffer && at - this.lastAt > scanGapMs) this.buffer = "";
    this.buffer += chars;
    this.lastAt = at;
  }

  onKeyDown(e) {
    if (this.paused) return;
    const target = e.target;
    if (this.isField(target)) return;
    const fromSink = target === this.sink;
    const key = e.key;
    if (key === "Unidentified" || e.keyCode === 229) return; // Android IME: read in onInput
    if (e.ctrlKey && (e.code === "BracketRight" || key === "]" || key === GS)) {
      e.preventDefault();
      this.push(GS, e.timeStamp);
      return;
    }
    if (key === "Enter" || key === "Tab") {
      if (this.finish(e.timeStamp)) {
        e.preventDefault();
        e.stopPropagation();
      }
      return;
    }
    if (key.length === 1 && !e.ctrlKey && !e.metaKey && !e.altKey) {
      if (fromSink) e.preventDefault(); // keep the sink empty: the buffer holds the text
      this.push(key, e.timeStamp);
    }
  }

  onInput(e) {
    // Only soft-keyboard text gets here (keydown prevented the rest).
    const text = this.sink.value;
    this.sink.value = "";
    if (!text || this.paused) return;
    this.push(text.replace(/\r?\n/g, ""), e.timeStamp);
    if (/\r?\n$/.test(text)) this.finish(e.timeStamp);
  }

  /* Enter/Tab arrived: a scan if the burst was long and fast enough. True if it was. */
  finish(at) {
    const { scanGapMs, scanMinLength, gsStandIn } = this.getSettings();
    const text = this.buffer;
    const fast = at - this.lastAt <= scanGapMs;
    this.buffer = "";
    this.sink.value = "";
    if (!text || text.length < scanMinLength || !fast) return false;
    // The server knows GS and "|"; any other stand-in is turned into GS here.
    const raw = gsStandIn && gsStandIn !== "|" ? text.split(gsStandIn).join(GS) : text;
    this.onScan(raw, "wedge");
    return true;
  }
}
