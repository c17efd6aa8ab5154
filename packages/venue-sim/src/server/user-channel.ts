/**
 * User WebSocket channel `/ws/user` (POLYMARKET.md §3): raw-credential auth in the first message,
 * optional `markets` filter (condition ids; empty ⇒ all), dynamic subscribe/unsubscribe, `order`
 * and `trade` events routed by API key, PING → PONG, idle drop. No replay: a reconnecting client
 * only sees events produced after it subscribed.
 */
import type { Clock, TimerHandle } from "@mm/types";
import type { WebSocket } from "ws";
import type { CredentialStore } from "./auth.js";
import type { FaultState } from "./faults.js";
import { attachChannelSocket, type FrameCounters, Outbox, terminateAll } from "./outbox.js";

export interface UserChannelOptions {
  readonly clock: Clock;
  readonly faults: FaultState;
  readonly credentials: CredentialStore;
  readonly idleTimeoutMs: number;
  arrayFraming: boolean;
}

interface UserConn {
  readonly outbox: Outbox;
  apiKey: string | undefined;
  /** Condition ids; empty ⇒ all markets. */
  readonly markets: Set<string>;
  lastSeen: number;
}

export class UserChannel {
  private readonly conns = new Set<UserConn>();
  private readonly byKey = new Map<string, Set<UserConn>>();
  private sweepTimer: TimerHandle | undefined;
  rejectedMessages = 0;
  /** Data frames written to / dropped for clients (freeze, closed sockets, slow consumers). */
  readonly frames: FrameCounters = { sent: 0, dropped: 0 };
  authFailures = 0;
  idleDrops = 0;

  constructor(private readonly o: UserChannelOptions) {}

  start(): void {
    if (this.o.idleTimeoutMs > 0) this.scheduleSweep();
  }

  stop(): void {
    if (this.sweepTimer !== undefined) this.o.clock.clearTimer(this.sweepTimer);
    for (const c of this.conns) c.outbox.ws.terminate();
    this.conns.clear();
    this.byKey.clear();
  }

  get connectionCount(): number {
    return this.conns.size;
  }

  accept(ws: WebSocket): void {
    const conn: UserConn = {
      outbox: new Outbox(ws, "user", this.o.faults, () => this.o.arrayFraming, this.frames),
      apiKey: undefined,
      markets: new Set(),
      lastSeen: this.o.clock.now(),
    };
    this.conns.add(conn);
    attachChannelSocket(
      ws,
      (text) => this.onMessage(conn, text),
      () => this.rejectedMessages++,
      () => this.remove(conn),
    );
  }

  dropConnections(): number {
    return terminateAll(this.conns, (c) => this.remove(c));
  }

  private remove(conn: UserConn): void {
    if (!this.conns.delete(conn)) return;
    if (conn.apiKey !== undefined) this.byKey.get(conn.apiKey)?.delete(conn);
  }

  private onMessage(conn: UserConn, text: string): void {
    conn.lastSeen = this.o.clock.now();
    if (text === "PING") {
      conn.outbox.control("PONG");
      return;
    }
    let msg: unknown;
    try {
      msg = text.length > 100_000 ? undefined : JSON.parse(text);
    } catch {
      msg = undefined;
    }
    if (typeof msg !== "object" || msg === null || Array.isArray(msg)) {
      this.rejectedMessages++;
      return;
    }
    const m = msg as Record<string, unknown>;
    const markets = Array.isArray(m.markets) ? m.markets.filter((x): x is string => typeof x === "string") : [];
    if (m.auth !== undefined || conn.apiKey === undefined) {
      const a = (typeof m.auth === "object" && m.auth !== null ? m.auth : {}) as Record<string, unknown>;
      const creds = this.o.credentials.checkWsAuth(a.apiKey, a.secret, a.passphrase);
      if (creds === undefined || (conn.apiKey !== undefined && conn.apiKey !== creds.apiKey)) {
        // Undocumented on the venue [L]: the simulator closes with a policy-violation code.
        this.authFailures++;
        conn.outbox.ws.close(1008, "Unauthorized");
        this.remove(conn);
        return;
      }
      if (conn.apiKey === undefined) {
        conn.apiKey = creds.apiKey;
        let set = this.byKey.get(creds.apiKey);
        if (set === undefined) {
          set = new Set();
          this.byKey.set(creds.apiKey, set);
        }
        set.add(conn);
      }
    }
    if (m.operation === "unsubscribe") {
      for (const x of markets) conn.markets.delete(x.toLowerCase());
      return;
    }
    for (const x of markets) conn.markets.add(x.toLowerCase());
  }

  /** True when `apiKey` has at least one authenticated socket. */
  hasListener(apiKey: string): boolean {
    const s = this.byKey.get(apiKey);
    return s !== undefined && s.size > 0;
  }

  /** Delivers a serialized event to `apiKey`'s sockets whose market filter admits `conditionId`. */
  deliver(apiKey: string, conditionId: string, frame: string): void {
    const set = this.byKey.get(apiKey);
    if (set === undefined) return;
    for (const c of set) if (c.markets.size === 0 || c.markets.has(conditionId)) c.outbox.push(frame);
  }

  private scheduleSweep(): void {
    const every = Math.max(250, Math.floor(this.o.idleTimeoutMs / 4));
    this.sweepTimer = this.o.clock.setTimer(every, () => {
      const now = this.o.clock.now();
      for (const c of [...this.conns]) {
        if (now - c.lastSeen > this.o.idleTimeoutMs) {
          this.idleDrops++;
          c.outbox.ws.close(1000, "idle");
          this.remove(c);
        }
      }
      this.scheduleSweep();
    });
  }
}
