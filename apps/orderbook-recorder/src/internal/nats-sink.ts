/**
 * NATS JetStream sink (runs inside each book worker): publishes every event the worker's books
 * applied (owner connection only, a price_change split per asset) to `<prefix>.<market>`, so
 * consumers elsewhere subscribe by market. Each message carries a `Nats-Msg-Id` unique per
 * instance/connection/frame/event, so a retried publish is de-duplicated by the stream. Batches are
 * acknowledged to the main thread only after JetStream acknowledged their messages: a slow NATS
 * backs up into the recorder's bounded worker queues (socket pause), never into memory or loss.
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
}

export interface NatsSinkStats {
  published: number;
  acked: number;
  failed: number;
  lastError: string | undefined;
}

const enc = new TextEncoder();

export class NatsSink {
  readonly stats: NatsSinkStats = { published: 0, acked: 0, failed: 0, lastError: undefined };
  private pending: Promise<unknown>[] = [];

  private constructor(
    private readonly nc: NatsConnection,
    private readonly js: JetStreamClient,
    private readonly o: NatsSinkOptions,
  ) {}

  static async open(o: NatsSinkOptions): Promise<NatsSink> {
    const nc = await connect({ servers: o.servers, name: `orderbook-recorder-${o.instance}`, maxReconnectAttempts: -1 });
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
    return new NatsSink(nc, jetstream(nc), o);
  }

  /** Queues one event for publishing (call `flush` at the end of the batch). */
  publish(e: AppliedEvent): void {
    const subject = `${this.o.subjectPrefix}.${subjectToken(e.market)}`;
    const body = JSON.stringify({
      tsMs: e.tsMs,
      conn: e.conn,
      seq: e.seq,
      index: e.index,
      instance: this.o.instance,
      assetId: e.assetId,
      event: e.event,
    });
    const msgID = `${this.o.instance}:${e.conn}:${e.seq}:${e.index}`;
    this.stats.published++;
    this.pending.push(
      this.js.publish(subject, enc.encode(body), { msgID }).then(
        () => {
          this.stats.acked++;
        },
        (err: unknown) => {
          this.stats.failed++;
          this.stats.lastError = err instanceof Error ? err.message : String(err);
        },
      ),
    );
  }

  /** Resolves when every queued publish has been acknowledged (or failed, counted). */
  async flush(): Promise<void> {
    if (this.pending.length === 0) return;
    const p = this.pending;
    this.pending = [];
    await Promise.all(p);
  }

  async close(): Promise<void> {
    await this.flush();
    await this.nc.drain();
  }
}

/** NATS subject tokens may not contain `.`, `*`, `>` or whitespace. */
export function subjectToken(s: string): string {
  return s.replace(/[.*>\s]/g, "_") || "_";
}
