// Breakwater team dashboard: reads /admin/api/stats and draws inline SVG charts.
// No libraries: a few hundred lines of DOM code are easier to audit and ship than a bundle.
"use strict";

const COLORS = { allow: "#8bb8e8", tag: "#e3a008", block: "#b42318", error: "#6b7280" };
const DECISIONS = ["allow", "tag", "block", "error"];
const SVG = "http://www.w3.org/2000/svg";
const store = window.sessionStorage;

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
  for (const child of children) node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  return node;
}

function svg(tag, attrs, text) {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, String(v));
  if (text !== undefined) node.textContent = String(text);
  return node;
}

function title(node, text) { node.append(svg("title", {}, text)); return node; }

async function api(path, options) {
  const response = await fetch(path, {
    ...(options || {}),
    headers: { "Authorization": "Bearer " + store.getItem("breakwater-key"), "Content-Type": "application/json" },
  });
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw Object.assign(new Error((body.error && body.error.message) || response.statusText),
                                        { status: response.status });
  return body;
}

function empty(target, text) { target.replaceChildren(el("p", { class: "empty" }, text)); }

// Stacked bars: one column per time bucket, one colour per decision.
function drawTimeline(target, data) {
  const buckets = new Map();
  for (const row of data.timeline) {
    if (!buckets.has(row.bucket)) buckets.set(row.bucket, {});
    buckets.get(row.bucket)[row.decision] = row.count;
  }
  if (!buckets.size) return empty(target, "No scanned suggestions in this window yet.");
  const step = data.bucket_seconds;
  const now = Date.now() / 1000;
  const first = Math.floor(data.since / step) * step;
  const columns = [];
  for (let t = first; t <= now; t += step) columns.push([t, buckets.get(t) || {}]);
  const width = 900, height = 220, left = 40, right = 8, bottom = 24, top = 8;
  const max = Math.max(1, ...columns.map(([, c]) => DECISIONS.reduce((s, d) => s + (c[d] || 0), 0)));
  const bar = (width - left - right) / columns.length;
  const chart = svg("svg", { viewBox: `0 0 ${width} ${height}`, role: "img", "aria-label": "decisions over time",
                             class: "plot" });
  const scale = (height - bottom - top) / max;
  chart.append(svg("line", { x1: left, y1: height - bottom, x2: width - right, y2: height - bottom, stroke: "#999" }));
  chart.append(svg("text", { x: left - 6, y: top + 10, "text-anchor": "end" }, max));
  chart.append(svg("text", { x: left - 6, y: height - bottom, "text-anchor": "end" }, 0));
  columns.forEach(([t, counts], i) => {
    let y = height - bottom;
    for (const decision of DECISIONS) {
      const count = counts[decision] || 0;
      if (!count) continue;
      const h = count * scale;
      y -= h;
      chart.append(title(svg("rect", {
        x: left + i * bar + 1, y, width: Math.max(bar - 2, 1), height: h, fill: COLORS[decision],
        "data-decision": decision, "data-count": count, class: "bar",
        "data-filter-field": "decision", "data-filter-value": decision, "data-since": t, "data-until": t + step,
      }), `${new Date(t * 1000).toLocaleString()}: ${count} ${decision}`));
    }
  });
  // First label starts at the axis, the middle one is centred, the last ends at the right edge: none is cut off.
  const ticks = [[0, "start", left], [Math.floor(columns.length / 2), "middle", null],
                 [columns.length - 1, "end", width - right]];
  for (const [i, anchor, x] of ticks) {
    const label = new Date(columns[i][0] * 1000).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
    chart.append(svg("text", { x: x ?? left + (i + 0.5) * bar, y: height - 6, "text-anchor": anchor,
                               class: "tick" }, label));
  }
  const legend = el("div", { class: "legend" });
  for (const decision of DECISIONS) {
    const swatch = svg("svg", { width: 10, height: 10, class: "swatch" });
    swatch.append(svg("rect", { width: 10, height: 10, fill: COLORS[decision] }));
    legend.append(el("span", {}, swatch, decision));
  }
  target.replaceChildren(chart, legend);
}

function shorten(text, most) { return text.length > most ? text.slice(0, most - 1) + "…" : text; }

// Horizontal bars: a name and a value per row; `format` turns the value into its label.
function drawBars(target, rows, value, format, color, field) {
  if (!rows.length) return empty(target, "Nothing yet.");
  const width = 440, row = 22, labelWidth = 200, valueWidth = 90;
  const max = Math.max(...rows.map(value), 1e-9);
  const chart = svg("svg", { viewBox: `0 0 ${width} ${rows.length * row + 4}`, role: "img", class: "plot" });
  rows.forEach((r, i) => {
    const w = (width - labelWidth - valueWidth) * value(r) / max;
    const y = i * row + 2;
    chart.append(title(svg("text", { x: labelWidth - 6, y: y + 14, "text-anchor": "end" }, shorten(r.name, 30)),
                       r.name));
    chart.append(title(svg("rect", { x: labelWidth, y, width: Math.max(w, 1), height: row - 6, fill: color,
                                     class: "bar", "data-name": r.name, "data-value": value(r),
                                     "data-filter-field": field, "data-filter-value": r.name }),
                       `${r.name}: ${format(r)}`));
    chart.append(svg("text", { x: labelWidth + w + 6, y: y + 14 }, format(r)));
  });
  target.replaceChildren(chart);
}

function when(ts) { return new Date(ts * 1000).toLocaleString(); }

function drawWaivers(table, waivers, canDecide) {
  table.replaceChildren(el("tr", {}, ...["id", "what", "for", "window", "reason", "requested by", ""]
    .map((h) => el("th", {}, h))));
  if (!waivers.length) {
    table.append(el("tr", {}, el("td", { colspan: 7, class: "empty" }, "No open requests.")));
    return;
  }
  for (const w of waivers) {
    const actions = el("td", {});
    if (canDecide) {
      actions.append(el("button", { class: "approve", "data-id": w.id, type: "button" }, "Approve"), " ",
                     el("button", { class: "deny", "data-id": w.id, type: "button" }, "Deny"));
    }
    table.append(el("tr", { "data-waiver": w.id },
      el("td", { "data-label": "id" }, w.id), el("td", { "data-label": "what" }, `${w.scope_kind} ${w.scope_value}`),
      el("td", { "data-label": "for" }, `${w.subject_kind} ${w.subject_value} (team ${w.team})`),
      el("td", { "data-label": "window" }, `${when(w.starts_at)} → ${when(w.expires_at)}`),
      el("td", { "data-label": "reason" }, w.reason),
      el("td", { "data-label": "requested by" }, `${w.requested_owner} (${w.requested_by})`), actions));
  }
}

function drawBlocked(table, rows) {
  table.replaceChildren(el("tr", {}, ...["time", "team / key", "model", "language", "findings", "excerpt"]
    .map((h) => el("th", {}, h))));
  if (!rows.length) {
    table.append(el("tr", {}, el("td", { colspan: 6, class: "empty" }, "Nothing blocked yet.")));
    return;
  }
  for (const r of rows) {
    const findings = el("ul", {});
    for (const f of r.findings) {
      findings.append(el("li", {}, `${f.action} · ${f.category} · ${f.rule_id} · line ${f.line} (${f.severity})`));
    }
    table.append(el("tr", { class: "blocked", "data-request": r.request_id },
      el("td", { "data-label": "time" }, when(r.ts)),
      el("td", { "data-label": "team / key" }, `${r.team || "(pass-through)"} / ${r.key_id || "-"}`),
      el("td", { "data-label": "model" }, r.model || "?"), el("td", { "data-label": "language" }, r.language || "?"),
      el("td", { "data-label": "findings" }, findings), el("td", { "data-label": "excerpt" }, el("pre", {}, r.excerpt))));
  }
}

async function load() {
  const hours = document.getElementById("hours").value;
  const data = await api(`/admin/api/stats?hours=${hours}`);
  const roles = data.viewer.roles;
  document.getElementById("who").textContent = `${data.viewer.key_id} (${roles.join(", ")})`;
  const totals = Object.fromEntries(data.totals.map((r) => [r.decision, r.count]));
  const all = DECISIONS.reduce((s, d) => s + (totals[d] || 0), 0);
  document.getElementById("totals").replaceChildren(
    el("div", { class: "total", id: "total-scanned" }, el("b", {}, all), "suggestions scanned"),
    ...DECISIONS.map((d) => el("div", { class: "total", id: `total-${d}`, "data-filter-field": "decision",
                                        "data-filter-value": d }, el("b", {}, totals[d] || 0), d)));
  document.body.dataset.since = String(data.since);
  drawTimeline(document.getElementById("chart-timeline"), data);
  drawBars(document.getElementById("chart-rules"), data.top_rules, (r) => r.count, (r) => r.count, "#4f46e5",
           "rule");
  drawBars(document.getElementById("chart-categories"), data.top_categories, (r) => r.count, (r) => r.count,
           "#0e7490", "category");
  const rate = (r) => `${Math.round(r.block_rate * 100)}% of ${r.total}`;
  drawBars(document.getElementById("chart-teams"), data.by_team, (r) => r.block_rate, rate, COLORS.block, "team");
  drawBars(document.getElementById("chart-models"), data.by_model, (r) => r.block_rate, rate, COLORS.block,
           "model");
  drawBars(document.getElementById("chart-clients"), data.by_client, (r) => r.total, rate, "#6d28d9", "client");
  drawBars(document.getElementById("chart-replicas"), data.by_replica, (r) => r.total, rate, "#475569",
           "replica");
  // Replies the repair loop asked again, per outcome (repaired, kept_original, error, timeout).
  drawBars(document.getElementById("chart-repairs"), data.repairs, (r) => r.count, (r) => r.count, "#15803d",
           "repair_outcome");
  drawWaivers(document.getElementById("open-waivers"), data.open_waivers,
              roles.includes("approver") || roles.includes("admin"));
  drawBlocked(document.getElementById("recent-blocked"), data.recent_blocked);
  document.getElementById("updated").textContent = `Updated ${new Date().toLocaleTimeString()}`;
  document.body.dataset.loaded = String(Number(document.body.dataset.loaded || 0) + 1);
}

// What the repair loop made of a row: which part (the model's first answer or its repair), whether the
// client got it, and why a repair was not used.
function repairLabel(r) {
  if (!r.repair_part) return "-";
  const got = r.repair_delivered ? "delivered" : "not delivered";
  return `${r.repair_part}, ${got} (${r.repair_outcome}${r.repair_reason ? ": " + r.repair_reason : ""})`;
}

// Every number links to the audit rows behind it: a click on a bar or total lists them below.
async function showAudit(filter) {
  const section = document.getElementById("audit-section");
  const table = document.getElementById("audit-rows");
  const query = new URLSearchParams({ order: "desc", limit: "200",
                                      since: filter.since || document.body.dataset.since || "0" });
  if (filter.until) query.set("until", filter.until);
  query.set(filter.filterField, filter.filterValue);
  section.hidden = false;
  document.getElementById("audit-title").textContent = `Audit rows: ${filter.filterField} = ${filter.filterValue}`;
  try {
    const data = await api(`/admin/api/audit?${query}`);
    table.replaceChildren(el("tr", {}, ...["time", "decision", "team / key", "client", "repair", "findings",
                                           "excerpt"].map((h) => el("th", {}, h))));
    for (const r of data.decisions) {
      const findings = el("ul", {});
      for (const f of r.findings) findings.append(el("li", {}, `${f.action} · ${f.category} · ${f.rule_id}`));
      table.append(el("tr", { class: "audit-row", "data-request": r.request_id },
        el("td", { "data-label": "time" }, when(r.ts)), el("td", { "data-label": "decision" }, r.decision),
        el("td", { "data-label": "team / key" }, `${r.team || "(pass-through)"} / ${r.key_id || "-"}`),
        el("td", { "data-label": "client" }, r.client || "?"),
        el("td", { "data-label": "repair" }, repairLabel(r)), el("td", { "data-label": "findings" }, findings),
        el("td", { "data-label": "excerpt" }, el("pre", {}, r.excerpt))));
    }
    if (!data.decisions.length) table.append(el("tr", {}, el("td", { colspan: 7, class: "empty" }, "No rows.")));
  } catch (err) {
    table.replaceChildren(el("tr", {}, el("td", { class: "error" }, err.status === 403
      ? "Audit rows are readable with an admin key or the dashboard token." : err.message)));
  }
  section.scrollIntoView({ block: "nearest" });
}

async function decide(id, verb) {
  const message = document.getElementById("waiver-message");
  try {
    const waiver = await api(`/admin/api/waivers/${encodeURIComponent(id)}/${verb}`, { method: "POST", body: "{}" });
    message.textContent = `Waiver ${waiver.id} is now ${waiver.status}.`;
    message.className = "";
  } catch (err) {
    message.textContent = `Could not ${verb} ${id}: ${err.message}`;
    message.className = "error";
  }
  await load();
}

async function start() {
  const main = document.getElementById("main"), login = document.getElementById("login");
  try {
    await load();
    login.hidden = true;
    main.hidden = false;
  } catch (err) {
    main.hidden = true;
    login.hidden = false;
    document.getElementById("login-error").textContent = store.getItem("breakwater-key") ? err.message : "";
  }
}

// A key in the URL fragment (never sent to the server or its logs) is taken once, then removed.
const fragment = new URLSearchParams(location.hash.slice(1));
if (fragment.get("key")) {
  store.setItem("breakwater-key", fragment.get("key"));
  history.replaceState(null, "", location.pathname);
}
document.getElementById("login").addEventListener("submit", (event) => {
  event.preventDefault();
  store.setItem("breakwater-key", document.getElementById("key").value.trim());
  start();
});
document.getElementById("logout").addEventListener("click", () => { store.removeItem("breakwater-key"); start(); });
document.getElementById("hours").addEventListener("change", () => load().catch(() => start()));
document.getElementById("main").addEventListener("click", (event) => {
  const source = event.target.closest("[data-filter-field]");
  if (source) showAudit(source.dataset);
});
document.getElementById("open-waivers").addEventListener("click", (event) => {
  const button = event.target.closest("button[data-id]");
  if (button) decide(button.dataset.id, button.classList.contains("approve") ? "approve" : "deny");
});
setInterval(() => { if (!document.getElementById("main").hidden) load().catch(() => {}); }, 15000);
start();
