// pandamon: small helpers shared by every page. Heavy panels are empty elements
// with data-panel="<name>"; their content is drawn after the page has loaded from
// the same URL's JSON, so the page itself appears at once.
"use strict";

window.pandamon = (function () {
  const renderers = {};

  function jsonUrl(url) {
    const u = new URL(url || window.location.href, window.location.origin);
    u.searchParams.set("json", "");
    return u.toString();
  }

  // Panels may name the top-level keys they draw (data-outputs="a,b"); when every
  // panel does, only those keys are asked for, so a page skips what it rendered itself.
  function panelOutputs() {
    const wanted = new Set();
    for (const el of document.querySelectorAll("[data-panel]")) {
      if (!el.dataset.outputs) return null;
      el.dataset.outputs.split(",").forEach((k) => wanted.add(k.trim()));
    }
    return wanted.size ? Array.from(wanted).join(",") : null;
  }

  let pending = null;
  function pageJson() {
    if (!pending) {
      const url = new URL(jsonUrl());
      const outputs = panelOutputs();
      if (outputs) url.searchParams.set("outputs", outputs);
      pending = fetch(url.toString(), { headers: { Accept: "application/json" } }).then((r) => {
        if (!r.ok) throw new Error("HTTP " + r.status);
        return r.json();
      });
    }
    return pending;
  }

  function register(name, fn) { renderers[name] = fn; }

  function drawPanels() {
    const panels = document.querySelectorAll("[data-panel]");
    if (!panels.length) return;
    pageJson().then((data) => {
      // One panel that fails to draw must not blank the others, and must show
      // in the console (the browser tests fail on console errors).
      panels.forEach((el) => {
        const fn = renderers[el.dataset.panel];
        if (!fn) return;
        try {
          el.textContent = "";
          fn(el, data);
        } catch (err) {
          console.error("panel " + el.dataset.panel + ":", err);
          el.textContent = "could not draw this panel: " + err.message;
        }
      });
    }).catch((err) => {
      panels.forEach((el) => { el.textContent = "could not load: " + err.message; });
    });
  }

  function text(tag, content, attrs) {
    const el = document.createElement(tag);
    if (content !== undefined && content !== null) el.textContent = String(content);
    Object.entries(attrs || {}).forEach(([k, v]) => el.setAttribute(k, v));
    return el;
  }

  // Progress bars and state-history segments carry their size as data-width (percent) and
  // data-grow: the Content-Security-Policy allows no inline style attribute, styles set here are fine.
  function sizeBars() {
    document.querySelectorAll("[data-width]").forEach((el) => { el.style.width = el.dataset.width + "%"; });
    document.querySelectorAll("[data-grow]").forEach((el) => { el.style.flexGrow = el.dataset.grow; });
  }

  document.addEventListener("DOMContentLoaded", sizeBars);
  document.addEventListener("DOMContentLoaded", drawPanels);
  return { register, pageJson, jsonUrl, text };
})();
