import * as signalR from "@microsoft/signalr";
import type { SessionSnapshot } from "./types";

export type ConnectionState = "connecting" | "live" | "reconnecting" | "offline";

/** How the connection signs in: the current token (renewed when due), and what to do when the hub refuses it. */
export interface HubSignIn {
  token: () => Promise<string>;
  refused: () => void;
  accepted: () => void;
}

/** Whether a failed (re)connection was the hub refusing the token (its negotiation answered 401). */
function unauthorized(error: unknown): boolean {
  if (error instanceof signalR.HttpError) return error.statusCode === 401;
  // A failed negotiation is rethrown as a plain error whose message carries the status.
  return error instanceof Error && /Status code '401'/.test(error.message);
}

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The one connection to the race hub. It retries for ever (a server restart is a normal event on the pit
 * wall), and every time it is back it joins the session again: the join answers with the whole current
 * state, so the page resynchronises instead of trusting what it had. Every (re)connection asks for the
 * token afresh, so it always signs in with the newest; a 401 has the next attempt get a new one.
 */
export class LiveConnection {
  private readonly connection: signalR.HubConnection;
  private session: string | null = null;
  /** Whether the page wants the connection (false once signed out, so that a close does not reconnect). */
  private wanted = false;
  private starting: Promise<void> | null = null;

  constructor(
    private readonly onState: (state: ConnectionState) => void,
    private readonly onSnapshot: (snapshot: SessionSnapshot) => void,
    private readonly signIn: HubSignIn,
  ) {
    this.connection = new signalR.HubConnectionBuilder()
      .withUrl("/hubs/race", { accessTokenFactory: () => this.signIn.token() })
      .withAutomaticReconnect({
        nextRetryDelayInMilliseconds: (c) => {
          if (unauthorized(c.retryReason)) this.signIn.refused();
          return Math.min(500 * 2 ** c.previousRetryCount, 3000);
        },
      })
      .configureLogging(signalR.LogLevel.None)
      .build();
    this.connection.onreconnecting(() => this.onState("reconnecting"));
    this.connection.onreconnected(() => {
      this.signIn.accepted();
      void this.rejoin();
    });
    this.connection.onclose(() => {
      this.onState("offline");
      if (this.wanted) void this.start();
    });
  }

  /** Hub messages received so far (the dashboard benchmark reads it to show the page was under load). */
  received = 0;

  on<T>(kind: string, handler: (update: T) => void): void {
    this.connection.on(kind, (update: T) => {
      this.received++;
      handler(update);
    });
  }

  /** Connects (trying until it does, or until stop) and joins the session; one attempt at a time. */
  start(): Promise<void> {
    this.wanted = true;
    this.starting ??= this.connect().finally(() => (this.starting = null));
    return this.starting;
  }

  /** Disconnects for good (signed out); start connects again. */
  async stop(): Promise<void> {
    this.wanted = false;
    await this.connection.stop().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    this.onState("connecting");
    for (;;) {
      while (this.wanted) {
        const state = this.connection.state;
        if (state === signalR.HubConnectionState.Connected) break;
        if (state !== signalR.HubConnectionState.Disconnected) {
          // Reconnecting by itself, or stopping: see how that ends.
          await delay(500);
          continue;
        }
        try {
          await this.connection.start();
          this.signIn.accepted();
          break;
        } catch (error) {
          if (unauthorized(error)) this.signIn.refused();
          if (!this.wanted) return;
          this.onState("offline");
          await delay(1500);
        }
      }
      if (!this.wanted) return;
      await this.rejoin();
      // Closed again meanwhile (its onclose found this attempt still running): go round again.
      if (!this.wanted || this.connection.state !== signalR.HubConnectionState.Disconnected) return;
    }
  }

  async join(session: string | null): Promise<void> {
    if (this.session && this.session !== session && this.connection.state === signalR.HubConnectionState.Connected) {
      await this.connection.invoke("LeaveSession", this.session).catch(() => undefined);
    }
    this.session = session;
    await this.rejoin();
  }

  private async rejoin(): Promise<void> {
    if (this.connection.state !== signalR.HubConnectionState.Connected) return;
    this.onState("live");
    if (!this.session) return;
    try {
      const snapshot = await this.connection.invoke<SessionSnapshot>("JoinSession", this.session);
      this.onSnapshot(snapshot);
    } catch {
      this.onState("reconnecting");
    }
  }
}
