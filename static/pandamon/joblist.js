// Job list panels drawn after load from the page's JSON: the attribute summary
// (every value narrows the list to it) and the errors of the selection.
"use strict";

(function () {
  const t = pandamon.text;
  const SHOWN = 5; // values per attribute before "all N"
  const PAGE_ONLY = ["json", "outputs", "after", "export"];

  // The current list with one filter set (replacing any value it had).
  function narrowed(field, value) {
    const params = new URLSearchParams(window.location.search);
    PAGE_ONLY.forEach((k) => params.delete(k));
    params.set(field, value);
    return window.location.pathname + "?" + params.toString();
  }

  function sameSelection(path) {
    const params = new URLSearchParams(window.location.search);
    PAGE_ONLY.concat(["sortby", "display_limit", "limit"]).forEach((k) => params.delete(k));
    const query = params.toString();
    return path + (query ? "?" + query : "");
  }

  function filtered() {
    return new Set(Array.from(new URLSearchParams(window.location.search).keys()).map((k) => k.toLowerCase()));
  }

  function valueList(field, values) {
    const ul = t("ul");
    values.forEach((v) => {
      const li = t("li");
      const a = t("a", v.kname, { href: narrowed(field, v.kname), title: field + "=" + v.kname });
      li.append(a, t("span", v.kvalue.toLocaleString(), { class: "n" }));
      ul.append(li);
    });
    return ul;
  }

  function selectionSummary(el, data) {
    const current = filtered();
    (data.selectionsummary || []).forEach((attr) => {
      if (!attr.list.length) return;
      const box = t("div", null, { class: "attr" + (current.has(attr.field) ? " current" : "") });
      box.append(t("h3", attr.field + " (" + attr.list.length + ")"));
      box.append(valueList(attr.field, attr.list.slice(0, SHOWN)));
      if (attr.list.length > SHOWN) {
        const more = t("details");
        more.append(t("summary", "all " + attr.list.length.toLocaleString()));
        more.append(valueList(attr.field, attr.list.slice(SHOWN)));
        box.append(more);
      }
      el.append(box);
    });
    if (!el.childNodes.length) el.append(t("p", "No jobs in this window and selection.", { class: "muted" }));
  }

  function selectionTotal(el, data) {
    const states = (data.selectionsummary || []).find((a) => a.field === "jobstatus");
    const total = states ? states.list.reduce((n, v) => n + v.kvalue, 0) : 0;
    el.textContent = "· " + total.toLocaleString() + " job" + (total === 1 ? "" : "s");
  }

  function selectionErrors(el, data) {
    const errors = data.errsByCount || [];
    if (!errors.length) { el.append(t("p", "No error codes set on jobs of this selection.", { class: "muted" })); return; }
    const columns = JSON.parse(document.getElementById("error-columns").textContent);
    const table = t("table", null, { class: "errlist" });
    const head = t("tr");
    ["error", "jobs", "meaning", "example"].forEach((h, i) => head.append(t("th", h, i === 1 ? { class: "num" } : {})));
    const thead = t("thead");
    thead.append(head);
    table.append(thead);
    const body = t("tbody");
    errors.slice(0, 10).forEach((e) => {
      const tr = t("tr");
      const name = t("td");
      name.append(t("span", e.error, { class: "err" }), " ", t("span", e.title || ""));
      const count = t("td", null, { class: "num" });
      count.append(t("a", e.count.toLocaleString(), { href: narrowed(columns[e.component], e.codeval) }));
      const example = t("td");
      example.append(t("a", e.example_pandaid, { href: "/job/" + e.example_pandaid + "/" }));
      tr.append(name, count, t("td", e.desc || e.diag || "", { class: "desc", title: e.diag || "" }), example);
      body.append(tr);
    });
    table.append(body);
    el.append(table);
    const all = t("p");
    all.append(t("a", "Error summary of this selection (" + errors.length + " codes) »",
      { href: sameSelection("/errors/") }));
    el.append(all);
  }

  pandamon.register("selectionsummary", selectionSummary);
  pandamon.register("selection-total", selectionTotal);
  pandamon.register("selection-errors", selectionErrors);
})();
