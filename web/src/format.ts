import type { Compound, RaceGap, TrackStatus } from "./types";

/** 83.456 → "1:23.456". */
export function lapTime(seconds?: number | null): string {
  if (seconds == null || !Number.isFinite(seconds)) return "";
  const minutes = Math.floor(seconds / 60);
  const rest = seconds - minutes * 60;
  return minutes > 0 ? `${minutes}:${rest.toFixed(3).padStart(6, "0")}` : rest.toFixed(3);
}

export function gap(value?: RaceGap | null): string {
  if (!value) return "";
  if (value.laps > 0) return `+${value.laps} LAP${value.laps > 1 ? "S" : ""}`;
  return `+${value.seconds.toFixed(3)}`;
}

export function gapSeconds(value: RaceGap | null | undefined, lapSeconds: number): number | null {
  if (!value) return null;
  return value.laps > 0 ? value.laps * lapSeconds + value.seconds : value.seconds;
}

export function percent(p?: number | null, digits = 0): string {
  return p == null ? "" : `${(p * 100).toFixed(digits)}%`;
}

export const compoundLetter: Record<Compound, string> = { soft: "S", medium: "M", hard: "H", intermediate: "I", wet: "W", unknown: "?" };

export const compoundName: Record<Compound, string> = { soft: "Soft", medium: "Medium", hard: "Hard", intermediate: "Inter", wet: "Wet", unknown: "Unknown" };

export const trackStatusText: Record<TrackStatus, string> = {
  unknown: "",
  green: "Green flag",
  yellow: "Yellow flag",
  safetyCar: "Safety car",
  red: "Red flag",
  virtualSafetyCar: "Virtual safety car",
  virtualSafetyCarEnding: "VSC ending",
};

/** Team colours by the names the feeds use (2018–2025). */
const teams: [RegExp, string][] = [
  [/red bull/i, "#3671c6"],
  [/ferrari/i, "#e8002d"],
  [/mercedes/i, "#27f4d2"],
  [/mclaren/i, "#ff8000"],
  [/aston/i, "#229971"],
  [/racing point|force india/i, "#f596c8"],
  [/alpine|renault/i, "#ff87bc"],
  [/williams/i, "#64c4ff"],
  [/alphatauri|toro rosso|rb f1|racing bulls|^rb$/i, "#6692ff"],
  [/alfa romeo|sauber|kick/i, "#52e252"],
  [/haas/i, "#b6babd"],
];

export function teamColour(team?: string | null): string {
  if (!team) return "#8a8f98";
  for (const [pattern, colour] of teams) if (pattern.test(team)) return colour;
  return "#8a8f98";
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}
