/**
 * HTTP endpoints: `/health` (per-component details; 503 when not ok), `/stats` (JSON of registry,
 * pool, workers, queues, lifecycle, recycler, writer) and `/metrics` (Prometheus text via
 * prom-client; every gauge is read from the live stats at scrape time).
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Gauge, Registry } from "prom-client";
import type { Recorder, RecorderStats } from "./recorder.js";

export function recorderMetrics(rec: Recorder): Registry {
  const registry = new Registry();
  // prom-client collects every metric concurrently: they share one stats read per scrape.
  let cached: { readonly at: number; readonly p: Promise<RecorderStats> } | undefined;
  const current = (): Promise<RecorderStats> => {
    const now = Date.now();
    if (cached === undefined || now - cached.at > 250) cached = { at: now, p: rec.stats() };
    return cached.p;
  };
  const g = (
    name: string,
    help: string,
    labelNames: string[],
    read: (s: RecorderStats, set: (v: number, labels?: Record<string, string | number>) => void) => void,
  ) =>
    new Gauge({
      name,
      help,
      labelNames,
      registers: [registry],
      async collect() {
        const snapshot = await current();
        this.reset();
        read(snapshot, (v, labels) => (labels === undefined ? this.set(v) : this.set(labels, v)));
      },
    });
  g("recorder_up", "1 while the recorder is running", [], (s, set) => set(s.state === "running" ? 1 : 0));
  g("recorder_messages_total", "Frames received (all connections)", [], (s, set) => set(s.recorder.frames));
  g("recorder_bytes_total", "Frame bytes received", [], (s, set) => set(s.recorder.bytes));
  g("recorder_gaps_total", "Gap markers written (continuity lost)", [], (s, set) => set(s.recorder.gaps));
  g("recorder_gap_assets_total", "Assets covered by gap markers", [], (s, set) => set(s.recorder.gapAssets));
  g("recorder_reconnects_total", "Socket reconnects", [], (s, set) => set(s.pool.reconnects));
  g("recorder_recycles_total", "Connections recycled with overlap", ["reason"], (s, set) => {
    set(s.pool.recyclesAged, { reason: "aged" });
    set(s.pool.recyclesSilent, { reason: "silent" });
    set(s.pool.recycles - s.pool.recyclesAged - s.pool.recyclesSilent, { reason: "other" });
  });
  g("recorder_handover_timeouts_total", "Recycles that timed out waiting for snapshots", [], (s, set) => set(s.pool.handoverTimeouts));
  g("recorder_connections", "Connections by state", ["state"], (s, set) => {
    set(s.pool.open, { state: "open" });
    set(s.pool.connections - s.pool.open, { state: "not_open" });
  });
  g("recorder_assets", "Assets by status", ["status"], (s, set) => {
    set(s.registry.pending, { status: "pending" });
    set(s.registry.subscribed, { status: "subscribed" });
    set(s.registry.expired, { status: "expired" });
  });
  g("recorder_books", "Books maintained per worker", ["worker"], (s, set) => {
    for (const w of s.workers) set(w.books, { worker: w.shard });
  });
  g("recorder_worker_lag_ms", "Receive-to-apply lag of the last batch", ["worker"], (s, set) => {
    for (const w of s.workers) set(w.lagMsLast, { worker: w.shard });
  });
  g("recorder_worker_rejected_total", "Events refused by the books", ["worker"], (s, set) => {
    for (const w of s.workers) set(w.replayer.rejected, { worker: w.shard });
  });
  g("recorder_decode_errors_total", "Events the decoder rejected", ["worker"], (s, set) => {
    for (const w of s.workers) set(w.replayer.decodeErrors, { worker: w.shard });
  });
  g("recorder_queue_bytes", "Bytes queued to a book worker (sent, not applied)", ["worker"], (s, set) => {
    for (const q of s.queues) set(q.queuedBytes, { worker: q.shard });
  });
  g("recorder_queue_max_bytes", "High-water mark of a worker queue", ["worker"], (s, set) => {
    for (const q of s.queues) set(q.maxQueuedBytes, { worker: q.shard });
  });
  g("recorder_backpressure_episodes_total", "Times a worker queue crossed its bound (sockets paused)", ["worker"], (s, set) => {
    for (const q of s.queues) set(q.pressureEpisodes, { worker: q.shard });
  });
  g("recorder_segment_bytes", "Bytes of the open segment file", [], (s, set) => set(s.writer.sink?.currentFileBytes ?? 0));
  g("recorder_segment_written_bytes_total", "Compressed bytes written to segment files", [], (s, set) =>
    set(s.writer.sink?.fileBytes ?? 0),
  );
  g("recorder_segment_raw_bytes_total", "Raw record bytes appended", [], (s, set) => set(s.writer.rawBytes));
  g("recorder_segments_total", "Segment files opened", [], (s, set) => set(s.writer.sink?.segments ?? 0));
  g("recorder_writer_pending_bytes", "Sealed blocks waiting for the compression worker", [], (s, set) => set(s.writer.pendingBytes));
  g(
    "recorder_nats_messages_total",
    "NATS JetStream publishes by outcome (failed and shed stay in the segments)",
    ["worker", "outcome"],
    (s, set) => {
      for (const w of s.workers) {
        if (w.nats === undefined) continue;
        set(w.nats.published, { worker: w.shard, outcome: "published" });
        set(w.nats.acked, { worker: w.shard, outcome: "acked" });
        set(w.nats.failed, { worker: w.shard, outcome: "failed" });
        set(w.nats.shed, { worker: w.shard, outcome: "shed" });
      }
    },
  );
  g("recorder_nats_retries_total", "NATS publish attempts repeated after a failure", ["worker"], (s, set) => {
    for (const w of s.workers) if (w.nats !== undefined) set(w.nats.retried, { worker: w.shard });
  });
  g("recorder_nats_pending", "NATS publishes in flight", ["worker"], (s, set) => {
    for (const w of s.workers) if (w.nats !== undefined) set(w.nats.pending, { worker: w.shard });
  });
  g("recorder_nats_connected", "1 while the worker's NATS connection is up", ["worker"], (s, set) => {
    for (const w of s.workers) if (w.nats !== undefined) set(w.nats.connected ? 1 : 0, { worker: w.shard });
  });
  g("recorder_process_resident_memory_bytes", "Resident set size of the recorder process", [], (s, set) => set(s.process.rssBytes));
  g("recorder_process_heap_used_bytes", "V8 heap used (main thread)", [], (s, set) => set(s.process.heapUsedBytes));
  g("recorder_discovery_passes_total", "Gamma discovery passes", ["result"], (s, set) => {
    set(s.lifecycle.passes, { result: "ok" });
    set(s.lifecycle.failures, { result: "failed" });
  });
  return registry;
}

export interface RecorderHttp {
  readonly server: Server;
  readonly url: string;
  close(): Promise<void>;
}

export async function startRecorderHttp(rec: Recorder, port: number, host = "127.0.0.1"): Promise<RecorderHttp> {
  const metrics = recorderMetrics(rec);
  const server = createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    const reply = (status: number, type: string, body: string) => {
      res.writeHead(status, { "content-type": type, "cache-control": "no-store" });
      res.end(body);
    };
    if (req.method !== "GET") return reply(405, "text/plain", "method not allowed\n");
    if (path === "/health") {
      const h = rec.health();
      return reply(h.ok ? 200 : 503, "application/json", JSON.stringify(h));
    }
    if (path === "/stats") {
      rec.stats().then(
        (s) => reply(200, "application/json", JSON.stringify(s)),
        (e: unknown) => reply(500, "text/plain", `${e instanceof Error ? e.message : String(e)}\n`),
      );
      return;
    }
    if (path === "/metrics") {
      metrics.metrics().then(
        (text) => reply(200, metrics.contentType, text),
        (e: unknown) => reply(500, "text/plain", `${e instanceof Error ? e.message : String(e)}\n`),
      );
      return;
    }
    reply(404, "text/plain", "not found\n");
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve());
  });
  const addr = server.address() as AddressInfo;
  return {
    server,
    url: `http://${host}:${addr.port}`,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
