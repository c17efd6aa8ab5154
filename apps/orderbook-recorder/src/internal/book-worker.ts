/**
 * Book worker: decodes the frames of its shard's connections and maintains their books with the
 * shared `BookReplayer`. Input: batches of records in the segment encoding (transferred), applied
 * in order. Output: an ack per batch (the main thread's queue accounting), checkpoint snapshots at
 * every mark, ownership handovers (for the recycler) and lifecycle events (new_market /
 * market_resolved) decoded from custom-feature frames.
 */
import { parentPort, workerData } from "node:worker_threads";
import { type AppliedEvent, BookReplayer } from "../books/replayer.js";
import { workerShardOf } from "../hash.js";
import { forEachRecord } from "../segment/format.js";
import { NatsSink, type NatsSinkOptions } from "./nats-sink.js";
import type { LifecycleEvent, WorkerIn, WorkerOut } from "./worker-protocol.js";

const port = parentPort;
if (port === null) throw new Error("book-worker must run in a worker thread");
const { shard, shards, nats } = workerData as { shard: number; shards: number; nats?: NatsSinkOptions };
const post = (m: WorkerOut, transfer?: ArrayBuffer[]): void => port.postMessage(m, transfer ?? []);

const owned = new Map<number, number>();
let sink: NatsSink | undefined;
let sinkError: string | undefined;
const replayer = new BookReplayer({
  accept: (a) => workerShardOf(a, shards) === shard,
  onMark: (id) => post({ type: "checkpoint", shard, id, books: replayer.snapshot() }),
  onOwner: (_asset, conn) => owned.set(conn, (owned.get(conn) ?? 0) + 1),
  onLifecycle: (e) => {
    if (e.kind === "market_resolved")
      lifecycle.push({ kind: "market_resolved", market: e.market, assetIds: e.assetIds, timestamp: e.timestamp });
    else
      lifecycle.push({
        kind: "new_market",
        market: e.market,
        assetIds: e.assetIds,
        slug: e.slug,
        tickSize: e.tickSize,
        timestamp: e.timestamp,
      });
  },
  ...(nats !== undefined ? { onApplied: (e: AppliedEvent) => sink?.publish(e) } : {}),
});
let batches = 0;
let bytes = 0;
let lagMsMax = 0;
let lagMsLast = 0;
let busyMicros = 0;
const lifecycle: LifecycleEvent[] = [];

function stats() {
  return {
    shard,
    batches,
    bytes,
    books: replayer.bookCount,
    lagMsLast,
    lagMsMax,
    busyMicros,
    replayer: { ...replayer.stats, rejectReasons: Object.fromEntries(replayer.stats.rejectReasons) },
    nats:
      sink !== undefined
        ? { ...sink.stats }
        : nats !== undefined
          ? { ...DISCONNECTED_SINK, lastError: sinkError ?? "not connected" }
          : undefined,
    decoder: {
      frames: replayer.decoderStats.frames,
      events: replayer.decoderStats.events,
      rejectedEvents: replayer.decoderStats.rejectedEvents,
      unknownEvents: replayer.decoderStats.unknownEvents,
    },
  };
}

// Messages are handled strictly one after another (a batch's NATS publishes are acknowledged
// before its ack goes back, so a slow NATS backs up into the bounded queue).
const DISCONNECTED_SINK = {
  published: 0,
  acked: 0,
  retried: 0,
  failed: 0,
  shed: 0,
  gapNotices: 0,
  pending: 0,
  connected: false,
  lastError: undefined,
};
let chain: Promise<void> =
  nats === undefined
    ? Promise.resolve()
    : NatsSink.open(nats).then(
        (s) => {
          sink = s;
        },
        (e: unknown) => {
          sinkError = e instanceof Error ? e.message : String(e);
        },
      );
port.on("message", (m: WorkerIn) => {
  chain = chain.then(() => handle(m));
});

async function handle(m: WorkerIn): Promise<void> {
  switch (m.type) {
    case "batch": {
      const t0 = performance.now();
      const buf = Buffer.from(m.bytes.buffer, m.bytes.byteOffset, m.bytes.byteLength);
      let lastTs = 0;
      forEachRecord(buf, (r) => {
        replayer.apply(r);
        lastTs = r.tsMs;
      });
      batches++;
      bytes += buf.length;
      if (lastTs > 0) {
        lagMsLast = Date.now() - lastTs;
        if (lagMsLast > lagMsMax) lagMsMax = lagMsLast;
      }
      busyMicros += Math.round((performance.now() - t0) * 1000);
      const handovers = owned.size > 0 ? [...owned] : undefined;
      owned.clear();
      const events = lifecycle.length > 0 ? lifecycle.splice(0) : undefined;
      if (sink !== undefined) await sink.drain();
      post({ type: "ack", shard, id: m.id, bytes: buf.length, handovers, lifecycle: events });
      return;
    }
    case "stats":
      post({ type: "stats", shard, id: m.id, stats: stats() });
      return;
    case "books":
      post({ type: "books", shard, id: m.id, books: replayer.snapshot() });
      return;
    case "flush":
      // Shutdown: every queued publish acknowledged or given up, the last gap notice sent.
      if (sink !== undefined) await sink.close();
      sink = undefined;
      post({ type: "flushed", shard, id: m.id });
      return;
  }
}
