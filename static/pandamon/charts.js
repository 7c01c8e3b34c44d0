// pandamon charts: plotly figures drawn from the page's JSON (pandamon.register).
// Every bar is a link: clicking it opens the job list behind it.
"use strict";

(function () {
  const FONT = { family: "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif", size: 12 };
  const CONFIG = { displaylogo: false, responsive: true, modeBarButtonsToRemove: ["lasso2d", "select2d"] };
  // Same name, same colour in every chart of a page (finished and failed side by side).
  const PALETTE = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
    "#bcbd22", "#17becf", "#393b79", "#ad494a", "#637939", "#8c6d31", "#7b4173", "#3182bd"];
  const colours = new Map();
  function colour(name) {
    if (!colours.has(name)) colours.set(name, PALETTE[colours.size % PALETTE.length]);
    return colours.get(name);
  }

  function empty(el, message) {
    el.replaceChildren(pandamon.text("p", message, { class: "muted" }));
  }

  // "2026-11-23T10:00:00" (UTC, no offset) plus seconds, in the same form.
  function addSeconds(iso, seconds) {
    return new Date(new Date(iso + "Z").getTime() + seconds * 1000).toISOString().slice(0, 19);
  }

  // After drawing: fit the card (plotly measures before the page's grid has settled) and link the bars.
  function openOnClick(el) {
    Plotly.Plots.resize(el);
    el.on("plotly_click", (ev) => {
      const url = ev.points && ev.points[0] && ev.points[0].customdata;
      if (url) window.location.href = url;
    });
  }

  // Jobs per time bin of one state, stacked by VO (or cloud); data.plot from /dash/.
  function activity(jobstatus) {
    return function (el, data) {
      const plot = data.plot;
      const series = plot ? plot.series.filter((s) => s.jobstatus === jobstatus) : [];
      // Colours are assigned in the order of the finished series, the larger set.
      if (plot) plot.series.forEach((s) => colour(s.name));
      if (!series.length) { empty(el, "No " + jobstatus + " jobs in this window."); return; }
      const traces = series.map((s) => ({
        type: "bar",
        name: s.name + " (" + s.total.toLocaleString() + ")",
        x: plot.bins,
        y: s.counts,
        marker: { color: colour(s.name) },
        customdata: plot.bins.map((b) => s.link + "&date_from=" + b + "&date_to=" + addSeconds(b, plot.binseconds)),
        hovertemplate: s.name + ": %{y} " + jobstatus + "<br>%{x}<extra></extra>",
      }));
      const total = series.reduce((n, s) => n + s.total, 0);
      Plotly.newPlot(el, traces, {
        title: { text: jobstatus + " · " + total.toLocaleString() + " jobs", font: { size: 14 } },
        barmode: "stack", bargap: 0.1, font: FONT, height: 340,
        margin: { l: 50, r: 10, t: 40, b: 40 },
        xaxis: { type: "date" },
        yaxis: { title: { text: "jobs per " + (plot.binseconds >= 86400 ? "day" : "hour") }, rangemode: "tozero" },
        legend: { orientation: "h", y: -0.2 },
      }, CONFIG).then(() => openOnClick(el));
    };
  }

  // The most frequent errors as horizontal bars; links come with the page (error-links).
  function topErrors(el, data) {
    const errors = (data.errsByCount || []).slice(0, 15).reverse();
    if (!errors.length) { empty(el, "No errors in this selection."); return; }
    const linksEl = document.getElementById("error-links");
    const links = linksEl ? JSON.parse(linksEl.textContent) : {};
    Plotly.newPlot(el, [{
      type: "bar", orientation: "h",
      y: errors.map((e) => e.error + (e.title ? " " + e.title : "")),
      x: errors.map((e) => e.count),
      customdata: errors.map((e) => links[e.error] || null),
      text: errors.map((e) => e.desc || e.diag || ""),
      hovertemplate: "%{y}: %{x} jobs<br>%{text}<extra></extra>",
      marker: { color: "#c62828" },
    }], {
      font: FONT, height: Math.max(240, 24 * errors.length + 60),
      margin: { l: 260, r: 20, t: 10, b: 40 },
      xaxis: { title: { text: "jobs" }, rangemode: "tozero" },
      yaxis: { automargin: true },
    }, CONFIG).then(() => openOnClick(el));
  }

  // Jobs per time bin stacked by error (data.errsByTime from /errors/); "other" has no list to open.
  function errorsOverTime(el, data) {
    const plot = data.errsByTime;
    if (!plot || !plot.series.length) { empty(el, "No jobs in this window."); return; }
    const traces = plot.series.map((s) => ({
      type: "bar",
      name: s.name + " (" + s.total.toLocaleString() + ")",
      x: plot.bins,
      y: s.counts,
      marker: { color: colour(s.name) },
      customdata: plot.bins.map((b) => s.link ? s.link + (s.link.includes("?") ? "&" : "?") + "date_from=" + b +
        "&date_to=" + addSeconds(b, plot.binseconds) : null),
      hovertemplate: s.name + ": %{y} jobs<br>%{x}<extra></extra>",
    }));
    Plotly.newPlot(el, traces, {
      barmode: "stack", bargap: 0.1, font: FONT, height: 360,
      margin: { l: 50, r: 10, t: 20, b: 40 },
      xaxis: { type: "date" },
      yaxis: { title: { text: "jobs per " + (plot.binseconds >= 86400 ? "day" : "hour") }, rangemode: "tozero" },
      legend: { orientation: "h", y: -0.2 },
    }, CONFIG).then(() => openOnClick(el));
  }

  pandamon.register("errors-over-time", errorsOverTime);
  pandamon.register("activity-finished", activity("finished"));
  pandamon.register("activity-failed", activity("failed"));
  pandamon.register("top-errors", topErrors);
})();
