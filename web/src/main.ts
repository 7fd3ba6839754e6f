import "./style.css";
import type uPlot from "uplot";
import * as auth from "./auth";
import { LiveChart } from "./charts";
import { compoundLetter, compoundName, escapeHtml, gap, gapSeconds, lapTime, percent, teamColour, trackStatusText } from "./format";
import { LiveConnection, type ConnectionState } from "./live";
import { carOf, mergePredictions, ruleMark, signedSeconds, sourceBadge, sourcesSummary, type HeldPredictions, type PartName } from "./predictions";
import type {
  CarView, CatalogRace, Classification, ClassificationRow, HazardPrediction, LapRecord, PitLossPrediction, PredictionOrigin, RaceControlView,
  SessionListItem, SessionSnapshot, SessionSummary, StintView, StrategyPlanView, TelemetrySample, TrackStatus, WeatherView,
} from "./types";

type View = "race" | "car" | "strategy";
type Alert = { key: string; kind: string; text: string; at: number; origin?: PredictionOrigin };

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const TELEMETRY_WINDOW = 240;

/** Everything the page knows about the session it shows; filled by the join snapshot and kept by updates. */
const state = {
  session: null as string | null,
  car: null as string | null,
  view: "race" as View,
  summary: null as SessionSummary | null,
  classification: null as Classification | null,
  trackStatus: "unknown" as TrackStatus,
  weather: null as WeatherView | null,
  raceControl: [] as RaceControlView[],
  cars: new Map<string, CarView>(),
  laps: new Map<string, Map<number, LapRecord>>(),
  stints: new Map<string, Map<number, StintView>>(),
  telemetry: [] as TelemetrySample[],
  plans: new Map<string, StrategyPlanView>(),
  /** Per car, the newest of each prediction part (updates carry only the parts one grain scored). */
  predictions: new Map<string, HeldPredictions>(),
  /** The safety-car hazard after the leader's latest lap (the same for every car; taken from any car's part). */
  hazard: null as HazardPrediction | null,
  /** Per car, the next-lap prediction made for each lap (lap number → seconds), drawn beside the real laps. */
  predictedLaps: new Map<string, Map<number, number>>(),
  alerts: [] as Alert[],
  connection: "connecting" as ConnectionState,
};

/** Why the selected car has no plan when the server refused to plan it for this role (403), else null. */
let planRefused: string | null = null;

const dirty = new Set<string>();
function touch(...parts: string[]): void {
  for (const p of parts) dirty.add(p);
}

// ---------------------------------------------------------------------------------------------- routing

function readUrl(): void {
  const q = new URLSearchParams(location.search);
  state.session = q.get("session");
  state.car = q.get("car");
  const view = q.get("view");
  state.view = view === "car" || view === "strategy" ? view : "race";
}

function writeUrl(): void {
  const q = new URLSearchParams();
  if (state.session) q.set("session", state.session);
  if (state.car) q.set("car", state.car);
  if (state.view !== "race") q.set("view", state.view);
  const url = `${location.pathname}${q.size ? `?${q}` : ""}`;
  if (url !== `${location.pathname}${location.search}`) history.pushState(null, "", url);
}

// ---------------------------------------------------------------------------------------------- data in

const live = new LiveConnection(
  (s) => {
    state.connection = s;
    touch("header");
  },
  (snapshot) => void resync(snapshot),
  { token: auth.hubToken, refused: auth.hubRefused, accepted: auth.hubAccepted },
);

/**
 * The body of a GET, or null when there is none to use (not found, not allowed, server away, not JSON): the
 * hub fills in later. Every call goes through auth.api, which signs it and renews the token on a 401.
 */
async function getJson<T>(url: string): Promise<T | null> {
  try {
    const response = await auth.api(url);
    return response.ok ? ((await response.json()) as T) : null;
  } catch {
    return null;
  }
}

/** A POST's status and JSON body (null when it has none); status 0 when the server did not answer. */
async function postJson(url: string, body: unknown): Promise<{ status: number; ok: boolean; body: Record<string, unknown> | null }> {
  try {
    const response = await auth.api(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    const json = await response.json().catch(() => null) as Record<string, unknown> | null;
    return { status: response.status, ok: response.ok, body: json };
  } catch {
    return { status: 0, ok: false, body: null };
  }
}

/** What to show for a failed POST: the role's refusal, the problem's detail, or the fallback. */
function failure(result: { status: number; body: Record<string, unknown> | null }, action: auth.Action, fallback: string): string {
  if (result.status === 403) return auth.roleCannot(action);
  if (result.status === 401) return "Not signed in.";
  if (result.status === 0) return "The server did not answer. Try again in a moment.";
  return typeof result.body?.detail === "string" ? result.body.detail : fallback;
}

/** A (re)join: replace what the page knew with the session's current state. */
async function resync(snapshot: SessionSnapshot): Promise<void> {
  state.summary = snapshot.session ?? null;
  state.classification = snapshot.classification;
  state.trackStatus = snapshot.session?.trackStatus ?? "unknown";
  state.weather = snapshot.session?.weather ?? null;
  state.raceControl = [...(snapshot.session?.raceControl ?? [])].slice(-60);
  state.laps.clear();
  state.stints.clear();
  state.telemetry = [];
  state.predictions.clear();
  state.predictedLaps.clear();
  state.hazard = null;
  touch("header", "tower", "race", "car", "strategy", "alerts");
  if (!state.session) return;
  const session = state.session;
  // The history behind the charts: every car's laps so far (updates bring the rest), and what the models
  // said after each car's latest lap. Only for cars with a lap: before it a car may not be known to its grain
  // yet (404), and a browser logs every failed request as a console error.
  await Promise.all(
    snapshot.classification.rows.map(async (row) => {
      const [laps, predictions] = await Promise.all([
        row.laps > 0 ? getJson<LapRecord[]>(`/api/v1/sessions/${session}/cars/${row.car}/laps`) : null,
        row.laps > 0 ? getJson<unknown>(`/api/v1/sessions/${session}/cars/${row.car}/predictions`) : null,
      ]);
      if (state.session !== session) return;
      if (laps) {
        const map = lapsOf(row.car);
        for (const lap of laps) map.set(lap.lapNumber, lap);
      }
      if (predictions) applyPredictions(predictions);
    }),
  );
  touch("race", "car");
  await selectCar(state.car, false);
}

function lapsOf(car: string): Map<number, LapRecord> {
  let map = state.laps.get(car);
  if (!map) state.laps.set(car, (map = new Map()));
  return map;
}

live.on<{ classification: Classification }>("classification", (u) => {
  const before = state.car ? state.classification?.rows.find((r) => r.car === state.car)?.laps ?? 0 : 0;
  state.classification = u.classification;
  touch("tower", "header");
  // A car chosen before its first lap is loaded (and its planning asked for) once it has one.
  const now = state.car ? u.classification.rows.find((r) => r.car === state.car)?.laps ?? 0 : 0;
  if (before === 0 && now > 0) void selectCar(state.car, false);
});
live.on<{ car: CarView }>("car", (u) => {
  const car = u.car.key.split("/").pop()!;
  state.cars.set(car, u.car);
  if (u.car.lastLap) {
    // Car updates come with every telemetry batch; the gap trace only needs redrawing for a new or changed lap.
    const laps = lapsOf(car);
    const lap = u.car.lastLap;
    const had = laps.get(lap.lapNumber);
    laps.set(lap.lapNumber, lap);
    if (!had || had.position !== lap.position || had.gapToLeader?.seconds !== lap.gapToLeader?.seconds || had.gapToLeader?.laps !== lap.gapToLeader?.laps) touch("race");
  }
  if (car === state.car) touch("car");
});
live.on<{ stint: StintView }>("stint", (u) => {
  const car = u.stint.car.split("/").pop()!;
  let map = state.stints.get(car);
  if (!map) state.stints.set(car, (map = new Map()));
  map.set(u.stint.number, u.stint);
  if (car === state.car) touch("car");
  checkCliff(car, u.stint);
});
live.on<{ car: string; sample: TelemetrySample }>("telemetry", (u) => {
  if (u.car !== state.car) return;
  state.telemetry.push(u.sample);
  if (state.telemetry.length > TELEMETRY_WINDOW) state.telemetry.splice(0, state.telemetry.length - TELEMETRY_WINDOW);
  touch("telemetry");
});
live.on<{ status: TrackStatus; lap?: number }>("trackStatus", (u) => {
  const was = state.trackStatus;
  state.trackStatus = u.status;
  if (u.status !== was && (u.status === "safetyCar" || u.status === "virtualSafetyCar" || u.status === "red")) {
    raise(`track-${u.status}-${u.lap ?? ""}`, "track", `${trackStatusText[u.status]}${u.lap ? ` on lap ${u.lap}` : ""}`);
  }
  touch("header");
});
live.on<{ message: RaceControlView }>("raceControl", (u) => {
  state.raceControl.push(u.message);
  if (state.raceControl.length > 60) state.raceControl.shift();
  touch("race");
});
live.on<{ weather: WeatherView }>("weather", (u) => {
  state.weather = u.weather;
  touch("header");
});
live.on<{ phase: SessionSummary["phase"]; leaderLap: number; race?: SessionSummary["race"]; trackStatus: TrackStatus; ingestion?: SessionSummary["ingestion"] }>("session", (u) => {
  if (state.summary) {
    state.summary = { ...state.summary, phase: u.phase, leaderLap: u.leaderLap, race: u.race ?? state.summary.race, ingestion: u.ingestion ?? state.summary.ingestion };
  }
  touch("header");
});
live.on<{ predictions?: unknown }>("predictions", (u) => applyPredictions(u?.predictions));
live.on<{ plan: StrategyPlanView }>("strategy", (u) => {
  const car = u.plan.car.split("/").pop()!;
  state.plans.set(car, u.plan);
  checkPlan(car, u.plan);
  if (car === state.car) touch("strategy");
});

/**
 * Folds a predictions body (a hub update's or a GET answer) into the car's held predictions and marks what
 * shows them. Parts missing, null or malformed keep what the page had (see mergePredictions).
 */
function applyPredictions(body: unknown): void {
  const car = carOf(body);
  const result = car ? mergePredictions(state.predictions.get(car), body) : null;
  if (!car || !result || result.changed.length === 0) return;
  const { merged, changed } = result;
  state.predictions.set(car, merged);
  const has = (part: PartName) => changed.includes(part);
  if (has("pitNextLap") || has("overtake")) touch("tower");
  if (has("hazard") && merged.hazard && (!state.hazard || merged.hazard.lap >= state.hazard.lap)) {
    checkHazardJump(state.hazard, merged.hazard);
    state.hazard = merged.hazard;
    touch("header");
  }
  if (has("nextLap") && merged.nextLap) {
    if (!state.predictedLaps.has(car)) state.predictedLaps.set(car, new Map());
    state.predictedLaps.get(car)!.set(merged.lap + 1, merged.nextLap.seconds);
  }
  if (car === state.car) touch("car", "strategy");
  if (has("pitLoss") && car === (state.car ?? state.classification?.rows[0]?.car)) touch("race");
  if (has("degradation") && merged.degradation?.cliffAlert) {
    const d = merged.degradation;
    raise(`cliff-${car}-${stintOf(car)}`, "cliff", `${driver(car)}: tyre cliff${d.cliffReason ? `: ${d.cliffReason}` : ""} (score ${d.cliffScore.toFixed(2)})`, d.origin);
  }
  if (has("anomaly") && merged.anomaly?.flagged) {
    const a = merged.anomaly;
    raise(`anomaly-${car}-${a.lap}`, "anomaly", `${driver(car)}: lap ${a.lap} out of line${a.reason ? `: ${a.reason}` : ""} (score ${a.score.toFixed(2)})`, a.origin);
  }
}

/** The car's current stint number, so that one cliff is raised once per stint however many laps it lasts. */
function stintOf(car: string): number | string {
  const stints = state.stints.get(car);
  return state.cars.get(car)?.currentStint?.number ?? (stints?.size ? Math.max(...stints.keys()) : "?");
}

// ---------------------------------------------------------------------------------------------- alerts

function raise(key: string, kind: string, text: string, origin?: PredictionOrigin): void {
  if (state.alerts.some((a) => a.key === key)) return;
  state.alerts.unshift({ key, kind, text, at: Date.now(), origin });
  state.alerts.length = Math.min(state.alerts.length, 30);
  touch("alerts");
}

/**
 * A jump in the safety-car hazard worth a strategist's glance: the next-lap probability at least 5 points and
 * twice what it was a lap before (an incident, rain, a car stopped), not the slow drift over a race.
 */
function checkHazardJump(before: HazardPrediction | null, now: HazardPrediction): void {
  if (!before || now.lap <= before.lap) return;
  if (now.nextLap - before.nextLap >= 0.05 && now.nextLap >= 2 * before.nextLap) {
    raise(`hazard-${now.lap}`, "track", `Safety-car chance up after lap ${now.lap}: ${percent(before.nextLap)} → ${percent(now.nextLap)} for the next lap, ${percent(now.restOfRace)} before the flag`, now.origin);
  }
}

function driver(car: string): string {
  return state.classification?.rows.find((r) => r.car === car)?.driverCode ?? car;
}

/**
 * The page's own cliff rule: the stint's last two clean laps both 1.5 s (and three standard errors) above its
 * fitted line. More than 8 s off is not tyres but traffic, a neutralisation or an incident, so it does not
 * count. It stands in while the car's degradation part comes from a rule (the server's degradation rule
 * gives the loss per lap but does not judge cliffs); once a degradation model scores the car, the model's
 * cliffAlert decides alone. Both raise under the same key, so one cliff is one alert whichever sees it first.
 */
function checkCliff(car: string, stint: StintView): void {
  if (state.predictions.get(car)?.degradation?.origin.source === "model") return;
  const fit = stint.degradation;
  const clean = stint.laps.filter((l) => l.isClean && l.fuelCorrectedLapTime != null);
  if (!fit || fit.laps < 5 || clean.length < 2) return;
  const excess = clean.slice(-2).map((l) => l.fuelCorrectedLapTime! - (fit.interceptSeconds + fit.slopeSecondsPerLap * l.tyreAge));
  const threshold = Math.max(1.5, 3 * fit.standardError);
  if (excess.every((e) => e > threshold && e < 8)) {
    const last = clean[clean.length - 1];
    raise(`cliff-${car}-${stint.number}`, "cliff", `${driver(car)}: tyre cliff? laps ${clean[clean.length - 2].lapNumber}–${last.lapNumber} ${Math.min(...excess).toFixed(1)}+ s off the stint's ${compoundName[stint.compound].toLowerCase()} line`,
      { task: "degradation", source: "rule", version: null, note: "the dashboard's rule: the last two clean laps 1.5 s (and 3 standard errors) above the stint's fitted line" });
  }
}

function checkPlan(car: string, plan: StrategyPlanView): void {
  if (plan.unavailable) return;
  if (plan.nextStop && plan.nextStop.firstLap <= plan.afterLap + 1) {
    raise(`window-${car}-${plan.nextStop.firstLap}`, "window", `${driver(car)}: pit window open (L${plan.nextStop.firstLap}–${plan.nextStop.lastLap}, ${compoundName[plan.nextStop.compound]})`);
  }
  const behind = plan.versusCarBehind;
  if (behind && behind.aheadIfStayOut < 0.5 && behind.aheadIfBoxNow >= 0.5) {
    raise(`undercut-${car}-${behind.rival}-${plan.afterLap}`, "undercut", `${driver(car)}: undercut threat from ${driver(behind.rival)} (ahead after stops ${percent(behind.aheadIfStayOut)} if staying out)`);
  }
  if (plan.neutralisation?.recommendBox) {
    raise(`box-${car}-${plan.afterLap}`, "track", `${driver(car)}: box now under the ${trackStatusText[plan.neutralisation.status].toLowerCase()} (${percent(plan.neutralisation.boxNowBetter)} of races better)`);
  }
}

// ---------------------------------------------------------------------------------------------- actions

async function selectCar(car: string | null, push = true): Promise<void> {
  state.car = car;
  state.telemetry = [];
  if (push) writeUrl();
  touch("tower", "car", "strategy", "telemetry", "tabs");
  if (!car || !state.session) return;
  const session = state.session;
  // A car with no lap yet may be unknown to its grain (404s); its first updates arrive on the hub anyway.
  const row = state.classification?.rows.find((r) => r.car === car);
  if (!row || row.laps === 0) return;
  const [view, stints, predictions] = await Promise.all([
    getJson<CarView>(`/api/v1/sessions/${session}/cars/${car}`),
    getJson<StintView[]>(`/api/v1/sessions/${session}/cars/${car}/stints`),
    getJson<unknown>(`/api/v1/sessions/${session}/cars/${car}/predictions`),
  ]);
  if (state.session !== session) return;
  if (view) state.cars.set(car, view);
  if (stints) state.stints.set(car, new Map(stints.map((s) => [s.number, s])));
  if (predictions) applyPredictions(predictions);
  touch("car");
  // Asking for the plan makes the server plan this car from now on; plans then arrive on the hub. A role that
  // may not have cars planned (403) is told so where the plan would be.
  try {
    const response = await auth.api(`/api/v1/sessions/${session}/cars/${car}/strategy?wait=0`);
    if (response.status === 200) state.plans.set(car, (await response.json()) as StrategyPlanView);
    planRefused = response.status === 403 ? auth.roleCannot("plan") : null;
  } catch {
    // The server is away: the plan comes on the hub once it is back and the car is selected again.
  }
  touch("strategy");
}

function selectView(view: View): void {
  state.view = view;
  if (view !== "race" && !state.car) state.car = state.classification?.rows[0]?.car ?? null;
  writeUrl();
  void selectCar(state.car, false);
  touch("tabs", "race", "car", "strategy", "telemetry");
}

async function openSession(id: string | null): Promise<void> {
  state.session = id;
  state.car = null;
  state.plans.clear();
  state.alerts = [];
  state.cars.clear();
  state.predictions.clear();
  state.predictedLaps.clear();
  state.hazard = null;
  state.classification = null;
  state.summary = null;
  writeUrl();
  touch("header", "tower", "race", "car", "strategy", "alerts", "tabs", "sessions");
  await live.join(id);
  await loadSessions();
}

async function loadSessions(): Promise<void> {
  const [sessions, races] = await Promise.all([getJson<SessionListItem[]>("/api/v1/sessions"), getJson<CatalogRace[]>("/api/v1/races")]);
  const select = $<HTMLSelectElement>("session-select");
  select.innerHTML = `<option value="">Choose a session…</option>` +
    (sessions ?? []).map((s) => `<option value="${escapeHtml(s.id)}">${escapeHtml(s.name)} (${escapeHtml(s.id)})</option>`).join("");
  select.value = state.session ?? "";
  const raceSelect = $<HTMLSelectElement>("race-select");
  if (raceSelect.options.length === 0 && races) {
    raceSelect.innerHTML = races.map((r) => `<option value="${escapeHtml(r.id)}">${escapeHtml(r.name)}</option>`).join("");
  }
}

async function startReplay(): Promise<void> {
  if (!auth.can("replay")) {
    $("replay-error").textContent = auth.roleCannot("replay");
    return;
  }
  const race = $<HTMLSelectElement>("race-select").value;
  const speed = $<HTMLSelectElement>("speed-select").value;
  const result = await postJson("/api/v1/sessions", { race, speed });
  const session = typeof result.body?.session === "string" ? result.body.session : null;
  if (!result.ok || !session) {
    $("replay-error").textContent = failure(result, "replay", "The replay could not start.");
    return;
  }
  $("replay-error").textContent = "";
  await openSession(session.split("/").pop()!);
}

async function compareWhatIf(event: SubmitEvent): Promise<void> {
  event.preventDefault();
  if (!state.session || !state.car) return;
  const form = event.target as HTMLFormElement;
  const candidates = [0, 1, 2].map((i) => {
    const stops = [0, 1].flatMap((j) => {
      const lap = Number((form.elements.namedItem(`lap-${i}-${j}`) as HTMLInputElement).value);
      const compound = (form.elements.namedItem(`compound-${i}-${j}`) as HTMLSelectElement).value;
      return lap > 0 ? [{ lap, compound }] : [];
    });
    return { stops };
  });
  const out = $("whatif-result");
  if (!auth.can("compare")) {
    out.innerHTML = `<p class="error" role="alert">${escapeHtml(auth.roleCannot("compare"))}</p>`;
    return;
  }
  out.textContent = "Simulating…";
  const result = await postJson(`/api/v1/sessions/${state.session}/cars/${state.car}/strategy/compare`, { candidates, runs: 2000 });
  const body = result.body;
  if (!result.ok || !body) {
    const errors = body?.errors && typeof body.errors === "object"
      ? Object.values(body.errors as Record<string, string[]>).flat()
      : [failure(result, "compare", "The comparison failed.")];
    out.innerHTML = `<p class="error" role="alert">${errors.map((e) => escapeHtml(String(e))).join("<br>")}</p>`;
    return;
  }
  out.innerHTML = candidateTable(body.candidates as StrategyPlanView["candidates"], `What-if after lap ${body.afterLap}, ${body.runs} races each`);
  paint(out);
}

// ---------------------------------------------------------------------------------------------- rendering

const towerRows = new Map<string, HTMLTableRowElement>();

function renderHeader(): void {
  const c = state.classification;
  const race = state.summary?.race;
  $("race-name").textContent = race ? race.name : state.session ? state.session : "No session";
  const total = c?.scheduledLaps ?? race?.scheduledLaps;
  $("lap-counter").textContent = c && c.leaderLap > 0 ? `Lap ${Math.min(c.leaderLap + (c.phase === "running" ? 1 : 0), total ?? 999)}${total ? ` / ${total}` : ""}` : "";
  const phase = c?.phase ?? state.summary?.phase;
  const banner = $("track-banner");
  const status = phase === "chequered" || phase === "ended" ? "chequered" : state.trackStatus;
  const text = status === "chequered" ? "Chequered flag" : trackStatusText[state.trackStatus];
  banner.dataset.status = status;
  banner.textContent = text;
  banner.hidden = !text;
  const w = state.weather;
  $("weather").textContent = w
    ? `Air ${w.airTemperature?.toFixed(1) ?? "–"}°C · Track ${w.trackTemperature?.toFixed(1) ?? "–"}°C${w.rainfall ? " · Rain" : ""}${w.windSpeed != null ? ` · Wind ${w.windSpeed.toFixed(1)} m/s` : ""}`
    : "";
  const h = state.hazard;
  const hazard = $("hazard");
  hazard.hidden = !h;
  setHtml(hazard, h
    ? `<span><span class="muted">SC/VSC</span> next lap <strong>${percent(h.nextLap)}</strong> · to the flag <strong>${percent(h.restOfRace)}</strong></span>${sourceBadge(h.origin)}`
    : "");
  const conn = $("connection");
  conn.dataset.state = state.connection;
  conn.textContent = { connecting: "Connecting", live: "Live", reconnecting: "Reconnecting", offline: "Offline" }[state.connection];
  renderAccount();
}

/**
 * The tenant and role signed in ("demo · admin"), and the sign-out button. The button shows only for a
 * sign-in with an API key: the development token is handed to anyone on the server's own machine, so signing
 * out of it would last only until the next load signs the page in again by itself.
 */
function renderAccount(): void {
  const grant = auth.currentGrant();
  const account = $("account");
  account.hidden = !grant;
  account.textContent = grant ? `${grant.tenant} · ${grant.role}` : "";
  $("sign-out").hidden = !grant || auth.currentSource() !== "key";
}

/** The controls the role may not use are disabled, saying why (in the title and, for touch and keyboard users, beside them). */
function applyRole(): void {
  const gate = (button: string, note: string, action: auth.Action) => {
    const signedIn = auth.currentGrant() != null;
    const allowed = auth.can(action);
    const b = $<HTMLButtonElement>(button);
    b.disabled = !allowed;
    if (allowed || !signedIn) b.removeAttribute("title");
    else b.title = auth.roleCannot(action);
    const n = $(note);
    n.hidden = allowed || !signedIn;
    n.textContent = n.hidden ? "" : auth.roleCannot(action);
  };
  gate("start-replay", "replay-role", "replay");
  gate("compare", "compare-role", "compare");
}

function renderTower(): void {
  const body = $("tower-body");
  const rows = state.classification?.rows ?? [];
  const seen = new Set<string>();
  rows.forEach((row, index) => {
    seen.add(row.car);
    let tr = towerRows.get(row.car);
    if (!tr) {
      tr = document.createElement("tr");
      tr.dataset.testid = "tower-row";
      tr.tabIndex = 0;
      tr.addEventListener("click", () => void selectCar(row.car).then(() => state.view === "race" && selectView("car")));
      tr.addEventListener("keydown", (e) => {
        if (e.key === "Enter") void selectCar(row.car).then(() => state.view === "race" && selectView("car"));
      });
      towerRows.set(row.car, tr);
    }
    if (body.children[index] !== tr) body.insertBefore(tr, body.children[index] ?? null);
    const html = towerRow(row, index);
    if (tr.dataset.html !== html) {
      tr.innerHTML = html;
      tr.dataset.html = html;
      paint(tr);
    }
    tr.dataset.driver = row.driverCode;
    tr.setAttribute("aria-selected", String(row.car === state.car));
    tr.classList.toggle("selected", row.car === state.car);
    tr.classList.toggle("out", stopped(row));
  });
  for (const [car, tr] of towerRows) {
    if (!seen.has(car)) {
      tr.remove();
      towerRows.delete(car);
    }
  }
  $("tower-empty").hidden = rows.length > 0;
  renderTowerSources(rows);
}

/** The tower's prediction columns name their source once, in the header; rows a rule scored carry an R. */
function renderTowerSources(rows: ClassificationRow[]): void {
  const held = rows.map((r) => state.predictions.get(r.car));
  const pit = held.flatMap((p) => (p?.pitNextLap ? [p.pitNextLap.origin] : []));
  const overtake = held.flatMap((p) => (p?.overtake ? [p.overtake.origin] : []));
  const table = $("tower-body").closest("table")!;
  table.classList.toggle("no-overtake", overtake.length === 0);
  const pitHead = $("tower-pit");
  const pitSource = sourcesSummary(pit);
  pitHead.title = `P(pits at the end of the next lap)${pitSource ? `: ${pitSource}` : ""}`;
  pitHead.dataset.source = pitSource;
  const overtakeSource = sourcesSummary(overtake);
  $("tower-overtake").title = `P(ahead of the car now in front within 3 laps)${overtakeSource ? `: ${overtakeSource}` : ""}`;
  setHtml($("tower-sources"), pit.length || overtake.length
    ? [pit.length ? `Pit: P(pits next lap), ${escapeHtml(pitSource)}` : "", overtake.length ? `Ovt: P(passes the car ahead within 3 laps), ${escapeHtml(overtakeSource)}` : ""]
        .filter(Boolean).join(" · ") + (pit.concat(overtake).some((o) => o.source === "rule") ? ` · <span class="src rule mini">R</span> scored by a rule` : "")
    : "");
}

/** The server calls a car retired once the session has ended; a car three laps behind the leader's count has stopped. */
function stopped(row: ClassificationRow): boolean {
  const leader = state.classification?.leaderLap ?? 0;
  return row.status === "retired" || (state.classification?.phase === "running" && leader - row.laps >= 3);
}

function towerRow(row: ClassificationRow, index: number): string {
  const car = state.cars.get(row.car);
  const outLap = car?.lastLap?.pitOut && !car.inPit;
  const flag = row.status === "inPit" ? `<span class="flag pit">PIT</span>` : outLap ? `<span class="flag out">OUT</span>` : stopped(row) ? `<span class="flag ret">RET</span>` : "";
  return `<td class="pos">${row.position}</td>` +
    `<td class="drv"><span class="team" data-colour="${teamColour(row.team)}"></span><span class="code">${escapeHtml(row.driverCode)}</span>${flag}</td>` +
    `<td class="num">${index === 0 ? (row.laps > 0 ? `L${row.laps}` : "") : gap(row.gapToLeader)}</td>` +
    `<td class="num">${index === 0 ? "" : gap(row.interval)}</td>` +
    `<td class="num">${lapTime(row.lastLapTime)}</td>` +
    `<td class="tyre"><span class="compound ${row.compound}" title="${compoundName[row.compound]}">${compoundLetter[row.compound]}</span>${row.tyreAge ?? ""}</td>` +
    `<td class="num">${row.stops}</td>` +
    towerPredictions(row);
}

function towerPredictions(row: ClassificationRow): string {
  const p = state.predictions.get(row.car);
  const retired = stopped(row) || row.status === "finished";
  const pit = !retired && p?.pitNextLap;
  const overtake = !retired && p?.overtake;
  return `<td class="num pit${pit && pit.probability >= 0.3 ? " hot" : ""}">${pit ? `${percent(pit.probability)}${ruleMark(pit.origin)}` : ""}</td>` +
    `<td class="num ovt">${overtake ? `<span title="${escapeHtml(`P(ahead of ${driver(overtake.target)}) after 1/2/3 laps: ${percent(overtake.withinOne)} / ${percent(overtake.withinTwo)} / ${percent(overtake.withinThree)}`)}">${percent(overtake.withinThree)}</span>${ruleMark(overtake.origin)}` : ""}</td>`;
}

let gapChart: LiveChart | null = null;
let gapCars: string[] = [];

function renderRace(): void {
  const rows = state.classification?.rows ?? [];
  // The chart is rebuilt only when the field changes, not when the order does: rebuilding it on every
  // overtake was the race view's largest cost at full replay speed (a new uPlot and a forced layout each time).
  const byCar = new Map(rows.map((r) => [r.car, r]));
  if (!gapChart || gapCars.length !== rows.length || gapCars.some((car) => !byCar.has(car))) {
    $("gap-chart").innerHTML = "";
    gapCars = rows.map((r) => r.car);
    gapChart = rows.length
      ? new LiveChart($("gap-chart"), rows.map((r) => ({ label: r.driverCode, colour: teamColour(r.team), width: 1.25 })), { xLabel: "Lap", yLabel: "Gap to leader (s)", invertY: true })
      : null;
  }
  const cars = gapCars;
  if (gapChart) {
    const maxLap = Math.max(0, ...[...state.laps.values()].map((m) => Math.max(0, ...m.keys())));
    const xs = Array.from({ length: maxLap }, (_, i) => i + 1);
    const series = cars.map((car) => {
      const laps = state.laps.get(car);
      return xs.map((lap) => {
        const l = laps?.get(lap);
        const g = l?.position === 1 ? 0 : gapSeconds(l?.gapToLeader, 90);
        return g == null || g > 200 ? null : g;
      });
    });
    gapChart.setData([xs, ...series] as uPlot.AlignedData);
  }
  setHtml($("race-control"), [...state.raceControl].reverse().slice(0, 40)
    .map((m) => `<li><span class="lap">${m.lap ? `L${m.lap}` : ""}</span> ${m.flag ? `<span class="rc-flag">${escapeHtml(m.flag)}</span> ` : ""}${escapeHtml(m.message)}</li>`)
    .join("") || `<li class="muted">No messages yet.</li>`);
  renderRejoin();
}

/** Replaces an element's content only when it differs: rebuilding unchanged DOM costs style and layout. */
const shown = new WeakMap<HTMLElement, string>();
function setHtml(element: HTMLElement, html: string): void {
  if (shown.get(element) === html) return;
  element.innerHTML = html;
  shown.set(element, html);
  paint(element);
}

/**
 * The content security policy refuses style attributes in markup, so markup names the few computed styles
 * (a team's colour, a bar's height) in data attributes and they are set here, through the DOM.
 */
function paint(root: HTMLElement): void {
  for (const e of root.querySelectorAll<HTMLElement>("[data-colour]")) e.style.background = e.dataset.colour!;
  for (const e of root.querySelectorAll<HTMLElement>("[data-height]")) e.style.height = `${e.dataset.height}px`;
}

/** Where the selected (or leading) car would rejoin if it stopped now: the cars around its gap plus the pit loss. */
function renderRejoin(): void {
  const rows = state.classification?.rows ?? [];
  const car = state.car ?? rows[0]?.car;
  const me = rows.find((r) => r.car === car);
  const out = $("rejoin");
  if (!me || rows.length < 2) {
    out.textContent = "Select a car to see where it would rejoin after a stop now.";
    return;
  }
  const predicted = state.predictions.get(me.car)?.pitLoss;
  const pitLoss = predicted ? Math.round(pitLossUnder(predicted, state.trackStatus)) : 22;
  const mine = (me.position === 1 ? 0 : gapSeconds(me.gapToLeader, 90) ?? 0) + pitLoss;
  const others = rows.filter((r) => r.car !== car && r.status !== "retired").map((r) => ({ r, g: r.position === 1 ? 0 : gapSeconds(r.gapToLeader, 90) ?? 0 }));
  const ahead = others.filter((o) => o.g <= mine).sort((a, b) => b.g - a.g)[0];
  const behind = others.filter((o) => o.g > mine).sort((a, b) => a.g - b.g)[0];
  const position = others.filter((o) => o.g <= mine).length + 1;
  setHtml(out, `${escapeHtml(me.driverCode)} boxing now (≈${pitLoss} s pit loss${predicted ? ` ${sourceBadge(predicted.origin)}` : ", a typical figure"}) rejoins <strong>P${position}</strong>` +
    (ahead ? `, ${(mine - ahead.g).toFixed(1)} s behind ${escapeHtml(ahead.r.driverCode)}` : "") +
    (behind ? `, ${(behind.g - mine).toFixed(1)} s ahead of ${escapeHtml(behind.r.driverCode)}` : "") +
    (behind && behind.g - mine < 1.5 ? ` — <span class="warn">traffic</span>` : ""));
}

/** What a stop costs under the track status in force: a neutralised field loses less while the car is in the lane. */
function pitLossUnder(loss: PitLossPrediction, status: TrackStatus): number {
  return status === "safetyCar" || status === "red" ? loss.safetyCar : status === "virtualSafetyCar" || status === "virtualSafetyCarEnding" ? loss.virtualSafetyCar : loss.green;
}

function pitLossText(loss: PitLossPrediction): string {
  return `green <strong>${loss.green.toFixed(1)} s</strong> · VSC <strong>${loss.virtualSafetyCar.toFixed(1)} s</strong> · SC <strong>${loss.safetyCar.toFixed(1)} s</strong>`;
}

let lapChart: LiveChart | null = null;
let stintChart: LiveChart | null = null;
let telemetryChart: LiveChart | null = null;

function renderCar(): void {
  const car = state.car;
  const view = car ? state.cars.get(car) : undefined;
  const row = state.classification?.rows.find((r) => r.car === car);
  setHtml($("car-title"), car
    ? `<span class="team" data-colour="${teamColour(row?.team ?? view?.team)}"></span>${escapeHtml(view?.driverName ?? row?.driverName ?? car)} <span class="muted">#${escapeHtml(car)} · ${escapeHtml(row?.team ?? view?.team ?? "")}</span>`
    : "Select a car in the tower");
  setHtml($("car-stats"), view
    ? [
        ["Position", view.position ? `P${view.position}` : "–"],
        ["Last lap", lapTime(view.lastLap?.lapTime) || "–"],
        ["Best lap", lapTime(view.bestLap?.lapTime) || "–"],
        ["Pace (5 clean)", lapTime(view.rollingPace) || "–"],
        ["vs field", view.paceDeltaToField != null ? `${view.paceDeltaToField > 0 ? "+" : ""}${view.paceDeltaToField.toFixed(3)} s` : "–"],
        ["Tyre", view.currentStint ? `${compoundName[view.currentStint.compound]}, ${view.lastLap?.tyreAge ?? view.currentStint.tyreAgeAtStart} laps` : "–"],
        ["Stops", String(view.stops.length)],
      ].map(([k, v]) => `<div><dt>${k}</dt><dd>${escapeHtml(v)}</dd></div>`).join("") + nextLapStat(view)
    : "");
  renderCarPredictions(car);
  if (!car) return;
  const laps = [...(state.laps.get(car)?.values() ?? [])].sort((a, b) => a.lapNumber - b.lapNumber);
  lapChart ??= new LiveChart($("lap-chart"), [{ label: "Lap time", colour: "#e6edf3", points: true }, { label: "Clean lap", colour: "#3fb950", points: true, width: 0 }, { label: "Predicted", colour: "#d29922", points: true, width: 0 }], { xLabel: "Lap", yLabel: "Lap time", yFormat: (v) => lapTime(v) });
  const clean = laps.filter((l) => l.isClean && l.lapTime);
  const cap = clean.length ? Math.max(...clean.map((l) => l.lapTime!)) + 6 : 200;
  // The laps run and, one further, the lap the model expects next; each lap also shows what was predicted for it.
  const predicted = state.predictedLaps.get(car) ?? new Map<number, number>();
  const byLap = new Map(laps.map((l) => [l.lapNumber, l]));
  const lapNumbers = [...new Set([...byLap.keys(), ...predicted.keys()])].sort((a, b) => a - b);
  const shown = (v: number | null | undefined) => (v != null && v < cap ? v : null);
  lapChart.setData([
    lapNumbers,
    lapNumbers.map((n) => shown(byLap.get(n)?.lapTime)),
    lapNumbers.map((n) => (byLap.get(n)?.isClean ? byLap.get(n)?.lapTime ?? null : null)),
    lapNumbers.map((n) => shown(predicted.get(n))),
  ] as uPlot.AlignedData);

  const stints = [...(state.stints.get(car)?.values() ?? [])].sort((a, b) => a.number - b.number);
  const stint = stints[stints.length - 1];
  stintChart ??= new LiveChart($("stint-chart"), [{ label: "Fuel-corrected lap", colour: "#d29922", points: true, width: 0 }, { label: "Degradation fit", colour: "#58a6ff", width: 2 }, { label: "Cliff", colour: "#f85149", points: true, width: 0 }], { xLabel: "Tyre age (laps)", yLabel: "Fuel-corrected (s)", yFormat: (v) => v.toFixed(1) });
  if (stint) {
    const points = stint.laps.filter((l) => l.fuelCorrectedLapTime != null && l.usedInFit);
    const fit = stint.degradation;
    // The cliff marker sits on the stint's latest lap while the degradation model's alert for it is up.
    const cliff = state.predictions.get(car)?.degradation?.cliffAlert && stintOf(car) === stint.number;
    stintChart.setData([
      points.map((l) => l.tyreAge),
      points.map((l) => l.fuelCorrectedLapTime!),
      points.map((l) => (fit ? fit.interceptSeconds + fit.slopeSecondsPerLap * l.tyreAge : null)),
      points.map((l, i) => (cliff && i === points.length - 1 ? l.fuelCorrectedLapTime! : null)),
    ] as uPlot.AlignedData);
    $("stint-caption").textContent = `Stint ${stint.number} on ${compoundName[stint.compound].toLowerCase()}s: ` +
      (fit ? `${fit.slopeSecondsPerLap >= 0 ? "+" : ""}${fit.slopeSecondsPerLap.toFixed(3)} s/lap over ${fit.laps} clean laps (R² ${fit.rSquared.toFixed(2)}).` : "too few clean laps for a fit yet.");
  }
}

function nextLapStat(view: CarView): string {
  const next = state.car ? state.predictions.get(state.car)?.nextLap : null;
  if (!next) return `<div data-testid="next-lap"><dt>Predicted next lap</dt><dd class="muted">after the car's next timed lap</dd></div>`;
  const last = view.lastLap?.lapTime;
  const delta = last != null ? ` <span class="muted small" title="against the last lap, ${escapeHtml(lapTime(last))}">${signedSeconds(next.seconds - last)}</span>` : "";
  return `<div data-testid="next-lap" class="wide"><dt>Predicted next lap</dt><dd><span title="recent clean pace ${escapeHtml(lapTime(next.referencePace))}">${lapTime(next.seconds)}</span>${delta} ${sourceBadge(next.origin)}</dd></div>`;
}

/** Every part the models gave for the selected car, each with its source. */
function renderCarPredictions(car: string | null): void {
  const p = car ? state.predictions.get(car) : undefined;
  const row = state.classification?.rows.find((r) => r.car === car);
  $("car-predictions-lap").textContent = p ? `after lap ${p.lap}` : "";
  const item = (key: string, title: string, body: string, origin?: PredictionOrigin, extra = "") =>
    `<div data-testid="prediction-${key}"${extra}><dt>${title}</dt><dd>${body}${origin ? ` ${sourceBadge(origin)}` : ""}</dd></div>`;
  const none = `<span class="muted">–</span>`;
  if (!p) {
    setHtml($("car-predictions"), car ? item("none", "Predictions", `<span class="muted">the models score the car after each of its laps</span>`) : "");
    return;
  }
  const o = p.overtake;
  const d = p.degradation;
  const a = p.anomaly;
  setHtml($("car-predictions"), [
    item("pit", "Pits next lap", p.pitNextLap ? `<strong>${percent(p.pitNextLap.probability)}</strong>` : none, p.pitNextLap?.origin, p.pitNextLap && p.pitNextLap.probability >= 0.3 ? ` class="hot"` : ""),
    item("overtake", o ? `Ahead of ${escapeHtml(driver(o.target))} after 1 / 2 / 3 laps` : "Overtake",
      o ? `${percent(o.withinOne)} / ${percent(o.withinTwo)} / <strong>${percent(o.withinThree)}</strong>` : row?.position === 1 ? `<span class="muted">leading</span>` : none, o?.origin),
    item("degradation", "Pace loss after 1 / 5 / 10 laps", d ? `${d.lossAfterOne.toFixed(2)} / ${d.lossAfterFive.toFixed(2)} / <strong>${d.lossAfterTen.toFixed(2)} s</strong>` : none, d?.origin),
    item("cliff", "Tyre cliff", d ? (d.cliffAlert ? `<span class="warn">ALERT</span> ${escapeHtml(d.cliffReason ?? "")} <span class="muted">(${d.cliffScore.toFixed(2)})</span>` : `no <span class="muted">(score ${d.cliffScore.toFixed(2)})</span>`) : none, d?.origin),
    item("anomaly", a ? `Lap ${a.lap} anomaly` : "Lap anomaly", a ? `${a.flagged ? `<span class="warn">FLAGGED</span> ` : ""}${a.score.toFixed(2)}${a.reason ? ` <span class="muted">${escapeHtml(a.reason)}</span>` : ""}` : none, a?.origin),
    item("pit-loss", "Pit loss", p.pitLoss ? pitLossText(p.pitLoss) : none, p.pitLoss?.origin, ` class="wide"`),
  ].join(""));
}

function renderTelemetry(): void {
  if (state.view !== "car") return;
  telemetryChart ??= new LiveChart(
    $("telemetry-chart"),
    [
      { label: "Speed km/h", colour: "#58a6ff" },
      { label: "Throttle %", colour: "#3fb950", scale: "y2" },
      { label: "Brake", colour: "#f85149", scale: "y2" },
      { label: "RPM/100", colour: "#a371f7" },
    ],
    { xLabel: "Samples (newest right)", yLabel: "km/h · rpm/100", y2Label: "%" },
  );
  const t = state.telemetry;
  const valid = (v: number) => (v === 104 ? null : v);
  telemetryChart.setData([t.map((_, i) => i), t.map((s) => s.speed), t.map((s) => valid(s.throttle)), t.map((s) => valid(s.brake)), t.map((s) => s.rpm / 100)] as uPlot.AlignedData);
  const last = t[t.length - 1] ?? (state.car ? state.cars.get(state.car)?.latestTelemetry : null);
  setHtml($("gauges"), last
    ? [["Speed", `${last.speed} km/h`], ["Gear", last.gear > 8 ? "–" : last.gear === 0 ? "N" : String(last.gear)], ["RPM", String(last.rpm)], ["Throttle", last.throttle === 104 ? "–" : `${last.throttle}%`], ["Brake", last.brake > 0 && last.brake !== 104 ? "ON" : "off"], ["DRS", [10, 12, 14].includes(last.drs) ? "OPEN" : last.drs === 8 ? "eligible" : "closed"]]
        .map(([k, v]) => `<div><dt>${k}</dt><dd>${v}</dd></div>`).join("")
    : `<p class="muted">No car data for this car yet.</p>`);
}

function candidateTable(candidates: StrategyPlanView["candidates"], caption: string): string {
  const n = candidates[0]?.positionProbabilities.length ?? 20;
  return `<table class="candidates"><caption>${escapeHtml(caption)}</caption><thead><tr><th scope="col">Strategy</th><th scope="col">E[pos]</th><th scope="col">Win</th><th scope="col">Podium</th><th scope="col">Points</th><th scope="col">Regret</th><th scope="col">Finishing position P1 → P${n}</th></tr></thead><tbody>` +
    candidates.map((c) => {
      const max = Math.max(...c.positionProbabilities, 0.0001);
      const bars = c.positionProbabilities.map((p, i) => `<span data-height="${Math.max(1, Math.round((p / max) * 22))}" title="P${i + 1}: ${percent(p, 1)}"></span>`).join("");
      return `<tr><td>${escapeHtml(c.name)}</td><td class="num">${c.expectedPosition.toFixed(2)}</td><td class="num">${percent(c.win)}</td><td class="num">${percent(c.podium)}</td><td class="num">${percent(c.points)}</td><td class="num">${c.regret.toFixed(2)}</td><td><div class="dist" role="img" aria-label="finishing-position distribution of ${escapeHtml(c.name)}">${bars}</div></td></tr>`;
    }).join("") + "</tbody></table>";
}

function undercutCard(title: string, u: StrategyPlanView["versusCarAhead"]): string {
  if (!u) return `<div class="card"><h4>${title}</h4><p class="muted">No car there.</p></div>`;
  return `<div class="card"><h4>${title}: ${escapeHtml(driver(u.rival))}</h4><p class="muted">P(ahead after both stop, lap ${u.comparedAfterLap})</p><dl class="trio"><div><dt>Box now</dt><dd>${percent(u.aheadIfBoxNow)}</dd></div><div><dt>Next lap</dt><dd>${percent(u.aheadIfBoxNextLap)}</dd></div><div><dt>Stay out</dt><dd>${percent(u.aheadIfStayOut)}</dd></div></dl></div>`;
}

/** The wear rates the plan was simulated with, and whether this race's stints moved them from history. */
function wearLine(wear: StrategyPlanView["wear"]): string {
  const known = (wear ?? []).filter((w) => w && w.compound in compoundLetter && Number.isFinite(w.perLap) && Number.isFinite(w.historical) && Number.isInteger(w.liveStints));
  if (known.length === 0) return "";
  const parts = known.map((w) => `<span class="compound ${w.compound}">${compoundLetter[w.compound]}</span> ${w.perLap.toFixed(3)}` +
    (w.liveStints > 0 ? ` <small>(history ${w.historical.toFixed(3)}, ${w.liveStints} live stint${w.liveStints === 1 ? "" : "s"})</small>` : ` <small>(history)</small>`));
  return `<p class="wear muted" data-testid="strategy-wear">Tyre wear simulated, s per lap of age: ${parts.join(" · ")}</p>`;
}

function renderStrategy(): void {
  const car = state.car;
  const plan = car ? state.plans.get(car) : undefined;
  const out = $("strategy-body");
  if (!car) {
    setHtml(out, `<p class="muted">Select a car in the tower to plan its race.</p>`);
    return;
  }
  if (!plan && planRefused) {
    setHtml(out, `<p class="notice" data-testid="strategy-refused">${escapeHtml(planRefused)}</p>`);
    return;
  }
  if (!plan) {
    setHtml(out, `<p class="muted" data-testid="strategy-pending">Planning ${escapeHtml(driver(car))}… the first plan follows in a moment.</p>`);
    return;
  }
  if (plan.unavailable) {
    setHtml(out, `<p class="notice" data-testid="strategy-unavailable">${escapeHtml(plan.unavailable)}</p>`);
    return;
  }
  const best = plan.candidates[0];
  const window = plan.nextStop
    ? `Box between <strong>lap ${plan.nextStop.firstLap}</strong>${plan.nextStop.lastLap !== plan.nextStop.firstLap ? ` and <strong>lap ${plan.nextStop.lastLap}</strong>` : ""} for <span class="compound ${plan.nextStop.compound}">${compoundLetter[plan.nextStop.compound]}</span> ${compoundName[plan.nextStop.compound]}`
    : "Stay out to the flag";
  const neutral = plan.neutralisation
    ? `<div class="card urgent"><h4>${trackStatusText[plan.neutralisation.status]}: ${plan.neutralisation.recommendBox ? "BOX NOW" : "STAY OUT"}</h4><p>Boxing now finishes better in ${percent(plan.neutralisation.boxNowBetter)} of races (E[pos] ${plan.neutralisation.boxNow.expectedPosition.toFixed(2)} vs ${plan.neutralisation.stayOut.expectedPosition.toFixed(2)} staying out).</p></div>`
    : "";
  const loss = state.predictions.get(car)?.pitLoss;
  const pitLoss = loss
    ? `<div class="pit-loss" data-testid="strategy-pit-loss"><small class="muted">Pit loss ${sourceBadge(loss.origin)}</small><div>${pitLossText(loss)}</div></div>`
    : "";
  setHtml(out, `<div class="recommendation" data-testid="strategy-recommendation"><div><h3>${window}</h3><p class="muted">${escapeHtml(best?.name ?? "")} · E[pos] ${best?.expectedPosition.toFixed(2) ?? "–"} · after lap ${plan.afterLap}/${plan.totalLaps} · ${plan.candidatesEvaluated} strategies × ${plan.runsPerCandidate} races in ${Math.round(plan.elapsedMilliseconds)} ms${plan.searchPending ? " · full search running" : ""}</p></div>${pitLoss}<div class="confidence" title="share of simulated races in which this choice was best"><span>${percent(plan.confidence)}</span><small>confidence</small></div></div>` +
    wearLine(plan.wear) +
    neutral +
    `<div class="cards">${undercutCard("Versus car ahead", plan.versusCarAhead)}${undercutCard("Versus car behind", plan.versusCarBehind)}</div>` +
    candidateTable(plan.candidates, `Best ${plan.candidates.length} strategies (simulated with the same incidents and noise)`));
}

function renderAlerts(): void {
  setHtml($("alerts"), state.alerts.length
    ? state.alerts.map((a) => `<li class="alert ${a.kind}">${escapeHtml(a.text)}${a.origin ? ` ${sourceBadge(a.origin)}` : ""}</li>`).join("")
    : `<li class="muted">No alerts yet.</li>`);
}

function renderTabs(): void {
  for (const view of ["race", "car", "strategy"] as View[]) {
    const tab = $(`tab-${view}`);
    tab.setAttribute("aria-selected", String(state.view === view));
    $(`view-${view}`).hidden = state.view !== view;
  }
  $("session-panel").hidden = !!state.session;
}

// ---------------------------------------------------------------------------------------------- frame loop

/** Updates only mark what changed; each animation frame draws the marked parts once. */
const frames = { count: 0, renders: 0, started: performance.now() };
function frame(): void {
  // The next frame is asked for first: a part that fails to draw must not stop the page.
  requestAnimationFrame(frame);
  frames.count++;
  if (dirty.size) {
    frames.renders++;
    const parts = new Set(dirty);
    dirty.clear();
    if (parts.has("tabs")) renderTabs();
    if (parts.has("header")) renderHeader();
    if (parts.has("tower")) renderTower();
    if (parts.has("race") && state.view === "race") renderRace();
    if ((parts.has("car") || parts.has("tabs")) && state.view === "car") renderCar();
    if ((parts.has("telemetry") || parts.has("tabs")) && state.view === "car") renderTelemetry();
    if ((parts.has("strategy") || parts.has("tabs")) && state.view === "strategy") renderStrategy();
    if (parts.has("alerts")) renderAlerts();
    if (parts.has("tower") && state.view === "race") renderRejoin();
  }
}

declare global {
  interface Window { stratx: { frames: typeof frames; state: typeof state; updates: () => number; applyPredictions: typeof applyPredictions } }
}
// applyPredictions is what the hub's "predictions" handler calls; tests feed it bodies the server would not send.
window.stratx = { frames, state, updates: () => live.received, applyPredictions };

// ---------------------------------------------------------------------------------------------- start

function wire(): void {
  for (const view of ["race", "car", "strategy"] as View[]) $(`tab-${view}`).addEventListener("click", () => selectView(view));
  $<HTMLSelectElement>("session-select").addEventListener("change", (e) => void openSession((e.target as HTMLSelectElement).value || null));
  $("replay-form").addEventListener("submit", (e) => {
    e.preventDefault();
    void startReplay();
  });
  $("new-replay").addEventListener("click", () => void openSession(null));
  $<HTMLFormElement>("whatif-form").addEventListener("submit", (e) => void compareWhatIf(e));
  $("sign-out").addEventListener("click", () => {
    void live.stop();
    auth.signOut();
  });
  auth.onAuth((event) => {
    applyRole();
    touch("header");
    if (event.kind === "signed-in") {
      // A new sign-in may have another role: what the last one was refused is asked again.
      planRefused = null;
      touch("strategy");
    }
    if (event.kind === "signed-out") {
      // The panel is up; the hub and the calls wait for the next sign-in.
      void live.stop();
    } else if (event.kind === "signed-in" && event.previous) {
      // Signed in again after the panel. Another tenant's sign-in starts the page afresh, so that nothing of
      // the previous tenant stays on it (the key is in sessionStorage: the reload signs in at once).
      if (event.previous.tenant !== event.grant.tenant) location.reload();
      else void resume();
    }
  });
  window.addEventListener("popstate", () => {
    const before = state.session;
    readUrl();
    if (state.session !== before) void openSession(state.session);
    else selectView(state.view);
  });
}

/** After signing in again: the sessions list, and the hub, which joins the session again (its state once more). */
async function resume(): Promise<void> {
  await loadSessions();
  await live.start();
}

readUrl();
wire();
applyRole();
touch("header", "tower", "tabs", "alerts", "race", "car", "strategy");
requestAnimationFrame(frame);
void (async () => {
  // Signed in first (the development token, a stored key, or the panel): every call and the hub need a token.
  await auth.start();
  await loadSessions();
  await live.start();
  await live.join(state.session);
  if (state.car) await selectCar(state.car, false);
})();
