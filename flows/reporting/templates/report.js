// framewatch report: embeds the Vega-Lite charts (vegaEmbed is inlined above), wires the filter bar to
// every chart's params (f_outlet, f_topic, f_period) and lists the articles behind a clicked point.
// Article text is untrusted: it is only ever set as textContent, and links only to http(s) URLs.
(function () {
  "use strict";
  const DATA = JSON.parse(document.getElementById("fw-data").textContent);
  const views = {};
  const filters = { f_outlet: "All", f_topic: "All", f_period: "All" };
  const outletName = Object.fromEntries(DATA.datasets.outlets.map((o) => [o.outlet_id, o.outlet]));
  const probIndex = Object.fromEntries(DATA.prob_frames.map((f, i) => [f, i]));

  function safeUrl(url) {
    return typeof url === "string" && /^https?:\/\//i.test(url) ? url : null;
  }

  function el(tag, text, cls) {
    const node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = String(text);
    if (cls) node.className = cls;
    return node;
  }

  function inFilters(a) {
    return (filters.f_outlet === "All" || a.outlet_id === filters.f_outlet) &&
      (filters.f_topic === "All" || a.topic === filters.f_topic) &&
      (filters.f_period === "All" || a.month === filters.f_period ||
        (filters.f_period.startsWith("since:") && a.week >= filters.f_period.slice(6)));
  }

  function leanOf(outletId) {
    const o = DATA.datasets.outlets.find((x) => x.outlet_id === outletId);
    return o ? o.lean : "unknown";
  }

  // A week as the page's data has it ('2026-11-02'): a temporal axis parses it to a UTC timestamp.
  function isoWeek(week) {
    return typeof week === "string" ? week : new Date(week).toISOString().slice(0, 10);
  }

  // The articles behind a point: the chart's group keys (outlet, week, lean, frame) plus the filters.
  function showArticles(chart, d) {
    let rows = DATA.articles.filter(inFilters);
    let what = [];
    if (d.outlet_id) { rows = rows.filter((a) => a.outlet_id === d.outlet_id); what.push(outletName[d.outlet_id] || d.outlet_id); }
    if (d.week) {
      const week = isoWeek(d.week);
      rows = rows.filter((a) => a.week === week);
      what.push("week of " + week);
    }
    if (d.lean && !d.outlet_id) { rows = rows.filter((a) => leanOf(a.outlet_id) === d.lean); what.push(d.lean + " outlets"); }
    const frame = d.frame && d.frame in probIndex ? d.frame : null;
    if (frame) {
      const i = probIndex[frame];
      rows = rows.slice().sort((a, b) => b.probs[i] - a.probs[i]);
      what.push("by P(" + frame + ")");
    } else if (chart === "slant") {
      rows = rows.slice().sort((a, b) => b.slant_score - a.slant_score);
      what.push("by slant score, right first");
    }
    if (filters.f_topic !== "All") what.push("topic " + filters.f_topic);
    if (filters.f_period !== "All") what.push(filters.f_period.replace("since:", "weeks since "));
    const panel = document.getElementById("drill");
    const list = document.getElementById("drill-list");
    document.getElementById("drill-title").textContent = rows.length + " articles: " + what.join(", ");
    list.replaceChildren();
    for (const a of rows.slice(0, 60)) {
      const li = el("li");
      const url = safeUrl(a.url);
      const title = el(url ? "a" : "span", a.title || "(untitled)", "title");
      if (url) { title.href = url; title.rel = "noopener noreferrer"; title.target = "_blank"; }
      li.append(title);
      const facts = [a.day, outletName[a.outlet_id] || a.outlet_id, a.topic, "primary: " + a.primary_frame,
        "slant " + a.slant + " (" + (a.slant_score >= 0 ? "+" : "") + a.slant_score.toFixed(2) + ")"];
      if (frame) facts.push("P(" + frame + ") = " + a.probs[probIndex[frame]].toFixed(2));
      li.append(el("div", facts.join(" · "), "facts"));
      if (a.story_id) {
        const story = document.getElementById("story-" + a.story_id);
        if (story) { const s = el("a", "story side by side", "story-link"); s.href = "#story-" + a.story_id; li.append(s); }
      }
      list.append(li);
    }
    if (rows.length > 60) list.append(el("li", "… and " + (rows.length - 60) + " more (narrow the filters)", "more"));
    if (DATA.articles_capped) list.append(el("li", "Only the " + DATA.articles.length + " most recent articles are in this file.", "more"));
    document.getElementById("chart-" + chart).after(panel);  // right below the chart clicked
    panel.hidden = false;
    panel.scrollIntoView({ behavior: "smooth", block: "nearest" });
  }

  function countArticles() {
    const n = DATA.articles.filter(inFilters).length;
    document.getElementById("filter-count").textContent = n + " articles in view";
  }

  async function embed(name) {
    const spec = DATA.specs[name];
    spec.datasets = Object.assign({}, spec.datasets || {}, DATA.datasets);
    const result = await vegaEmbed("#chart-" + name, spec, { renderer: "svg", actions: false });
    views[name] = result.view;
    for (const [k, v] of Object.entries(filters)) result.view.signal(k, v);
    await result.view.runAsync();
    result.view.addEventListener("click", (event, item) => {
      if (item && item.datum && (item.datum.outlet_id || item.datum.week || item.datum.frame)) showArticles(name, item.datum);
    });
  }

  async function applyFilters() {
    for (const [id, key] of [["filter-outlet", "f_outlet"], ["filter-topic", "f_topic"], ["filter-period", "f_period"]]) {
      filters[key] = document.getElementById(id).value;
    }
    countArticles();
    await Promise.all(Object.values(views).map((v) => {
      for (const [k, val] of Object.entries(filters)) v.signal(k, val);
      return v.runAsync();
    }));
    document.body.dataset.filtered = String(Date.now());
  }

  window.framewatch = { views, filters, applyFilters, showArticles };
  for (const id of ["filter-outlet", "filter-topic", "filter-period"]) {
    document.getElementById(id).addEventListener("change", applyFilters);
  }
  document.getElementById("drill-close").addEventListener("click", () => { document.getElementById("drill").hidden = true; });
  countArticles();
  Promise.all(Object.keys(DATA.specs).map(embed))
    .then(() => { document.body.dataset.ready = "1"; })
    .catch((err) => { console.error(err); document.body.dataset.ready = "error"; });
})();
