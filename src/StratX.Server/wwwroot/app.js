// Minimal live view: the classification of one session over SignalR. The full dashboard lives in web/.
"use strict";

const rows = document.querySelector("#classification tbody");
const sessionsSelect = document.getElementById("sessions");
let connection;
let current;     // the session id the page shows
let currentKey;  // its full key ("tenant/session"), as updates name it
const mine = (u) => u && u.session === currentKey;

const fmtTime = (s) => {
  if (s == null) return "";
  const m = Math.floor(s / 60);
  const rest = (s - m * 60).toFixed(3).padStart(6, "0");
  return m > 0 ? `${m}:${rest}` : rest;
};
const tyreLetter = { soft: "S", medium: "M", hard: "H", intermediate: "I", wet: "W", unknown: "?" };
const cell = (text, cls) => { const td = document.createElement("td"); td.textContent = text ?? ""; if (cls) td.className = cls; return td; };

function renderClassification(c) {
  if (!c || c.session !== currentKey) return;
  rows.replaceChildren(...c.rows.map((r) => {
    const tr = document.createElement("tr");
    tr.className = r.status;
    const tyre = cell(tyreLetter[r.compound] ?? "", `tyre ${r.compound}`);
    tr.append(
      cell(r.position, "num"), cell(r.car, "num"), cell(r.driverCode), cell(r.team), cell(r.laps, "num"),
      cell(r.position === 1 ? "" : r.gapToLeader?.text, "num"), cell(r.position === 1 ? "" : r.interval?.text, "num"),
      cell(fmtTime(r.lastLapTime), "num"), cell(fmtTime(r.bestLapTime), "num"), tyre,
      cell(r.tyreAge, "num"), cell(r.stops, "num"), cell(r.status));
    return tr;
  }));
  document.getElementById("lap").textContent = c.scheduledLaps ? `Lap ${Math.min(c.leaderLap + 1, c.scheduledLaps)} / ${c.scheduledLaps}` : `Lap ${c.leaderLap}`;
}

function renderSession(s) {
  if (!s) return;
  if (s.race) document.getElementById("race").textContent = s.race.name;
  renderTrack(s.trackStatus);
}

function renderTrack(status) {
  const track = document.getElementById("track");
  track.textContent = status && status !== "unknown" ? status.replace(/([A-Z])/g, " $1").toUpperCase() : "";
  track.className = `track ${status ?? ""}`;
}

function addMessage(m) {
  const li = document.createElement("li");
  li.textContent = `${m.lap ? `Lap ${m.lap}: ` : ""}${m.message}`;
  document.querySelector("#messages ol").prepend(li);
}

async function join(sessionId) {
  if (current) await connection.invoke("LeaveSession", current);
  current = sessionId;
  rows.replaceChildren();
  document.querySelector("#messages ol").replaceChildren();
  const snapshot = await connection.invoke("JoinSession", sessionId);
  currentKey = snapshot.classification.session;
  renderSession(snapshot.session);
  (snapshot.session?.raceControl ?? []).forEach(addMessage);
  renderClassification(snapshot.classification);
}

async function loadSessions(select) {
  const response = await fetch("/api/v1/sessions");
  const sessions = await response.json();
  sessionsSelect.replaceChildren(...sessions.map((s) => new Option(`${s.name} (${s.id})`, s.id)));
  if (select) sessionsSelect.value = select;
  return sessions;
}

async function start() {
  connection = new signalR.HubConnectionBuilder().withUrl("/hubs/race").withAutomaticReconnect().build();
  connection.on("classification", (u) => renderClassification(u.classification));
  connection.on("session", (u) => { if (!mine(u)) return; if (u.race) document.getElementById("race").textContent = u.race.name; renderTrack(u.trackStatus); });
  connection.on("trackStatus", (u) => { if (mine(u)) renderTrack(u.status); });
  connection.on("raceControl", (u) => { if (mine(u)) addMessage(u.message); });
  connection.onreconnecting(() => { document.getElementById("connection").textContent = "reconnecting"; });
  connection.onreconnected(() => { document.getElementById("connection").textContent = "live"; if (current) join(current); });
  await connection.start();
  const status = document.getElementById("connection");
  status.textContent = "live";
  status.classList.add("live");

  let sessions = await loadSessions();
  for (let i = 0; sessions.length === 0 && i < 20; i++) {
    await new Promise((r) => setTimeout(r, 500));
    sessions = await loadSessions();
  }
  if (sessions.length > 0) await join(sessions[0].id);
}

sessionsSelect.addEventListener("change", () => join(sessionsSelect.value));
document.getElementById("replay").addEventListener("click", async () => {
  const response = await fetch("/api/v1/sessions", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ race: "2023-bahrain-race", speed: "10" }),
  });
  if (!response.ok) { alert((await response.json()).detail); return; }
  const summary = await response.json();
  const id = summary.session.split("/")[1];
  await loadSessions(id);
  await join(id);
});

start().catch((e) => { document.getElementById("race").textContent = `Could not connect: ${e}`; });
