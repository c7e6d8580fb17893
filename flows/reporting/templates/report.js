// framewatch report: embeds the Vega-Lite charts (vegaEmbed is inlined above), wires the filter bar to
// every chart's params (f_outlet, f_topic, f_from, f_to) and to the story tables, and lists the articles
// behind a clicked point. Article text is untrusted: it is only ever set as textContent, and links only to
// http(s) URLs.
(function () {
  "use strict";
  const DATA = JSON.parse(document.getElementById("fw-data").textContent);

  // A compact table (warehouse.report_data.table): columns, each text column's values once, rows as lists.
  function expand(t) {
    if (!t || !t.columns) return [];
    const cols = t.columns;
    const dicts = cols.map((c) => (t.dicts && t.dicts[c]) || null);
    return t.rows.map((r) => {
      const o = {};
      for (let i = 0; i < cols.length; i++) o[cols[i]] = dicts[i] ? dicts[i][r[i]] : r[i];
      return o;
    });
  }

  for (const name of ["frame_cells", "slant_cells"]) DATA.datasets[name] = expand(DATA.datasets[name]);
  const ARTICLES = expand(DATA.articles);
  const views = {};
  const filters = { f_outlet: "All", f_topic: "All", f_from: DATA.window[0], f_to: DATA.window[1] };
  const outletName = Object.fromEntries(DATA.datasets.outlets.map((o) => [o.outlet_id, o.outlet]));
  const probIndex = Object.fromEntries(DATA.prob_frames.map((f, i) => [f, i]));
  // story id -> [outlet_id, topic, month] of its articles, for the tables' filtering
  const storyFacts = {};
  for (const f of expand(DATA.story_facts)) (storyFacts[f.story_id] = storyFacts[f.story_id] || []).push(f);

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
      a.month >= filters.f_from && a.month <= filters.f_to;
  }

  function leanOf(outletId) {
    const o = DATA.datasets.outlets.find((x) => x.outlet_id === outletId);
    return o ? o.lean : "unknown";
  }

  // A week as the page's data has it ('2026-11-02'): a temporal axis parses it to a UTC timestamp.
  function isoWeek(week) {
    return typeof week === "string" ? week : new Date(week).toISOString().slice(0, 10);
  }

  function periodText() {
    return filters.f_from === filters.f_to ? filters.f_from : filters.f_from + " to " + filters.f_to;
  }

  // The articles behind a point: the chart's group keys (outlet, week, lean, frame) plus the filters.
  function showArticles(chart, d) {
    let rows = ARTICLES.filter(inFilters);
    const what = [];
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
    what.push(periodText());
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
      const score = (a.slant_score >= 0 ? "+" : "") + a.slant_score.toFixed(2);
      const facts = [a.day, outletName[a.outlet_id] || a.outlet_id, a.topic, "primary: " + a.primary_frame,
        "slant score " + score];
      if (frame) facts.push("P(" + frame + ") = " + a.probs[probIndex[frame]].toFixed(2));
      if (a.in_training) facts.push("in the model's training data");
      li.append(el("div", facts.join(" · "), "facts"));
      if (a.story_id) {
        const story = document.getElementById("story-" + a.story_id);
        if (story) { const s = el("a", "story side by side", "story-link"); s.href = "#story-" + a.story_id; li.append(s); }
      }
      list.append(li);
    }
    if (rows.length > 60) list.append(el("li", "… and " + (rows.length - 60) + " more (narrow the filters)", "more"));
    if (DATA.articles_capped) list.append(el("li", "Only the " + ARTICLES.length + " most recent articles are in this file.", "more"));
    document.getElementById("chart-" + chart).after(panel);  // right below the chart clicked
    panel.hidden = false;
    panel.scrollIntoView({ behavior: "smooth", block: "nearest" });
  }

  function countArticles() {
    const n = ARTICLES.filter(inFilters).length;
    document.getElementById("filter-count").textContent = n + " articles in view (" + periodText() + ")";
  }

  // Rows of the story, thread and blindspot tables: shown when one of their stories has an article in the
  // filters (outlet, topic, months).
  function filterTables() {
    for (const row of document.querySelectorAll("tr[data-stories]")) {
      const ids = row.dataset.stories.split(" ").filter(Boolean);
      const shown = ids.some((id) => (storyFacts[id] || []).some(inFilters));
      row.hidden = !shown;
    }
    for (const table of document.querySelectorAll("table[data-filtered]")) {
      const empty = table.nextElementSibling;
      const visible = table.querySelectorAll("tr[data-stories]:not([hidden])").length;
      if (empty && empty.classList.contains("empty")) empty.hidden = visible > 0;
    }
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
    for (const [id, key] of [["filter-outlet", "f_outlet"], ["filter-topic", "f_topic"], ["filter-from", "f_from"], ["filter-to", "f_to"]]) {
      filters[key] = document.getElementById(id).value;
    }
    if (filters.f_from > filters.f_to) {  // From after To: read them the other way round
      [filters.f_from, filters.f_to] = [filters.f_to, filters.f_from];
      document.getElementById("filter-from").value = filters.f_from;
      document.getElementById("filter-to").value = filters.f_to;
    }
    countArticles();
    filterTables();
    await Promise.all(Object.values(views).map((v) => {
      for (const [k, val] of Object.entries(filters)) v.signal(k, val);
      return v.runAsync();
    }));
    document.body.dataset.filtered = String(Date.now());
  }

  function setPeriod(from, to) {
    document.getElementById("filter-from").value = from;
    document.getElementById("filter-to").value = to;
    return applyFilters();
  }

  window.framewatch = { views, filters, applyFilters, showArticles, setPeriod, articles: ARTICLES };
  for (const id of ["filter-outlet", "filter-topic", "filter-from", "filter-to"]) {
    document.getElementById(id).addEventListener("change", applyFilters);
  }
  document.getElementById("period-bulk").addEventListener("click", () => setPeriod(DATA.window[0], DATA.window[1]));
  document.getElementById("period-all").addEventListener("click", () => setPeriod(DATA.months[0], DATA.months[DATA.months.length - 1]));
  document.getElementById("drill-close").addEventListener("click", () => { document.getElementById("drill").hidden = true; });
  countArticles();
  filterTables();
  Promise.all(Object.keys(DATA.specs).map(embed))
    .then(() => { document.body.dataset.ready = "1"; })
    .catch((err) => { console.error(err); document.body.dataset.ready = "error"; });
})();
