// The big quantity keypad the count and replenish screens share: twelve keys in thumb reach,
// each press handed back to the screen (its rules turn the key into the number).

import { h } from "../dom.js";

export const KEYS = ["1", "2", "3", "4", "5", "6", "7", "8", "9", "clear", "0", "back"];
export const KEY_LABELS = { clear: "Clear", back: "⌫" };
export const KEY_NAMES = { clear: "Clear", back: "Delete last digit" };

/* The keypad, calling onPress(key) for each key tapped. */
export function keypad(onPress) {
  return h(
    "div",
    { class: "keypad", role: "group", "aria-label": "Keypad" },
    KEYS.map((k) =>
      h(
        "button",
        {
          type: "button",
          class: `key${k.length > 1 ? " key-word" : ""}`,
          "aria-label": KEY_NAMES[k] || k,
          dataset: { key: k },
          onclick: () => onPress(k),
        },
        KEY_LABELS[k] || k,
      ),
    ),
  );
}
