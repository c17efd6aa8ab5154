/**
 * The venue's dead-man switch (POLYMARKET.md §5.4, GOTCHAS #29): `POST /v1/heartbeats` every
 * ~5 s with the id returned by the previous beat. Once a chain is started, the venue cancels every
 * order of the key if no valid beat arrives within ~10 s (+5 s buffer) — so if this process dies,
 * or its event loop stalls, our quotes go away.
 *
 *  - Stale id: the venue answers 400 with the correct id; it is adopted and a beat resent at once.
 *  - Lapse: the venue answers 400 with an empty id (its chain ended: it has cancelled our orders),
 *    or no beat succeeded for `lapseMs` locally. Either way HEARTBEAT_LAPSED is posted once per
 *    lapse and a new chain is started. The executor treats it as "all orders gone; resync".
 *
 * Runs on the injected Clock (a plain scoped timer, deterministic under ManualClock); its own
 * HTTP call does not queue behind trading actions or client rate limits.
 */
import type { Clock, GatewayResult, Mailbox, TimerHandle } from "@mm/types";
import { isRecord, safeJson } from "./internal/wire.js";
import { VENUE_PATHS } from "./routes.js";
import type { VenueTransport } from "./transport.js";

export interface HeartbeatOptions {
  readonly transport: VenueTransport;
  readonly clock: Clock;
  readonly mailbox: Mailbox<GatewayResult>;
  /** Beat period (default 5 s). */
  readonly intervalMs?: number;
  /** No successful beat for this long ⇒ lapse reported (default 10 s, the venue's timeout). */
  readonly lapseMs?: number;
  /** Shutdown signal for in-flight beats. */
  readonly signal?: AbortSignal;
  /** Rate-limit headers seen on heartbeat responses (shared with the worker's shedding). */
  readonly onHeaders?: (header: (name: string) => string | undefined) => void;
}

export interface HeartbeatStats {
  sent: number;
  ok: number;
  staleRecovered: number;
  lapses: number;
  failures: number;
}

export class Heartbeat {
  readonly stats: HeartbeatStats = { sent: 0, ok: 0, staleRecovered: 0, lapses: 0, failures: 0 };
  private readonly intervalMs: number;
  private readonly lapseMs: number;
  private readonly signal: AbortSignal;
  private id: string | null = null;
  private chainStarted = false;
  private lastOkAt = 0;
  private lapseReported = false;
  private timer: TimerHandle | undefined;
  private inFlight: Promise<void> | undefined;
  private running = false;

  constructor(private readonly o: HeartbeatOptions) {
    this.intervalMs = o.intervalMs ?? 5_000;
    this.lapseMs = o.lapseMs ?? 10_000;
    if (!(this.intervalMs > 0) || !(this.lapseMs > this.intervalMs)) throw new RangeError("heartbeat needs 0 < intervalMs < lapseMs");
    this.signal = o.signal ?? new AbortController().signal;
  }

  /** The current chain id (null before the first successful beat and after a lapse). */
  get heartbeatId(): string | null {
    return this.id;
  }

  get isRunning(): boolean {
    return this.running;
  }

  /** Sends the first beat now and then every `intervalMs`. Idempotent. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.lastOkAt = this.o.clock.now();
    this.tick();
  }

  /** Stops beating (the venue will cancel our orders after its timeout unless beats resume). */
  async stop(): Promise<void> {
    this.running = false;
    if (this.timer !== undefined) this.o.clock.clearTimer(this.timer);
    this.timer = undefined;
    await this.inFlight;
  }

  /** Resolves when the beat in flight (if any) has been processed. For tests. */
  settled(): Promise<void> {
    return this.inFlight ?? Promise.resolve();
  }

  private tick(): void {
    this.timer = undefined;
    if (!this.running) return;
    if (this.inFlight !== undefined) this.checkLocalLapse();
    else {
      this.inFlight = this.beat().finally(() => {
        this.inFlight = undefined;
      });
    }
    this.timer = this.o.clock.setTimer(this.intervalMs, () => this.tick());
  }

  private async beat(): Promise<void> {
    // Up to two sends: a stale-id (or ended-chain) answer is followed by one immediate resend.
    for (let attempt = 0; attempt < 2 && this.running && !this.signal.aborted; attempt++) {
      const resend = await this.sendOnce();
      if (!resend) break;
    }
    this.checkLocalLapse();
  }

  /** Returns true when the answer asks for an immediate resend (new id adopted). */
  private async sendOnce(): Promise<boolean> {
    this.stats.sent++;
    const reply = await this.o.transport.send(
      {
        route: "heartbeat",
        method: "POST",
        path: VENUE_PATHS.heartbeats,
        body: JSON.stringify({ heartbeat_id: this.id }),
      },
      this.signal,
    );
    if (reply.kind !== "response") {
      this.stats.failures++;
      return false;
    }
    this.o.onHeaders?.(reply.header);
    const body = safeJson(reply.text);
    const returned =
      isRecord(body) && (typeof body.heartbeat_id === "string" || body.heartbeat_id === null) ? body.heartbeat_id : undefined;
    if (reply.status >= 200 && reply.status < 300) {
      if (typeof returned === "string" && returned.length > 0) this.id = returned;
      this.chainStarted = true;
      this.lastOkAt = this.o.clock.now();
      this.lapseReported = false;
      this.stats.ok++;
      return false;
    }
    if (reply.status === 400 && returned !== undefined) {
      if (returned === null || returned === "") {
        // The venue has no chain for us: it lapsed (and cancelled our orders), unless we never had one.
        if (this.chainStarted) this.reportLapse("venue reports no running heartbeat chain: it has cancelled our orders");
        this.id = null;
        this.chainStarted = false;
        return true;
      }
      this.stats.staleRecovered++;
      this.id = returned;
      return true;
    }
    this.stats.failures++;
    return false;
  }

  private checkLocalLapse(): void {
    if (!this.running || !this.chainStarted) return;
    const silent = this.o.clock.now() - this.lastOkAt;
    if (silent > this.lapseMs) {
      this.reportLapse(`no successful heartbeat for ${silent} ms: the venue cancels all orders after its timeout`);
      // Start a fresh chain with the next beat.
      this.id = null;
      this.chainStarted = false;
    }
  }

  private reportLapse(detail: string): void {
    if (this.lapseReported) return;
    this.lapseReported = true;
    this.stats.lapses++;
    try {
      this.o.mailbox.post({ kind: "HEARTBEAT_LAPSED", detail, at: this.o.clock.now() });
    } catch {
      // The receiver's mailbox failing must not stop the heartbeat.
    }
  }
}
