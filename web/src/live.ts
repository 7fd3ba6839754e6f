import * as signalR from "@microsoft/signalr";
import type { SessionSnapshot } from "./types";

export type ConnectionState = "connecting" | "live" | "reconnecting" | "offline";

/**
 * The one connection to the race hub. It retries for ever (a server restart is a normal event on the pit
 * wall), and every time it is back it joins the session again: the join answers with the whole current
 * state, so the page resynchronises instead of trusting what it had.
 */
export class LiveConnection {
  private readonly connection: signalR.HubConnection;
  private session: string | null = null;

  constructor(
    private readonly onState: (state: ConnectionState) => void,
    private readonly onSnapshot: (snapshot: SessionSnapshot) => void,
  ) {
    this.connection = new signalR.HubConnectionBuilder()
      .withUrl("/hubs/race")
      .withAutomaticReconnect({ nextRetryDelayInMilliseconds: (c) => Math.min(500 * 2 ** c.previousRetryCount, 3000) })
      .configureLogging(signalR.LogLevel.None)
      .build();
    this.connection.onreconnecting(() => this.onState("reconnecting"));
    this.connection.onreconnected(() => void this.rejoin());
    this.connection.onclose(() => {
      this.onState("offline");
      void this.start();
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

  async start(): Promise<void> {
    this.onState("connecting");
    for (;;) {
      try {
        await this.connection.start();
        break;
      } catch {
        this.onState("offline");
        await new Promise((r) => setTimeout(r, 1500));
      }
    }
    await this.rejoin();
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
