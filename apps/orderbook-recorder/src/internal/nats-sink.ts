/**
 * NATS JetStream sink (runs inside each book worker): publishes every event the worker's books
 * applied (owner connection only, a price_change split per asset) to `<prefix>.<market>`, so
 * consumers elsewhere subscribe by market.
 *
 * Delivery: each message carries a `Nats-Msg-Id` unique per instance/connection/frame/event, and a
 * failed publish (timeout, connection lost, JetStream restarting) is retried with backoff for up to
 * `retryBudgetMs` — well inside the stream's 2-minute duplicate window, so a retry of a publish that
 * did land is de-duplicated by the stream. A NATS restart therefore loses and duplicates nothing.
 *
 * Priorities: the segment files are the record; the stream is derived from them. While NATS is
 * reachable but slow, the bounded outbox backs up into the recorder's worker queues (sockets pause:
 * nothing dropped). While NATS is unreachable, recording must go on: once the outbox is full, new
 * events are shed (counted) and, when NATS is back, a gap notice on `<prefix>._gaps` tells consumers
 * which span to backfill from the segments. Events whose retries run out are counted the same way.
 */
import { type JetStreamClient, jetstream, jetstreamManager } from "@nats-io/jetstream";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import type { AppliedEvent } from "../books/replayer.js";

export interface NatsSinkOptions {
  readonly servers: string;
  readonly stream: string;
  readonly subjectPrefix: string;
  /** Distinguishes instances in message ids (e.g. `0of2`). */
  readonly instance: string;
  /** Publishes in flight before the outbox is full. Default 20,000. */
  readonly maxPending?: number;
  /** How long one message is retried before it is given up (counted, in the gap notice). Default 60 s. */
  readonly retryBudgetMs?: number;
  /** PubAck wait per attempt. Default 5 s. */
  readonly ackTimeoutMs?: number;
}

export interface NatsSinkStats {
  published: number;
  acked: number;
  /** Publish attempts repeated after a failure. */
  retried: number;
  /** Messages given up after `retryBudgetMs` (still in the segments). */
  failed: number;
  /** Messages not sent because the outbox was full while NATS was unreachable (still in the segments). */
  shed: number;
  /** Gap notices published on `<prefix>._gaps`. */
  gapNotices: number;
  pending: number;
  connected: boolean;
  lastError: string | undefined;
}

/** Body of a gap notice: the span of applied events this instance could not publish. */
export interface NatsGapNotice {
  readonly kind: "gap";
  readonly instance: string;
  readonly fromTsMs: number;
  readonly toTsMs: number;
  readonly events: number;
  readonly reason: "shed" | "retries_exhausted" | "both";
}

const enc = new TextEncoder();
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export class NatsSink {
  readonly stats: NatsSinkStats = {
    published: 0,
    acked: 0,
    retried: 0,
    failed: 0,
    shed: 0,
    gapNotices: 0,
    pending: 0,
    connected: true,
    lastError: undefined,
  };
  private readonly inFlight = new Set<Promise<void>>();
  private roomWaiters: (() => void)[] = [];
  private gap: { fromTsMs: number; toTsMs: number; events: number; shed: boolean; failed: boolean } | undefined;
  private gapPublishing = false;
  private closed = false;
  private readonly maxPending: number;
  private readonly retryBudgetMs: number;
  private readonly ackTimeoutMs: number;

  private constructor(
    private readonly nc: NatsConnection,
    private readonly js: JetStreamClient,
    private readonly o: NatsSinkOptions,
  ) {
    this.maxPending = o.maxPending ?? 20_000;
    this.retryBudgetMs = o.retryBudgetMs ?? 60_000;
    this.ackTimeoutMs = o.ackTimeoutMs ?? 5_000;
    void this.watchStatus();
  }

  /** Connects (retrying the first connection for up to `connectBudgetMs`) and ensures the stream exists. */
  static async open(o: NatsSinkOptions, connectBudgetMs = 30_000): Promise<NatsSink> {
    const until = Date.now() + connectBudgetMs;
    let delay = 250;
    for (;;) {
      try {
        const nc = await connect({ servers: o.servers, name: `orderbook-recorder-${o.instance}`, maxReconnectAttempts: -1 });
        try {
          await ensureStream(nc, o);
        } catch (e) {
          await nc.close().catch(() => undefined);
          throw e;
        }
        return new NatsSink(nc, jetstream(nc), o);
      } catch (e) {
        if (Date.now() + delay > until) throw e;
        await sleep(delay);
        delay = Math.min(delay * 2, 5_000);
      }
    }
  }

  /** Queues one event for publishing. Call `drain` at the end of the batch for backpressure. */
  publish(e: AppliedEvent): void {
    if (this.stats.pending >= this.maxPending && !this.stats.connected) {
      this.stats.shed++;
      this.noteGap(e.tsMs, "shed");
      return;
    }
    const subject = `${this.o.subjectPrefix}.${subjectToken(e.market)}`;
    const body = enc.encode(
      JSON.stringify({
        tsMs: e.tsMs,
        conn: e.conn,
        seq: e.seq,
        index: e.index,
        instance: this.o.instance,
        assetId: e.assetId,
        event: e.event,
      }),
    );
    const msgID = `${this.o.instance}:${e.conn}:${e.seq}:${e.index}`;
    this.stats.published++;
    this.track(
      this.publishWithRetry(subject, body, msgID).then((ok) => {
        if (ok) {
          this.stats.acked++;
          this.maybePublishGap();
        } else {
          this.stats.failed++;
          this.noteGap(e.tsMs, "failed");
        }
      }),
    );
  }

  /**
   * Backpressure point, awaited at the end of each batch: resolves once the outbox is below its
   * bound — or at once while NATS is unreachable (then `publish` sheds instead of blocking the
   * recording).
   */
  async drain(): Promise<void> {
    while (this.stats.pending >= this.maxPending && this.stats.connected && !this.closed) {
      await new Promise<void>((r) => this.roomWaiters.push(r));
    }
  }

  /** Resolves when every queued publish has been acknowledged or given up (bounded by the retry budget). */
  async flush(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
  }

  async close(): Promise<void> {
    await this.flush();
    if (this.gap !== undefined && this.stats.connected) await this.publishGap();
    this.closed = true;
    this.wakeWaiters();
    await this.nc.drain().catch(() => undefined);
  }

  private track(p: Promise<void>): void {
    this.stats.pending++;
    const done = p.finally(() => {
      this.inFlight.delete(done);
      this.stats.pending--;
      if (this.stats.pending < this.maxPending) this.wakeWaiters();
    });
    this.inFlight.add(done);
  }

  private wakeWaiters(): void {
    if (this.roomWaiters.length === 0) return;
    const w = this.roomWaiters;
    this.roomWaiters = [];
    for (const r of w) r();
  }

  /** true when acknowledged (a duplicate ack counts: the stream has the message), false when given up. */
  private async publishWithRetry(subject: string, body: Uint8Array, msgID: string): Promise<boolean> {
    const giveUpAt = Date.now() + this.retryBudgetMs;
    let delay = 100;
    for (let attempt = 0; ; attempt++) {
      if (attempt > 0) this.stats.retried++;
      try {
        await this.js.publish(subject, body, { msgID, timeout: this.ackTimeoutMs });
        return true;
      } catch (err) {
        this.stats.lastError = err instanceof Error ? err.message : String(err);
        if (this.nc.isClosed() || Date.now() + delay > giveUpAt) return false;
        await sleep(delay);
        delay = Math.min(delay * 2, 2_000);
      }
    }
  }

  private noteGap(tsMs: number, why: "shed" | "failed"): void {
    const g = this.gap;
    if (g === undefined) this.gap = { fromTsMs: tsMs, toTsMs: tsMs, events: 1, shed: why === "shed", failed: why === "failed" };
    else {
      g.fromTsMs = Math.min(g.fromTsMs, tsMs);
      g.toTsMs = Math.max(g.toTsMs, tsMs);
      g.events++;
      if (why === "shed") g.shed = true;
      else g.failed = true;
    }
  }

  private maybePublishGap(): void {
    if (this.gap === undefined || this.gapPublishing || !this.stats.connected) return;
    this.track(this.publishGap());
  }

  private async publishGap(): Promise<void> {
    const g = this.gap;
    if (g === undefined || this.gapPublishing) return;
    this.gapPublishing = true;
    this.gap = undefined;
    const notice: NatsGapNotice = {
      kind: "gap",
      instance: this.o.instance,
      fromTsMs: g.fromTsMs,
      toTsMs: g.toTsMs,
      events: g.events,
      reason: g.shed && g.failed ? "both" : g.shed ? "shed" : "retries_exhausted",
    };
    const msgID = `${this.o.instance}:gap:${g.fromTsMs}:${g.toTsMs}:${g.events}`;
    try {
      if (await this.publishWithRetry(`${this.o.subjectPrefix}._gaps`, enc.encode(JSON.stringify(notice)), msgID)) this.stats.gapNotices++;
      else this.noteGapSpan(g);
    } finally {
      this.gapPublishing = false;
    }
  }

  /** Puts an unpublished gap notice's span back, merged with anything noted since. */
  private noteGapSpan(g: { fromTsMs: number; toTsMs: number; events: number; shed: boolean; failed: boolean }): void {
    const cur = this.gap;
    if (cur === undefined) this.gap = { ...g };
    else {
      cur.fromTsMs = Math.min(cur.fromTsMs, g.fromTsMs);
      cur.toTsMs = Math.max(cur.toTsMs, g.toTsMs);
      cur.events += g.events;
      cur.shed ||= g.shed;
      cur.failed ||= g.failed;
    }
  }

  private async watchStatus(): Promise<void> {
    for await (const s of this.nc.status()) {
      if (s.type === "disconnect" || s.type === "reconnecting") {
        if (this.stats.connected) {
          this.stats.connected = false;
          this.wakeWaiters();
        }
      } else if (s.type === "reconnect") {
        this.stats.connected = true;
      } else if (s.type === "close") {
        this.stats.connected = false;
        this.wakeWaiters();
        return;
      }
    }
  }
}

async function ensureStream(nc: NatsConnection, o: NatsSinkOptions): Promise<void> {
  const jsm = await jetstreamManager(nc);
  try {
    await jsm.streams.info(o.stream);
  } catch {
    try {
      await jsm.streams.add({ name: o.stream, subjects: [`${o.subjectPrefix}.>`], duplicate_window: 120_000_000_000 });
    } catch (e) {
      // another instance created it concurrently
      await jsm.streams.info(o.stream).catch(() => {
        throw e;
      });
    }
  }
}

/** NATS subject tokens may not contain `.`, `*`, `>` or whitespace. */
export function subjectToken(s: string): string {
  return s.replace(/[.*>\s]/g, "_") || "_";
}
