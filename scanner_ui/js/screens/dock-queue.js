// Dock queue (supervisors): the open putaway tasks, oldest stock on the dock first.

import { get, describe } from "../api.js";
import { button, h, message, render } from "../dom.js";

export default {
  id: "dock-queue",
  title: "Dock queue",
  minRole: "supervisor",
  mount(ctx) {
    const el = h("section", { class: "screen-body" });
    let tasks = null;
    let msg = null;

    async function load() {
      try {
        const data = await get("/putaway/tasks");
        tasks = (data.tasks || [])
          .slice()
          .sort((a, b) => (b.age_minutes ?? 0) - (a.age_minutes ?? 0));
        msg = null;
      } catch (err) {
        msg = { kind: "error", text: describe(err) };
      }
      paint();
    }

    function paint() {
      render(
        el,
        h(
          "h1",
          { class: "instruction" },
          tasks ? `${tasks.length} waiting on the dock` : "Loading…",
        ),
        msg && message(msg.kind, msg.text),
        tasks && tasks.length === 0 && h("p", { class: "empty" }, "The dock is clear."),
        tasks &&
          h(
            "ul",
            { class: "list" },
            tasks.map((t) =>
              h(
                "li",
                { class: "card" },
                h("h2", {}, `${t.quantity} × ${t.item?.sku ?? t.container?.code ?? "?"}`),
                t.item?.name && h("p", {}, t.item.name),
                h(
                  "p",
                  {},
                  `On ${t.from_location?.code ?? "?"} for `,
                  h("strong", {}, `${t.age_minutes ?? 0} min`),
                ),
                t.suggested_location && h("p", {}, `Suggested: ${t.suggested_location.code}`),
              ),
            ),
          ),
        h("div", { class: "grow" }),
        h(
          "div",
          { class: "actions" },
          button("Refresh", load),
          button("Home", () => ctx.navigate("home")),
        ),
      );
    }

    load();
    paint();
    return {
      el,
      onScan() {
        ctx.feedback.warn("Nothing to scan here", "This is a list to watch.");
      },
    };
  },
};
