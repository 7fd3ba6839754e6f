/**
 * Signing the dashboard in, and every REST call it makes.
 *
 * The server requires a bearer token on every /api/v1 call and on the race hub. The page gets one, in order:
 * - the development token (GET /api/v1/auth/dev-token), which the embedded single-process server hands to
 *   requests from the machine itself (anywhere else it answers 404);
 * - an API key this tab signed in with before (sessionStorage), exchanged at POST /api/v1/auth/token;
 * - the sign-in panel, where the user gives an API key to exchange.
 *
 * The token lives in memory only; the API key is kept in sessionStorage (this tab, cleared on sign-out) so
 * that a reload or an expired token can be exchanged again without asking. Neither ever goes into
 * localStorage or a page address. The one address that carries the token is the hub's WebSocket upgrade
 * (`access_token`), because a browser cannot set headers on a WebSocket: SignalR does it that way and the
 * server reads it there only.
 *
 * A token is renewed about a minute before it expires; a 401 renews it once, and if that fails too the
 * sign-in panel comes back. A 403 is the role's answer, shown to the user as such (see roleCannot).
 */

export type Role = "viewer" | "strategist" | "admin";

/** The body of both token endpoints. */
export interface Grant { token: string; tenant: string; role: Role | string; expiresAt: string }

/** How the page got its token: "dev" (the embedded server's development token) or "key" (an API key). */
export type Source = "dev" | "key";

export type AuthEvent =
  /** Signed in, first or again (after the panel): the page loads or resumes. */
  | { kind: "signed-in"; grant: Grant; source: Source; previous: Grant | null }
  /** A new token for the same sign-in: nothing for the page to do but show it. */
  | { kind: "renewed"; grant: Grant }
  /** The sign-in is gone (refused, revoked, expired beyond renewal): the panel is up. */
  | { kind: "signed-out"; reason: string };

/** What a role may do; the server decides, this only keeps the page from offering what it would refuse. */
export type Action = "replay" | "compare" | "plan";

const ROLE_RANK: Record<string, number> = { viewer: 0, strategist: 1, admin: 2 };
const NEEDS: Record<Action, number> = { replay: 1, compare: 1, plan: 1 };
const ACTION_TEXT: Record<Action, string> = { replay: "start replays", compare: "compare strategies", plan: "ask for strategy plans" };

const KEY_ITEM = "stratx.apiKey";
const DEV_TOKEN = "/api/v1/auth/dev-token";
const EXCHANGE = "/api/v1/auth/token";
const RETRY_MS = 1500;
/** The longest single timer: setTimeout fires at once beyond 2^31 - 1 ms, and a far expiry is re-checked instead. */
const MAX_TIMER_MS = 3_600_000;

type Attempt =
  | { kind: "ok"; grant: Grant; lifetimeMs: number }
  /** 404: the server offers no development token here. */
  | { kind: "absent" }
  /** 401, 403 or 429 (a bad or revoked key, too many attempts): the message says which. */
  | { kind: "refused"; status: number; message: string }
  /** No answer, a server error or a body that is not a grant: try again later. */
  | { kind: "unreachable" };

let grant: Grant | null = null;
let source: Source | null = null;
/** When the current token should be renewed and when it expires, both by this machine's clock. */
let renewAt = 0;
let expiresAt = 0;
/** Set when the server turned the current token away (the hub's 401): the next use renews it. */
let rejected = false;
/**
 * Whether the current token replaced one the hub refused and the hub has not taken it yet: refused as well,
 * the sign-in is no good.
 */
let replacedRefused = false;
/** The token last handed to the hub, to tell whether a refusal concerns the current one. */
let handedToHub: string | null = null;
/** The sign-in before the panel came back, to tell the page whether the tenant changed. */
let lostGrant: Grant | null = null;
let renewal: Promise<boolean> | null = null;
let renewTimer: number | undefined;
/** Resolved by the next sign-in; whoever needs a token before it (or while the panel is up) waits on it. */
let markSignedIn: (() => void) | null = null;
let signedIn = new Promise<void>((resolve) => (markSignedIn = resolve));
const listeners: ((event: AuthEvent) => void)[] = [];

export function onAuth(listener: (event: AuthEvent) => void): void {
  listeners.push(listener);
}

function emit(event: AuthEvent): void {
  for (const listener of listeners) {
    try {
      listener(event);
    } catch (error) {
      console.warn("auth listener failed", error);
    }
  }
}

export function currentGrant(): Grant | null {
  return grant;
}

export function currentSource(): Source | null {
  return source;
}

/** Whether the signed-in role may do the action (false while signed out). Unknown roles get a viewer's rights. */
export function can(action: Action): boolean {
  return grant != null && (ROLE_RANK[grant.role] ?? 0) >= NEEDS[action];
}

/** "Your role (viewer) cannot start replays". */
export function roleCannot(action: Action): string {
  return `Your role (${grant?.role ?? "none"}) cannot ${ACTION_TEXT[action]}.`;
}

// ---------------------------------------------------------------------------------------------- storage

function storedKey(): string | null {
  try {
    return sessionStorage.getItem(KEY_ITEM);
  } catch {
    return null;
  }
}

function storeKey(key: string | null): void {
  try {
    if (key) sessionStorage.setItem(KEY_ITEM, key);
    else sessionStorage.removeItem(KEY_ITEM);
  } catch {
    // Storage disabled: the key is simply not remembered, and a reload asks for it again.
  }
}

// ---------------------------------------------------------------------------------------------- the endpoints

function isGrant(body: unknown): body is Grant {
  const g = body as Partial<Grant> | null;
  return !!g && typeof g.token === "string" && g.token.length > 0 && typeof g.tenant === "string" && typeof g.role === "string" &&
    typeof g.expiresAt === "string" && Number.isFinite(Date.parse(g.expiresAt));
}

async function problemText(response: Response, fallback: string): Promise<string> {
  try {
    const body = (await response.json()) as { detail?: unknown; title?: unknown };
    if (typeof body.detail === "string" && body.detail) return body.detail;
  } catch {
    // Not JSON: the fallback says it.
  }
  return fallback;
}

async function attempt(url: string, init: RequestInit): Promise<Attempt> {
  let response: Response;
  try {
    response = await fetch(url, { ...init, cache: "no-store", credentials: "same-origin" });
  } catch {
    return { kind: "unreachable" };
  }
  if (response.status === 404) return { kind: "absent" };
  if (response.status === 401) return { kind: "refused", status: 401, message: await problemText(response, "The API key was refused: it is wrong or has been revoked.") };
  if (response.status === 403) return { kind: "refused", status: 403, message: await problemText(response, "This API key may not sign in here.") };
  if (response.status === 429) {
    const wait = Number(response.headers.get("retry-after"));
    return { kind: "refused", status: 429, message: `Too many failed sign-ins from here. Try again ${wait > 0 ? `in ${wait} s` : "in a minute"}.` };
  }
  if (!response.ok) return { kind: "unreachable" };
  let body: unknown;
  try {
    body = await response.json();
  } catch {
    return { kind: "unreachable" };
  }
  if (!isGrant(body)) return { kind: "unreachable" };
  // The lifetime by the server's clock (its Date header), so that a machine whose clock is off still renews in time.
  const serverNow = Date.parse(response.headers.get("date") ?? "");
  const lifetimeMs = Date.parse(body.expiresAt) - (Number.isFinite(serverNow) ? serverNow : Date.now());
  return { kind: "ok", grant: body, lifetimeMs };
}

const devToken = () => attempt(DEV_TOKEN, { method: "GET" });
const exchange = (key: string) => attempt(EXCHANGE, { method: "POST", headers: { "X-Api-Key": key } });

// ---------------------------------------------------------------------------------------------- state

function accept(result: Extract<Attempt, { kind: "ok" }>, how: Source): void {
  const renewed = grant != null;
  replacedRefused = renewed && rejected;
  grant = result.grant;
  source = how;
  rejected = false;
  const now = Date.now();
  const lifetime = Math.max(result.lifetimeMs, 0);
  expiresAt = now + lifetime;
  // About a minute before expiry; a short-lived token at half its life.
  renewAt = now + Math.max(lifetime - 60_000, lifetime / 2);
  scheduleRenewal();
  hidePanel();
  if (markSignedIn) {
    markSignedIn();
    markSignedIn = null;
  }
  if (renewed) {
    emit({ kind: "renewed", grant: result.grant });
  } else {
    emit({ kind: "signed-in", grant: result.grant, source: how, previous: lostGrant });
    lostGrant = null;
  }
}

function scheduleRenewal(): void {
  window.clearTimeout(renewTimer);
  if (!grant) return;
  const due = Math.max(renewAt - Date.now(), 5000);
  renewTimer = window.setTimeout(() => {
    if (Date.now() >= renewAt) void renew();
    else scheduleRenewal();
  }, Math.min(due, MAX_TIMER_MS));
}

/** Drops the sign-in and puts the panel up with the reason. Requests wait for the next sign-in. */
function lose(reason: string): void {
  const had = grant != null;
  window.clearTimeout(renewTimer);
  if (had) lostGrant = grant;
  grant = null;
  source = null;
  rejected = false;
  replacedRefused = false;
  if (!markSignedIn) signedIn = new Promise((resolve) => (markSignedIn = resolve));
  showPanel(reason);
  if (had) emit({ kind: "signed-out", reason });
}

/**
 * A new token the way the current one was got (the development token, else the stored key). Concurrent
 * callers share one renewal. False when there is none: the panel is up, or the server did not answer and the
 * renewal is tried again in a few seconds (meanwhile the page keeps the token it has).
 */
function renew(): Promise<boolean> {
  renewal ??= (async () => {
    try {
      if (source === null) return false;
      const key = storedKey();
      let result: Attempt = source === "dev" ? await devToken() : { kind: "absent" };
      let used: Source = "dev";
      if (result.kind === "absent" && key) {
        result = await exchange(key);
        used = "key";
      }
      if (source === null) return false;
      if (result.kind === "ok") {
        accept(result, used);
        return true;
      }
      if (result.kind === "unreachable") {
        // The server is away (a restart is normal on the pit wall): try again shortly.
        renewAt = Date.now() + 5000;
        scheduleRenewal();
        return false;
      }
      if (result.kind === "refused" && used === "key") storeKey(null);
      lose(result.kind === "refused" ? result.message : "Your sign-in has ended. Sign in again with an API key.");
      return false;
    } finally {
      renewal = null;
    }
  })();
  return renewal;
}

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// ---------------------------------------------------------------------------------------------- start

/**
 * Signs the page in: the development token, else the stored API key, else the panel. Resolves once signed
 * in (however long the panel takes); while the server does not answer it keeps trying.
 */
export async function start(): Promise<void> {
  wirePanel();
  document.addEventListener("visibilitychange", () => {
    // A hidden tab's timers are throttled: a renewal that should have happened meanwhile happens now.
    if (document.visibilityState === "visible" && grant && Date.now() >= renewAt) void renew();
  });
  for (;;) {
    const dev = await devToken();
    if (dev.kind === "ok") return accept(dev, "dev");
    if (dev.kind === "unreachable") {
      await delay(RETRY_MS);
      continue;
    }
    const key = storedKey();
    if (!key) break;
    const exchanged = await exchange(key);
    if (exchanged.kind === "ok") return accept(exchanged, "key");
    if (exchanged.kind === "unreachable") {
      await delay(RETRY_MS);
      continue;
    }
    storeKey(null);
    lose(exchanged.kind === "refused" ? exchanged.message : "Sign in with an API key.");
    return signedIn;
  }
  lose("");
  return signedIn;
}

/** Signs out: forgets the key and the token and reloads, so nothing of this tenant's stays in the page. */
export function signOut(): void {
  storeKey(null);
  grant = null;
  source = null;
  window.clearTimeout(renewTimer);
  location.reload();
}

// ---------------------------------------------------------------------------------------------- requests

/**
 * Every REST call of the page: adds the bearer token, and on a 401 renews the token once and repeats the
 * call; if that is refused too, the panel comes back and the 401 is returned. Other statuses (a 403 among
 * them) are the caller's to show. Waits while the page is signed out. Throws as fetch does when the server
 * cannot be reached.
 */
export async function api(url: string, init: RequestInit = {}): Promise<Response> {
  await signedIn;
  if (rejected || (grant && Date.now() >= expiresAt)) await renew();
  await signedIn;
  const used = grant?.token;
  const response = await send(url, init, used);
  if (response.status !== 401) return response;
  // Another call may have renewed the token meanwhile: then only the repeat is needed.
  if (grant && grant.token === used) await renew();
  if (!grant || grant.token === used) return response;
  const again = await send(url, init, grant.token);
  if (again.status === 401) lose("Your sign-in was refused. Sign in again.");
  return again;
}

function send(url: string, init: RequestInit, token: string | undefined): Promise<Response> {
  const headers = new Headers(init.headers);
  if (token) headers.set("Authorization", `Bearer ${token}`);
  return fetch(url, { ...init, headers, credentials: "same-origin" });
}

/**
 * The hub's accessTokenFactory: the current token, renewed first if it is due or the server refused it.
 * Called at every (re)connection, so a reconnect always uses the newest token.
 */
export async function hubToken(): Promise<string> {
  if (renewal) await renewal;
  if (grant && (rejected || Date.now() >= renewAt)) await renew();
  // Signed out, the attempt fails at once (waiting here would also hold up stopping the connection).
  if (!grant) throw new Error("Not signed in.");
  handedToHub = grant.token;
  return grant.token;
}

/**
 * The hub was refused with 401 (the server restarted with new signing keys, or the token expired): the
 * next token asked for is a new one. A new token refused as well means the sign-in is no good: the panel.
 */
export function hubRefused(): void {
  if (!grant || handedToHub !== grant.token) return;
  if (replacedRefused) lose("The server refused this sign-in for the live connection. Sign in again.");
  else rejected = true;
}

/** The hub took the current token. */
export function hubAccepted(): void {
  replacedRefused = false;
}

// ---------------------------------------------------------------------------------------------- the panel

const el = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

function showPanel(reason: string): void {
  document.body.dataset.auth = "signed-out";
  el("sign-in").hidden = false;
  el("sign-in-error").textContent = reason;
  const button = el<HTMLButtonElement>("sign-in-button");
  button.disabled = false;
  const input = el<HTMLInputElement>("api-key");
  input.value = "";
  input.focus();
}

function hidePanel(): void {
  document.body.dataset.auth = "signed-in";
  el("sign-in").hidden = true;
  el("sign-in-error").textContent = "";
}

let wired = false;
function wirePanel(): void {
  if (wired) return;
  wired = true;
  el<HTMLFormElement>("sign-in-form").addEventListener("submit", (event) => {
    // Never submitted by the browser: the key must not reach an address or a form post.
    event.preventDefault();
    void submitKey();
  });
}

async function submitKey(): Promise<void> {
  const input = el<HTMLInputElement>("api-key");
  const error = el("sign-in-error");
  const button = el<HTMLButtonElement>("sign-in-button");
  const key = input.value.trim();
  if (!key) {
    error.textContent = "Enter an API key.";
    input.focus();
    return;
  }
  button.disabled = true;
  error.textContent = "";
  el("sign-in-status").textContent = "Signing in…";
  const result = await exchange(key);
  el("sign-in-status").textContent = "";
  button.disabled = false;
  if (result.kind === "ok") {
    input.value = "";
    storeKey(key);
    accept(result, "key");
    return;
  }
  error.textContent = result.kind === "refused" ? result.message
    : result.kind === "absent" ? "This server does not sign in with API keys."
    : "The server did not answer. Try again in a moment.";
  input.select();
  input.focus();
}
