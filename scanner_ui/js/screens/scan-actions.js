// The bottom bar of a scanning step: the step's own buttons, then the camera toggle, pushed
// down into thumb reach. Shared by the receive and putaway views.

import { button, h } from "../dom.js";

export function scanActions(ctx, paint, buttons) {
  return [
    h("div", { class: "grow" }),
    h(
      "div",
      { class: "actions" },
      buttons,
      button(ctx.camera.running ? "Stop camera" : "Scan with camera", async () => {
        await ctx.camera.toggle();
        paint();
      }),
    ),
  ];
}
