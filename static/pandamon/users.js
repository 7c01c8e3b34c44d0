// The user page's "jobs over time" chart: a stacked bar per state, drawn from
// the page JSON's `timeline` ({bucket, times, states: {jobstatus: [n per time]}}).
"use strict";

(function () {
  function stateColour(jobstatus) {
    const value = getComputedStyle(document.documentElement).getPropertyValue("--st-" + jobstatus).trim();
    return value || "#9e9e9e";
  }

  pandamon.register("user-timeline", function (el, data) {
    const timeline = data.timeline;
    if (!timeline || !timeline.times.length) {
      el.appendChild(pandamon.text("p", "No jobs in the window.", { class: "muted" }));
      return;
    }
    const traces = Object.entries(timeline.states).map(([jobstatus, counts]) => ({
      type: "bar", name: jobstatus, x: timeline.times, y: counts,
      marker: { color: stateColour(jobstatus) },
    }));
    Plotly.newPlot(el, traces, {
      barmode: "stack", margin: { t: 10, r: 10, b: 40, l: 50 }, height: 320,
      xaxis: { type: "date", title: { text: "UTC, per " + timeline.bucket } },
      yaxis: { title: { text: "jobs" } }, legend: { orientation: "h", y: -0.2 },
    }, { displaylogo: false, responsive: true });
  });
})();
