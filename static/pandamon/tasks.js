// Task page: jobs ending over time, by final state, with the running total.
"use strict";

pandamon.register("task-progress", function (el, data) {
  const rows = data.progress || [];
  if (!rows.length) { el.replaceChildren(pandamon.text("p", "No job of this task has ended yet.", { class: "muted" })); return; }
  const times = rows.map((r) => r.time);
  const colours = { finished: "#2e7d32", failed: "#c62828", cancelled: "#6d4c41", closed: "#757575" };
  const traces = Object.keys(colours).map((state) => ({
    type: "bar", name: state, x: times, y: rows.map((r) => r[state]), marker: { color: colours[state] },
  }));
  traces.push({ type: "scatter", mode: "lines", name: "ended (total)", x: times, y: rows.map((r) => r.ended_total),
    yaxis: "y2", line: { color: "#1f4e79" } });
  Plotly.newPlot(el, traces, {
    barmode: "stack", margin: { t: 10, r: 50, b: 90, l: 50 }, legend: { orientation: "h", y: -0.35 },
    yaxis: { title: { text: "jobs ended" } },
    yaxis2: { title: { text: "total" }, overlaying: "y", side: "right", rangemode: "tozero" },
  }, { displaylogo: false, responsive: true });
});
