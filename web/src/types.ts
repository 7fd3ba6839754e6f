// The server's JSON (camelCase, enums as camelCase names), as the dashboard uses it.

export type Compound = "unknown" | "soft" | "medium" | "hard" | "intermediate" | "wet";
export type TrackStatus = "unknown" | "green" | "yellow" | "safetyCar" | "red" | "virtualSafetyCar" | "virtualSafetyCarEnding";
export type Phase = "scheduled" | "running" | "chequered" | "ended";

export interface RaceGap { seconds: number; laps: number }

export interface ClassificationRow {
  position: number; car: string; driverCode: string; driverName?: string; team?: string; gridPosition?: number;
  laps: number; gapToLeader?: RaceGap | null; interval?: RaceGap | null; lastLapTime?: number | null; bestLapTime?: number | null;
  compound: Compound; tyreAge?: number | null; stops: number; status: "running" | "inPit" | "finished" | "retired";
}

export interface Classification { session: string; leaderLap: number; scheduledLaps?: number | null; phase: Phase; rows: ClassificationRow[] }

export interface LapRecord {
  lapNumber: number; lapTime?: number | null; compound: Compound; tyreAge?: number | null; stint: number; pitIn: boolean; pitOut: boolean;
  position?: number | null; gapToLeader?: RaceGap | null; trackStatus: TrackStatus; crossedAt: string; isClean: boolean;
}

export interface TelemetrySample { utcTicks: number; speed: number; rpm: number; gear: number; throttle: number; brake: number; drs: number }

export interface CarView {
  key: string; driverCode: string; driverName?: string; team?: string; position?: number | null; lapsCompleted: number;
  lastLap?: LapRecord | null; bestLap?: LapRecord | null; rollingPace?: number | null; paceDeltaToField?: number | null;
  gapToLeader?: RaceGap | null; intervalToAhead?: RaceGap | null; latestTelemetry?: TelemetrySample | null; inPit: boolean;
  currentStint?: { number: number; lapStart: number; lapEnd: number; compound: Compound; tyreAgeAtStart: number } | null;
  stops: { stopNumber: number; inLap: number; pitLaneSeconds?: number | null }[];
}

export interface StintView {
  car: string; number: number; compound: Compound; tyreAgeAtStart: number; lapStart: number; lapEnd: number; averagePace?: number | null;
  degradation?: { slopeSecondsPerLap: number; interceptSeconds: number; rSquared: number; standardError: number; laps: number } | null;
  laps: { lapNumber: number; tyreAge: number; lapTime?: number | null; fuelCorrectedLapTime?: number | null; usedInFit: boolean; isClean: boolean }[];
}

export interface WeatherView { airTemperature?: number | null; trackTemperature?: number | null; humidity?: number | null; rainfall: boolean; windSpeed?: number | null }
export interface RaceControlView { at: string; lap?: number | null; category?: string | null; flag?: string | null; message: string }
export interface RaceEntry { car: string; driverCode: string; driverName?: string; team?: string; gridPosition?: number | null }
export interface RaceInfo { name: string; season: number; round?: number | null; circuit?: string | null; scheduledLaps?: number | null; entries: RaceEntry[] }
export interface IngestionStatus { state: string; published: number; applied: number; rejected: number; isFinished: boolean; speed?: number | null }

export interface SessionSummary {
  session: string; race?: RaceInfo | null; phase: Phase; leaderLap: number; trackStatus: TrackStatus; weather?: WeatherView | null;
  raceControl: RaceControlView[]; ingestion?: IngestionStatus | null;
}

export interface SessionSnapshot { session?: SessionSummary | null; classification: Classification }

export interface CandidateView {
  name: string; stops: { lap: number; compound: Compound }[]; positionProbabilities: number[]; win: number; podium: number; points: number;
  expectedPosition: number; expectedRaceTime?: number | null; regret: number; bestShare: number;
}

export interface UndercutView { rival: string; comparedAfterLap: number; runs: number; aheadIfBoxNow: number; aheadIfBoxNextLap: number; aheadIfStayOut: number }

export interface StrategyPlanView {
  car: string; afterLap: number; totalLaps: number; trackStatus: TrackStatus; reason: string; computedAt: string; elapsedMilliseconds: number;
  runsPerCandidate: number; candidatesEvaluated: number; confidence: number; nextStop?: { firstLap: number; lastLap: number; compound: Compound } | null;
  candidates: CandidateView[]; versusCarAhead?: UndercutView | null; versusCarBehind?: UndercutView | null;
  neutralisation?: { status: TrackStatus; boxNow: CandidateView; stayOut: CandidateView; boxNowBetter: number; recommendBox: boolean } | null;
  circuitModel: string; unavailable?: string | null; searchPending: boolean; superseded: number;
  /** Per dry compound: the wear rate simulated (s/lap), the circuit's historical rate, the race's stints behind it. */
  wear?: { compound: Compound; perLap: number; historical: number; liveStints: number }[] | null;
}

export interface SessionListItem { id: string; name: string; source?: string | null; createdAt: string; phase: Phase; leaderLap: number; scheduledLaps?: number | null }
export interface CatalogRace { id: string; name: string }

// Predictions (GET …/cars/{car}/predictions and the hub's "predictions" updates). A part the server has not
// scored, or did not send in this update, is null; origin says which model version or, flagged, which rule.
export interface PredictionOrigin { task: string; source: "model" | "rule"; version?: number | null; note?: string | null }
export interface NextLapPrediction { seconds: number; referencePace: number; origin: PredictionOrigin }
export interface PitPrediction { probability: number; origin: PredictionOrigin }
export interface OvertakePrediction { target: string; withinOne: number; withinTwo: number; withinThree: number; origin: PredictionOrigin }
export interface DegradationPrediction {
  lossAfterOne: number; lossAfterFive: number; lossAfterTen: number; cliffAlert: boolean; cliffScore: number; cliffReason?: string | null; origin: PredictionOrigin;
}
export interface AnomalyPrediction { lap: number; score: number; flagged: boolean; reason?: string | null; origin: PredictionOrigin }
export interface PitLossPrediction { green: number; virtualSafetyCar: number; safetyCar: number; origin: PredictionOrigin }
export interface HazardPrediction { lap: number; nextLap: number; restOfRace: number; origin: PredictionOrigin }

export interface CarPredictions {
  car: string; lap: number; scoredAt: string;
  nextLap?: NextLapPrediction | null; pitNextLap?: PitPrediction | null; overtake?: OvertakePrediction | null;
  degradation?: DegradationPrediction | null; anomaly?: AnomalyPrediction | null; pitLoss?: PitLossPrediction | null; hazard?: HazardPrediction | null;
}
