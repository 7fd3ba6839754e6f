import { escapeHtml } from "./format";
import type { CarPredictions, PredictionOrigin } from "./types";

export type PartName = "nextLap" | "pitNextLap" | "overtake" | "degradation" | "anomaly" | "pitLoss" | "hazard";

/** A car's predictions as the page holds them: the newest of each part, with the lap each part came with. */
export interface HeldPredictions extends CarPredictions {
  partLaps: Partial<Record<PartName, number>>;
}

/**
 * What a part must carry to be shown. The server sends parts from two grains and from models that come and
 * go; a part that does not have this shape (a newer server, a bug) is left out and the page keeps what it had,
 * rather than showing NaN% or breaking the frame that draws it.
 */
const shapes: Record<PartName, { numbers: string[]; probabilities?: string[]; strings?: string[]; booleans?: string[] }> = {
  nextLap: { numbers: ["seconds", "referencePace"] },
  pitNextLap: { numbers: [], probabilities: ["probability"] },
  overtake: { numbers: [], probabilities: ["withinOne", "withinTwo", "withinThree"], strings: ["target"] },
  degradation: { numbers: ["lossAfterOne", "lossAfterFive", "lossAfterTen", "cliffScore"], booleans: ["cliffAlert"] },
  anomaly: { numbers: ["lap", "score"], booleans: ["flagged"] },
  pitLoss: { numbers: ["green", "virtualSafetyCar", "safetyCar"] },
  hazard: { numbers: ["lap"], probabilities: ["nextLap", "restOfRace"] },
};

export const partNames = Object.keys(shapes) as PartName[];

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function validOrigin(value: unknown): value is PredictionOrigin {
  if (!isObject(value) || typeof value.task !== "string") return false;
  if (value.source === "model") return typeof value.version === "number";
  return value.source === "rule" && (value.note == null || typeof value.note === "string");
}

export function validPart(name: PartName, value: unknown): boolean {
  if (!isObject(value) || !validOrigin(value.origin)) return false;
  const shape = shapes[name];
  return shape.numbers.every((k) => typeof value[k] === "number" && Number.isFinite(value[k])) &&
    (shape.probabilities ?? []).every((k) => typeof value[k] === "number" && (value[k] as number) >= 0 && (value[k] as number) <= 1) &&
    (shape.strings ?? []).every((k) => typeof value[k] === "string") &&
    (shape.booleans ?? []).every((k) => typeof value[k] === "boolean");
}

/** The car a predictions body is about ("44"; a full key "tenant/session/44" is cut to the car), or null. */
export function carOf(body: unknown): string | null {
  return isObject(body) && typeof body.car === "string" && body.car.length > 0 ? body.car.split("/").pop()! : null;
}

/**
 * Merges an update (or a GET answer) into what the page holds, part by part: a part that is absent, null or
 * malformed keeps the one held, and a part from an older lap than the one held does not replace it (a GET
 * answer can arrive after a newer hub update). Returns null when the body is not predictions at all.
 */
export function mergePredictions(held: HeldPredictions | undefined, body: unknown): { merged: HeldPredictions; changed: PartName[] } | null {
  const car = carOf(body);
  if (!isObject(body) || !car) return null;
  const lap = typeof body.lap === "number" && Number.isFinite(body.lap) ? body.lap : 0;
  const merged: HeldPredictions = held
    ? { ...held, partLaps: { ...held.partLaps } }
    : { car, lap, scoredAt: "", partLaps: {} };
  const changed: PartName[] = [];
  for (const name of partNames) {
    const part = body[name];
    if (part == null || !validPart(name, part)) continue;
    if ((merged.partLaps[name] ?? -1) > lap) continue;
    (merged as unknown as Record<string, unknown>)[name] = part;
    merged.partLaps[name] = lap;
    changed.push(name);
  }
  if (changed.length) {
    merged.lap = Math.max(held?.lap ?? 0, lap);
    if (typeof body.scoredAt === "string") merged.scoredAt = body.scoredAt;
  }
  return { merged, changed };
}

/** "model v2", or "rule" visibly flagged with the reason as its tooltip. */
export function sourceBadge(origin: PredictionOrigin): string {
  return origin.source === "model"
    ? `<span class="src model" title="${escapeHtml(`${origin.task} model, version ${origin.version}`)}">model v${origin.version}</span>`
    : `<span class="src rule" title="${escapeHtml(`${origin.task}: rule, ${origin.note ?? "no reason given"}`)}">rule</span>`;
}

/** A one-letter rule flag for tight places (the tower); a model's value needs none there, its column header names it. */
export function ruleMark(origin: PredictionOrigin): string {
  return origin.source === "rule" ? `<span class="src rule mini" title="${escapeHtml(`${origin.task}: rule, ${origin.note ?? "no reason given"}`)}">R</span>` : "";
}

/** What a tower column's values come from, for its header: one model version, a rule, or a mix. */
export function sourcesSummary(origins: PredictionOrigin[]): string {
  if (origins.length === 0) return "";
  const models = [...new Set(origins.filter((o) => o.source === "model").map((o) => `v${o.version}`))];
  const rules = origins.filter((o) => o.source === "rule").length;
  if (models.length === 0) return "rule";
  return `model ${models.join("/")}${rules ? `, ${rules} by rule` : ""}`;
}

export function signedSeconds(value: number, digits = 3): string {
  return `${value > 0 ? "+" : value < 0 ? "−" : "±"}${Math.abs(value).toFixed(digits)} s`;
}
