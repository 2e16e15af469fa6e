// keyward dashboard. Reads the admin and Agent Pools APIs with the admin token kept in this tab's
// sessionStorage; every value is written with textContent, never parsed as HTML.
"use strict";

const TOKEN_KEY = "keyward.adminToken";
const POLL_MS = 1500;
const TEAMS_EVERY = 4; // team overviews are read every 4th poll
const FINISHED = new Set(["Success", "Failed", "Cancelled"]);

let timer = null;
let polls = 0;
let lastEventId = "";
let events = [];
let eventsAvailable = true;

const $ = (id) => document.getElementById(id);

// el builds an element: el("td", {class: "x"}, "text", child, …).
function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null) continue;
    if (k === "class") e.className = v;
    else e.setAttribute(k, v);
  }
  for (const c of children.flat()) {
    if (c === undefined || c === null) continue;
    e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return e;
}

const badge = (s) => el("span", {class: "badge " + (s || "")}, s || "–");

function table(headers, rows) {
  if (rows.length === 0) return el("p", {class: "muted"}, "none");
  return el("table", {},
    el("thead", {}, el("tr", {}, headers.map((h) => el("th", {}, h)))),
    el("tbody", {}, rows));
}

function token() { return sessionStorage.getItem(TOKEN_KEY) || ""; }

class HTTPError extends Error {
  constructor(status, summary) { super(summary || "HTTP " + status); this.status = status; }
}

async function api(method, path, body) {
  const opts = {method, headers: {"Authorization": "SSWS " + token(), "Accept": "application/json"}, cache: "no-store"};
  if (body !== undefined) {
    opts.headers["Content-Type"] = "application/json";
    opts.body = JSON.stringify(body);
  }
  const res = await fetch(path, opts);
  let data = null;
  const text = await res.text();
  if (text) {
    try { data = JSON.parse(text); } catch (_) { data = null; }
  }
  if (!res.ok) {
    const summary = data && (data.errorSummary || data.error_description || data.message);
    throw new HTTPError(res.status, summary);
  }
  return data;
}

function setStatus(text, isError) {
  const s = $("status");
  s.textContent = text;
  s.className = isError ? "error" : "";
}

// ---- sign-in ----

function showSignedIn(signedIn) {
  $("sign-in").hidden = signedIn;
  $("dashboard").hidden = !signedIn;
  $("sign-out").hidden = !signedIn;
}

async function signIn(ev) {
  ev.preventDefault();
  const t = $("token").value.trim();
  $("sign-in-error").textContent = "";
  sessionStorage.setItem(TOKEN_KEY, t);
  try {
    await api("GET", "/keyward/v1/clock");
  } catch (e) {
    sessionStorage.removeItem(TOKEN_KEY);
    $("token").value = "";
    $("sign-in-error").textContent = e.status === 401 || e.status === 403
      ? "That token is not an admin API token." : "Sign-in failed: " + e.message;
    return;
  }
  $("token").value = "";
  start();
}

function signOut(message) {
  sessionStorage.removeItem(TOKEN_KEY);
  clearTimeout(timer);
  timer = null;
  showSignedIn(false);
  $("sign-in-error").textContent = message || "";
  setStatus("");
}

function start() {
  showSignedIn(true);
  polls = 0;
  lastEventId = "";
  events = [];
  eventsAvailable = true;
  poll();
}

// ---- polling ----

async function poll() {
  timer = null;
  const jobs = [refreshClock(), refreshPools(), refreshEvents()];
  if (polls % TEAMS_EVERY === 0) jobs.push(refreshTeams());
  polls++;
  const results = await Promise.allSettled(jobs);
  const failed = results.filter((r) => r.status === "rejected").map((r) => r.reason);
  if (failed.some((e) => e.status === 401)) {
    signOut("The token was refused; sign in again.");
    return;
  }
  if (failed.length > 0) setStatus("Refresh failed: " + failed[0].message, true);
  else setStatus("Updated " + new Date().toLocaleTimeString());
  if (token()) timer = setTimeout(poll, POLL_MS);
}

async function refreshClock() {
  const c = await api("GET", "/keyward/v1/clock");
  showClock(c);
}

function showClock(c) {
  $("clock-now").textContent = c.now;
  $("clock-kind").textContent = c.virtual ? "(virtual clock)" : "(real clock: start keyward with --virtual-clock to move it)";
  for (const b of document.querySelectorAll("button.advance")) b.disabled = !c.virtual;
}

async function advance(ev) {
  const b = ev.currentTarget;
  b.disabled = true;
  try {
    showClock(await api("POST", "/keyward/v1/clock", {advance: b.dataset.advance}));
    setStatus("Clock advanced by " + b.textContent.replace("+", ""));
  } catch (e) {
    setStatus("Clock not moved: " + e.message, true);
  } finally {
    b.disabled = false;
  }
}

async function refreshPools() {
  const data = await api("GET", "/keyward/v1/agentPools");
  const pools = data.pools || [];
  const poolRows = [];
  const jobRows = [];
  for (const p of pools) {
    poolRows.push(el("tr", {"data-pool-id": p.id},
      el("td", {}, p.name, el("div", {class: "muted mono"}, p.id)),
      el("td", {}, p.type),
      el("td", {}, badge(p.operationalStatus)),
      el("td", {}, (p.agents || []).length === 0 ? el("span", {class: "muted"}, "no agents") :
        el("ul", {}, p.agents.map((a) => el("li", {"data-agent-id": a.id},
          a.name + " ", el("span", {class: "mono"}, a.version), " ", badge(a.operationalStatus),
          a.updateStatus ? [" update: ", badge(a.updateStatus)] : null))))));
    for (const j of p.updates || []) jobRows.push(jobRow(p, j));
  }
  $("pools").replaceChildren(table(["Pool", "Type", "Status", "Agents"], poolRows),
    data.truncated ? el("p", {class: "muted"}, "Only the first pools are shown.") : "");
  $("jobs").replaceChildren(table(["Job", "Pool", "Kind", "Status", "Progress", "Agents"], jobRows));
}

function jobRow(pool, j) {
  const agents = j.agents || [];
  const done = agents.filter((a) => FINISHED.has(a.updateStatus)).length;
  const kind = j.schedule ? "scheduled: " + j.schedule.cron + " (" + (j.schedule.timezone || "UTC") + ", " +
    j.schedule.duration + " min)" + (j.enabled ? "" : ", disabled") : "on demand";
  return el("tr", {"data-job-id": j.id},
    el("td", {}, j.name, el("div", {class: "muted mono"}, j.id), el("div", {class: "muted"}, "→ " + (j.targetVersion || ""))),
    el("td", {}, pool.name),
    el("td", {}, kind),
    el("td", {class: "job-status"}, badge(j.status)),
    el("td", {}, el("progress", {max: String(agents.length || 1), value: String(done)}),
      " ", el("span", {class: "job-progress"}, done + "/" + agents.length + " done")),
    el("td", {}, el("ul", {}, agents.map((a) => el("li", {}, a.name + " ", badge(a.updateStatus),
      a.updateMessage ? el("span", {class: "muted"}, " " + a.updateMessage) : null)))));
}

async function refreshTeams() {
  const teams = await api("GET", "/keyward/v1/teams");
  const blocks = await Promise.all((teams || []).map(async (t) => {
    const o = await api("GET", "/keyward/v1/teams/" + encodeURIComponent(t.name) + "/overview");
    return teamBlock(o);
  }));
  $("teams").replaceChildren(blocks.length ? el("div", {}, blocks) : el("p", {class: "muted"}, "none"));
}

function teamBlock(o) {
  const rgRows = o.resourceGroups.map((rg) => el("tr", {},
    el("td", {}, rg.name, el("div", {class: "muted mono"}, rg.id)),
    el("td", {}, rg.description || ""),
    el("td", {}, rg.projects.length === 0 ? el("span", {class: "muted"}, "none") :
      el("ul", {}, rg.projects.map((p) => el("li", {}, p.name + " ",
        el("span", {class: "muted"}, p.activeResourceCount + " active, " + p.staleResourceCount + " stale")))))));
  const serverRows = o.servers.map((s) => el("tr", {},
    el("td", {}, s.hostname, el("div", {class: "muted mono"}, s.id)),
    el("td", {}, s.projectName),
    el("td", {}, s.osType),
    el("td", {}, badge(s.state)),
    el("td", {}, s.lastSeen)));
  const checkoutRows = o.checkouts.map((c) => el("tr", {},
    el("td", {}, c.accountName || c.accountId),
    el("td", {}, c.hostname || ""),
    el("td", {}, c.username),
    el("td", {}, badge(c.state)),
    el("td", {}, c.expiresAt)));
  return el("div", {class: "team", "data-team": o.team.name},
    el("h3", {}, "Team " + o.team.name),
    el("h4", {}, "Resource groups and projects"),
    table(["Resource group", "Description", "Projects"], rgRows),
    el("h4", {}, "Servers"),
    table(["Hostname", "Project", "OS", "State", "Last seen"], serverRows),
    el("h4", {}, "Checkouts"),
    table(["Account", "Server", "User", "State", "Expires"], checkoutRows),
    o.truncated ? el("p", {class: "muted"}, "Long lists are cut.") : "");
}

async function refreshEvents() {
  if (!eventsAvailable) return;
  let data;
  try {
    const q = lastEventId ? "after=" + encodeURIComponent(lastEventId) + "&limit=100" : "limit=100";
    data = await api("GET", "/keyward/v1/events?" + q);
  } catch (e) {
    if (e.status === 404) {
      eventsAvailable = false;
      $("events").replaceChildren(el("p", {class: "muted", id: "events-unavailable"}, "event log not available"));
      return;
    }
    throw e;
  }
  // Whatever order a page comes in, the newest event is the one with the highest id.
  const seen = new Set(events.map((e) => String(e.id)));
  for (const e of (data && data.events) || []) {
    if (seen.has(String(e.id))) continue;
    seen.add(String(e.id));
    events.push(e);
    if (lastEventId === "" || Number(e.id) > Number(lastEventId)) lastEventId = String(e.id);
  }
  events.sort((a, b) => Number(b.id) - Number(a.id));
  events = events.slice(0, 200);
  $("events").replaceChildren(table(["Time", "Type", "Resource", "Summary", "Actor"], events.map((e) =>
    el("tr", {}, el("td", {}, e.time), el("td", {}, e.type), el("td", {class: "mono"}, e.resource || ""),
      el("td", {}, e.summary || ""), el("td", {}, e.actor || "")))));
}

// ---- start ----

document.addEventListener("DOMContentLoaded", () => {
  $("sign-in-form").addEventListener("submit", signIn);
  $("sign-out").addEventListener("click", () => signOut(""));
  for (const b of document.querySelectorAll("button.advance")) b.addEventListener("click", advance);
  if (token()) start(); else showSignedIn(false);
});
