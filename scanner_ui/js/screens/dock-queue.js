// Dock queue (supervisors): the open putaway tasks, oldest stock on the dock first. Live: the
// list reloads when the board says the dock changed (live.js); offline it keeps the list it
// last had (also across a reload of the app: the copy in localStorage).

import { get, describe } from "../api.js";
import { button, h, message, render } from "../dom.js";
import { watch } from "../live.js";

const CACHE_KEY = "scanfloor.dock-queue";

function cached() {
  try {
    return JSON.parse(localStorage.getItem(CACHE_KEY) || "null");
  } catch {
    return null;
  }
}

export default {
  id: "dock-queue",
  title: "Dock queue",
  minRole: "supervisor",
  mount(ctx) {
    const el = h("section", { class: "screen-body" });
    const saved = cached();
    let tasks = saved ? saved.tasks : null;
    let msg = null;
    let docks = new Set((tasks || []).map((t) => t.from_location?.id));

    async function load() {
      try {
        const data = await get("/putaway/tasks");
        tasks = (data.tasks || [])
          .slice()
          .sort((a, b) => (b.age_minutes ?? 0) - (a.age_minutes ?? 0));
        docks = new Set(tasks.map((t) => t.from_location?.id));
        localStorage.setItem(CACHE_KEY, JSON.stringify({ tasks, at: new Date().toISOString() }));
        msg = null;
      } catch (err) {
        msg = { kind: "error", text: describe(err) };
        if (tasks) msg.text += " Showing the list as it was last loaded.";
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

    // A receipt lands on a dock and a putaway leaves one; other postings matter only when
    // they touch a dock this list shows.
    const stop = watch({
      sections: ["to_receive", "to_put_away"],
      touches: (p) =>
        p.movement_type === "receipt" ||
        p.movement_type === "putaway" ||
        (p.location_ids || []).some((id) => docks.has(id)),
      onChange: load,
    });

    load();
    paint();
    return {
      el,
      onScan() {
        ctx.feedback.warn("Nothing to scan here", "This is a list to watch.");
      },
      unmount() {
        stop();
      },
    };
  },
};
