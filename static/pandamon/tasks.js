// Task page: jobs ending over time, by final state, with the running total; events done over time.
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

// Task page: events processed by the finished jobs over time, with the running total.
pandamon.register("task-events", function (el, data) {
  const rows = (data.progress || []).filter((r) => r.events_finished || r.events_total);
  if (!rows.length) { el.replaceChildren(pandamon.text("p", "No finished job of this task has processed events yet.", { class: "muted" })); return; }
  const times = rows.map((r) => r.time);
  Plotly.newPlot(el, [
    { type: "bar", name: "events", x: times, y: rows.map((r) => r.events_finished), marker: { color: "#2e7d32" } },
    { type: "scatter", mode: "lines", name: "events (total)", x: times, y: rows.map((r) => r.events_total),
      yaxis: "y2", line: { color: "#1f4e79" } },
  ], {
    margin: { t: 10, r: 50, b: 90, l: 60 }, legend: { orientation: "h", y: -0.35 },
    yaxis: { title: { text: "events processed" } },
    yaxis2: { title: { text: "total" }, overlaying: "y", side: "right", rangemode: "tozero" },
  }, { displaylogo: false, responsive: true });
});
