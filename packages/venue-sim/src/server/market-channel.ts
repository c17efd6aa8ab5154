/**
 * Market WebSocket channel `/ws/market` (POLYMARKET.md §2): initial and dynamic subscriptions,
 * `book` per asset on subscribe, `price_change` on place/cancel, `book` + `last_trade_price` after
 * trades, `tick_size_change`, custom-feature events, text PING → PONG, idle sockets dropped.
 * Each event is serialized once and fanned out through per-connection corked outboxes.
 */
import type { Clock, TimerHandle } from "@mm/types";
import type { WebSocket } from "ws";
import type { FaultState } from "./faults.js";
import { attachChannelSocket, type FrameCounters, Outbox, terminateAll } from "./outbox.js";

export interface MarketChannelOptions {
  readonly clock: Clock;
  readonly faults: FaultState;
  /** Drop sockets that sent no PING (or subscription) for this long (default 15 s). 0 disables. */
  readonly idleTimeoutMs: number;
  /** Max assets per connection; extra assets are silently not subscribed (the venue's ~500 stall). 0 = no cap. */
  readonly maxAssetsPerConnection: number;
  /** Emit frames as JSON arrays of events (pre-2025-09 framing) instead of single objects. */
  arrayFraming: boolean;
  /** Serialized `book` of a token, or undefined when unknown. */
  readonly bookFrame: (tokenId: string) => string | undefined;
  readonly isKnownAsset: (tokenId: string) => boolean;
}

interface MarketConn {
  readonly outbox: Outbox;
  readonly assets: Set<string>;
  custom: boolean;
  initialized: boolean;
  lastSeen: number;
}

export class MarketChannel {
  private readonly conns = new Set<MarketConn>();
  private readonly byAsset = new Map<string, Set<MarketConn>>();
  private sweepTimer: TimerHandle | undefined;
  /** Malformed client messages ignored (counted). */
  rejectedMessages = 0;
  /** Data frames written to / dropped for clients (freeze, closed sockets, slow consumers). */
  readonly frames: FrameCounters = { sent: 0, dropped: 0 };
  /** Sockets dropped for idleness. */
  idleDrops = 0;

  constructor(private readonly o: MarketChannelOptions) {}

  start(): void {
    if (this.o.idleTimeoutMs > 0) this.scheduleSweep();
  }

  stop(): void {
    if (this.sweepTimer !== undefined) this.o.clock.clearTimer(this.sweepTimer);
    this.sweepTimer = undefined;
    for (const c of this.conns) c.outbox.ws.terminate();
    this.conns.clear();
    this.byAsset.clear();
    this.customCount = 0;
  }

  get connectionCount(): number {
    return this.conns.size;
  }

  accept(ws: WebSocket): void {
    const conn: MarketConn = {
      outbox: new Outbox(ws, "market", this.o.faults, () => this.o.arrayFraming, this.frames),
      assets: new Set(),
      custom: false,
      initialized: false,
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

  /** Closes every socket (fault injection); returns how many. */
  dropConnections(): number {
    return terminateAll(this.conns, (c) => this.remove(c));
  }

  private remove(conn: MarketConn): void {
    if (!this.conns.delete(conn)) return;
    if (conn.custom) this.customCount--;
    for (const a of conn.assets) this.byAsset.get(a)?.delete(conn);
  }

  private onMessage(conn: MarketConn, text: string): void {
    conn.lastSeen = this.o.clock.now();
    if (text === "PING") {
      conn.outbox.control("PONG");
      return;
    }
    if (text.length > 1_000_000) {
      this.rejectedMessages++;
      return;
    }
    let msg: unknown;
    try {
      msg = JSON.parse(text);
    } catch {
      this.rejectedMessages++;
      return;
    }
    if (typeof msg !== "object" || msg === null || Array.isArray(msg)) {
      this.rejectedMessages++;
      return;
    }
    const m = msg as Record<string, unknown>;
    const ids = m.assets_ids;
    if (!Array.isArray(ids) || ids.some((x) => typeof x !== "string")) {
      this.rejectedMessages++;
      return;
    }
    if (typeof m.custom_feature_enabled === "boolean" && m.custom_feature_enabled !== conn.custom) {
      conn.custom = m.custom_feature_enabled;
      this.customCount += conn.custom ? 1 : -1;
    }
    const op = m.operation;
    if (op === "unsubscribe") {
      if (!conn.initialized) {
        this.rejectedMessages++;
        return;
      }
      for (const a of ids as string[]) {
        conn.assets.delete(a);
        this.byAsset.get(a)?.delete(conn);
      }
      return;
    }
    if (op !== undefined && op !== "subscribe") {
      this.rejectedMessages++;
      return;
    }
    if (!conn.initialized) {
      if (op === undefined && typeof m.type === "string" && m.type.toLowerCase() !== "market") {
        this.rejectedMessages++;
        return;
      }
      conn.initialized = true;
    }
    const dump = m.initial_dump !== false;
    let added = 0;
    for (const a of ids as string[]) {
      if (conn.assets.has(a) || !this.o.isKnownAsset(a)) continue;
      if (this.o.maxAssetsPerConnection > 0 && conn.assets.size >= this.o.maxAssetsPerConnection) {
        this.o.faults.count("market:asset_cap");
        continue;
      }
      conn.assets.add(a);
      let set = this.byAsset.get(a);
      if (set === undefined) {
        set = new Set();
        this.byAsset.set(a, set);
      }
      set.add(conn);
      added++;
      if (dump) {
        const frame = this.o.bookFrame(a);
        if (frame !== undefined) conn.outbox.push(frame);
      }
    }
    if (added === 0 && conn.custom && ids.length > 0) conn.outbox.control("NO NEW ASSETS");
  }

  private customCount = 0;

  /** Number of open connections with custom features enabled (best_bid_ask work is skipped at 0). */
  get customConnections(): number {
    return this.customCount;
  }

  hasSubscribers(tokenId: string): boolean {
    const s = this.byAsset.get(tokenId);
    return s !== undefined && s.size > 0;
  }

  /** Sends a serialized event to every connection subscribed to any of `tokenIds` (once per connection). */
  publish(tokenIds: readonly string[], frame: string, customOnly = false): void {
    if (tokenIds.length === 1) {
      const set = this.byAsset.get(tokenIds[0] as string);
      if (set === undefined) return;
      for (const c of set) if (!customOnly || c.custom) c.outbox.push(frame);
      return;
    }
    const seen = new Set<MarketConn>();
    for (const t of tokenIds) {
      const set = this.byAsset.get(t);
      if (set === undefined) continue;
      for (const c of set) {
        if (seen.has(c) || (customOnly && !c.custom)) continue;
        seen.add(c);
        c.outbox.push(frame);
      }
    }
  }

  /**
   * Custom-feature event for every custom connection with no asset filter or subscribed to one of
   * `tokenIds`; an empty `tokenIds` (new_market) reaches every custom connection.
   */
  publishCustom(tokenIds: readonly string[], frame: string): void {
    for (const c of this.conns) {
      if (!c.custom || !c.initialized) continue;
      if (tokenIds.length === 0 || c.assets.size === 0 || tokenIds.some((t) => c.assets.has(t))) c.outbox.push(frame);
    }
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
