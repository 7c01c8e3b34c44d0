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

  let pending = null;
  function pageJson() {
    if (!pending) {
      pending = fetch(jsonUrl(), { headers: { Accept: "application/json" } }).then((r) => {
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
      panels.forEach((el) => {
        const fn = renderers[el.dataset.panel];
        if (fn) { el.textContent = ""; fn(el, data); }
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

  document.addEventListener("DOMContentLoaded", drawPanels);
  return { register, pageJson, jsonUrl, text };
})();
