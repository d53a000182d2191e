// ctsim explore: the page. State lives in the URL fragment (the same text as the /api/run query);
// every change re-runs the model on the local server, at most one run in flight (a burst of moves
// is coalesced into one more run with the latest state). After each completed run and redraw,
// document.body.dataset.runs is incremented (browser tests and the benchmark wait on it).
"use strict";

const COLORS = ["#202124", "#d93025", "#1a73e8", "#f29900", "#188038", "#9334e6", "#12b5cb", "#795548"];
const TECH = {Coal: "#5f4b3b", Gas: "#f29900", Hydro: "#1a73e8", Nuclear: "#9334e6", Wind: "#12b5cb",
              Solar: "#fbbc04", Biomass: "#188038", "BF-BOF": "#5f4b3b", EAF: "#1a73e8", "H2-DRI": "#188038"};
const BASELINE = "#9aa0a6";

let meta = null;
let state = new URLSearchParams();
let inFlight = false, pending = false, runs = 0, lastData = null;
const charts = {};

function $(sel, root = document) { return root.querySelector(sel); }
function el(tag, attrs = {}, ...kids) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "text") e.textContent = v; else if (k.startsWith("data-")) e.setAttribute(k, v);
    else e[k] = v;
  }
  for (const k of kids) e.append(k);
  return e;
}
function fmt(v, digits) {
  if (v === null || v === undefined) return "-";
  const a = Math.abs(v);
  const d = digits !== undefined ? digits : a >= 100 ? 0 : a >= 10 ? 1 : a >= 1 ? 2 : 3;
  return v.toLocaleString("en-US", {minimumFractionDigits: d, maximumFractionDigits: d});
}
function decimals(step) { const s = String(step); return s.includes(".") ? s.split(".")[1].length : 0; }

// --- controls ---------------------------------------------------------------------------------

function leverControl(lv) {
  const box = el("div", {className: "lever"});
  const out = el("output", {id: "out-" + lv.param});
  const input = el("input", {type: "range", min: lv.min, max: lv.max, step: lv.step, value: lv.default,
                             title: lv.description, "data-param": lv.param, "data-kind": lv.kind,
                             "data-default": lv.default});
  input.setAttribute("aria-label", lv.label);
  const label = el("label", {}, el("span", {text: lv.label}), out);
  box.append(label);
  if (lv.kind === "cap") {
    const sw = el("input", {type: "checkbox", "data-switch": "cap:" + lv.param});
    sw.setAttribute("aria-label", "apply " + lv.label);
    const swl = el("label", {className: "note"}, sw, el("span", {text: " apply this cap from 2030"}));
    sw.addEventListener("change", () => { input.disabled = !sw.checked; changed(input); });
    input.disabled = true;
    box.append(swl);
  }
  box.append(input, el("div", {className: "desc", text: `${lv.description} [${lv.unit}; ${lv.param}]`}));
  input.addEventListener("input", () => changed(input));
  return box;
}

function groupBlock(g) {
  const fs = el("fieldset", {}, el("legend", {text: g.title}));
  for (const lv of g.levers) fs.append(leverControl(lv));
  if (g.note) fs.append(el("p", {className: "note", text: g.note}));
  return fs;
}

function buildControls() {
  const levers = $("#levers");
  for (const g of meta.levers) {
    const fs = groupBlock(g);
    if (g.id === "coal") {
      for (const [key, label] of Object.entries(meta.switches)) {
        const sw = el("input", {type: "checkbox", "data-switch": key});
        sw.addEventListener("change", () => { syncSwitches(); changed(sw); });
        fs.insertBefore(el("label", {className: "lever"}, sw, el("span", {text: " " + label})), fs.children[1]);
      }
    }
    levers.append(fs);
  }
  for (const g of meta.assumptions) $("#assumptions").append(groupBlock(g));
  const shocks = $("#shocks");
  for (const [sid, s] of Object.entries(meta.shocks)) {
    const fs = el("fieldset", {}, el("legend", {text: s.label}));
    const sw = el("input", {type: "checkbox", "data-shock": sid + ".on"});
    sw.addEventListener("change", () => changed(sw));
    fs.append(el("label", {className: "lever"}, sw, el("span", {text: " on"})));
    for (const [name, f] of Object.entries(s.fields)) {
      const out = el("output", {id: `out-shock-${sid}-${name}`, text: f.default});
      const input = el("input", {type: "range", min: f.min, max: f.max, step: f.step, value: f.default,
                                 "data-shock": `${sid}.${name}`, "data-default": f.default});
      input.setAttribute("aria-label", `${s.label}: ${name}`);
      input.addEventListener("input", () => { out.textContent = input.value; changed(input); });
      fs.append(el("div", {className: "lever"}, el("label", {}, el("span", {text: name}), out), input));
    }
    shocks.append(fs);
  }
  $("#reset").addEventListener("click", () => { state = new URLSearchParams(); applyState(); changedState(); });
}

// "no new coal" overrides the coal-build slider: show that by disabling it
function syncSwitches() {
  const sw = document.querySelector('input[data-switch="no_new_coal"]');
  const slider = document.querySelector('input[data-param="power.coal_additions_gw"]');
  if (sw && slider) slider.disabled = sw.checked;
}

function keyOf(input) {
  return input.dataset.param || (input.dataset.shock ? "shock." + input.dataset.shock : input.dataset.switch);
}

// Map one control to the page state (only values that differ from the scenario are kept).
function changed(input) {
  if (input.dataset.switch && input.dataset.switch.startsWith("cap:")) {
    const param = input.dataset.switch.slice(4);
    const slider = document.querySelector(`input[data-param="${param}"]`);
    if (input.checked) state.set(param, slider.value); else state.delete(param);
  } else if (input.dataset.param && input.dataset.kind === "cap") {
    if (!input.disabled) state.set(input.dataset.param, input.value);
  } else if (input.type === "checkbox") {
    if (input.checked) state.set(keyOf(input), "1"); else state.delete(keyOf(input));
  } else if (Number(input.value) === Number(input.dataset.default)) {
    state.delete(keyOf(input));
  } else {
    state.set(keyOf(input), input.value);
  }
  changedState();
}

function changedState() {
  state.sort();
  const q = state.toString();
  history.replaceState(null, "", q ? "#" + q : location.pathname);
  $("#download-yaml").href = "/download/scenario.yaml?" + q;
  $("#download-csv").href = "/download/data.csv?" + q;
  schedule();
}

// Set the controls from the state (on load from the URL, and on reset).
function applyState() {
  for (const input of document.querySelectorAll("input[data-param], input[data-shock]")) {
    if (input.type === "checkbox") { input.checked = state.get(keyOf(input)) === "1"; continue; }
    const v = state.get(keyOf(input));
    input.value = v !== null ? v : input.dataset.default;
    if (input.dataset.kind === "cap") input.disabled = v === null;
  }
  for (const sw of document.querySelectorAll("input[data-switch]")) {
    const key = sw.dataset.switch;
    sw.checked = key.startsWith("cap:") ? state.has(key.slice(4)) : state.get(key) === "1";
  }
  syncSwitches();
  for (const input of document.querySelectorAll("input[data-shock][type=range]")) {
    const [sid, name] = input.dataset.shock.split(".");
    $(`#out-shock-${sid}-${name}`).textContent = input.value;
  }
}

// --- runs -------------------------------------------------------------------------------------

function schedule() {
  if (inFlight) { pending = true; return; }
  runOnce();
}

async function runOnce() {
  inFlight = true; pending = false;
  document.body.dataset.busy = "1";
  const q = state.toString();
  const t0 = performance.now();
  try {
    const resp = await fetch("/api/run?" + q);
    const data = await resp.json();
    const t1 = performance.now();
    if (data.error) { showMessage(data.error); }
    else { showMessage(null); lastData = data; redraw(data); }
    document.body.dataset.fetchMs = (t1 - t0).toFixed(1);
    document.body.dataset.drawMs = (performance.now() - t1).toFixed(1);
  } catch (err) {
    showMessage("the explorer server did not answer (is `ctsim explore` still running?)");
  }
  // uPlot commits a setData in a microtask queued before this one: the canvases are drawn now
  queueMicrotask(() => {
    runs += 1;
    document.body.dataset.runs = String(runs);
    document.body.dataset.lastMs = (performance.now() - t0).toFixed(1);
    $("#timing").textContent = `last run ${document.body.dataset.lastMs} ms`;
    inFlight = false;
    if (pending) runOnce(); else delete document.body.dataset.busy;
  });
}

function showMessage(text) {
  const m = $("#message");
  m.hidden = !text;
  m.textContent = text || "";
}

// --- verdicts ---------------------------------------------------------------------------------

function marginText(v) {
  if (v.margin === null || v.margin === undefined) return "n/a";
  if (v.margin_unit === "fraction") return `${(100 * v.margin >= 0 ? "+" : "")}${(100 * v.margin).toFixed(1)} pp`;
  if (v.margin_unit === "years") return `${v.margin >= 0 ? "+" : ""}${v.margin.toFixed(0)} yr`;
  return `${v.margin >= 0 ? "+" : ""}${fmt(v.margin)}`;
}

function drawVerdicts(data) {
  const ul = $("#verdicts ul");
  ul.replaceChildren();
  const base = Object.fromEntries(meta.baseline.verdicts.map(v => [v.id, v]));
  for (const v of data.verdicts) {
    const b = base[v.id];
    ul.append(el("li", {className: v.met ? "met" : "missed", title: v.variable, "data-target": v.id,
                        "data-met": String(v.met), "data-margin": String(v.margin)},
      el("b", {text: v.id}), el("span", {text: v.description}), el("br"),
      el("span", {className: "margin", text: (v.met ? "met " : "MISSED ") + marginText(v)}), el("br"),
      el("span", {className: "base", text: b ? `scenario: ${b.met ? "met" : "missed"} ${marginText(b)}` : ""})));
  }
}

// --- charts -----------------------------------------------------------------------------------

function chartYears(c) {
  const years = new Set(meta.baseline.years);
  const h = meta.history[c.variables[0]];
  if (h) h.years.forEach(y => years.add(y));
  return [...years].sort((a, b) => a - b);
}

function aligned(years, fromYears, values) {
  const m = new Map(fromYears.map((y, i) => [y, values[i]]));
  return years.map(y => (m.has(y) ? m.get(y) : null));
}

function targetLines(c) {
  // target years of targets on this chart's variables (the verdicts give their colour)
  return {hooks: {draw: [u => {
    if (!lastData) return;
    const ctx = u.ctx;
    let row = 0;
    for (const v of lastData.verdicts) {
      if (!v.year || !c.variables.some(name => v.variable === name || (c.id === "co2" && v.variable.startsWith("Intensity|")))) continue;
      const x = u.valToPos(v.year, "x", true);
      ctx.save();
      ctx.strokeStyle = v.met ? "#1b7a3a" : "#b3261e";
      ctx.setLineDash([4, 4]); ctx.lineWidth = 1.5 * devicePixelRatio;
      ctx.beginPath(); ctx.moveTo(x, u.bbox.top); ctx.lineTo(x, u.bbox.top + u.bbox.height); ctx.stroke();
      ctx.fillStyle = ctx.strokeStyle; ctx.font = `${10 * devicePixelRatio}px system-ui`;
      ctx.fillText(v.id, x + 3, u.bbox.top + (12 + 12 * row++) * devicePixelRatio);
      ctx.restore();
    }
  }]}};
}

function buildCharts() {
  const box = $("#charts");
  const width = Math.max(420, Math.floor((box.clientWidth - 20) / 2) - 14);
  for (const c of meta.charts) {
    const div = el("div", {className: "chart", id: "chart-" + c.id, "data-chart": c.id});
    div.append(el("h3", {text: `${c.title} (${c.unit})`}));
    box.append(div);
    const series = [{label: "year"}];
    c.labels.forEach((name, i) => {
      series.push({label: name, stroke: TECH[name] || COLORS[i % COLORS.length], width: i === 0 ? 2.5 : 1.5});
    });
    series.push({label: "scenario: " + c.labels[0], stroke: BASELINE, dash: [6, 4], width: 2});
    if (meta.history[c.variables[0]]) {
      series.push({label: "observed", stroke: "#000", width: 0, paths: () => null,
                   points: {show: true, size: 5, fill: "#000", stroke: "#000"}});
    }
    const opts = {width, height: 250, series, plugins: [targetLines(c)],
                  scales: {x: {time: false}}, axes: [{values: (u, vals) => vals.map(v => String(v))}, {size: 60}], legend: {live: false}};
    const years = chartYears(c);
    charts[c.id] = {plot: new uPlot(opts, chartData(c, years, meta.baseline), div), years, c};
    div.append(el("p", {className: "caption", text: c.variables.join(", ")}));
  }
}

// keep each chart as wide as its grid cell when the window changes
function fitCharts() {
  for (const {plot, c} of Object.values(charts)) {
    const w = document.getElementById("chart-" + c.id).clientWidth - 14;
    if (w > 200 && Math.abs(w - plot.width) > 2) plot.setSize({width: w, height: plot.height});
  }
}

function chartData(c, years, data) {
  const rows = [years];
  for (const v of c.variables) rows.push(aligned(years, data.years, data.series[v]));
  rows.push(aligned(years, meta.baseline.years, meta.baseline.series[c.variables[0]]));
  const h = meta.history[c.variables[0]];
  if (h) rows.push(aligned(years, h.years, h.values));
  return rows;
}

function redraw(data) {
  for (const {plot, years, c} of Object.values(charts)) plot.setData(chartData(c, years, data));
  drawVerdicts(data);
  drawLeverValues(data);
  drawProvinces(data);
}

function drawLeverValues(data) {
  for (const g of [...meta.levers, ...meta.assumptions]) {
    for (const lv of g.levers) {
      const out = document.getElementById("out-" + lv.param);
      const eff = data.effective[lv.param];
      const input = document.querySelector(`input[data-param="${lv.param}"]`);
      const unit = lv.unit === "1" ? "" : " " + lv.unit;
      if (lv.kind === "scale") {
        out.textContent = `x${Number(input.value).toFixed(2)}: ${Object.entries(eff).map(([y, v]) => `${y} ${fmt(v)}`).join(", ")}${unit}`;
      } else if (lv.kind === "cap") {
        out.textContent = input.disabled ? "no cap" : `${fmt(Number(input.value), 0)}${unit}`;
      } else {
        const v = typeof eff === "number" ? eff : eff[String(2030)];
        out.textContent = lv.unit === "yr" ? `${v} yr` : `${fmt(v, decimals(lv.step))}${unit}`;
      }
    }
  }
}

// Provincial view: a hook for the provinces issue. When /api/meta carries "provinces" (tile
// positions) and a run carries per-region series, this draws the tile map; today the explorer runs
// national scenarios only, so the section stays hidden.
function drawProvinces(data) {
  const section = $("#provinces");
  if (!meta.provinces || !data.regions) { section.hidden = true; return; }
  section.hidden = false;
}

// --- start ------------------------------------------------------------------------------------

async function start() {
  meta = await (await fetch("/api/meta")).json();
  $("#scenario-name").textContent = meta.scenario;
  $("#scenario-description").textContent = meta.description;
  buildControls();
  state = new URLSearchParams(location.hash.slice(1));
  applyState();
  buildCharts();
  fitCharts();
  window.addEventListener("resize", fitCharts);
  lastData = meta.baseline;  // the scenario as written, until the first run answers
  redraw(meta.baseline);
  changedState();
  // a link pasted into this tab changes only the fragment: follow it (replaceState never fires this)
  window.addEventListener("hashchange", () => {
    state = new URLSearchParams(location.hash.slice(1));
    applyState();
    changedState();
  });
}

// read-only handles for tests and the benchmark: the data last drawn and the charts
window.ctsimExplorer = {get data() { return lastData; }, get meta() { return meta; }, charts};

start();
