/**
 * orderbook-recorder benches (PERFORMANCE.md G9–G11).
 *
 * - G9 receive cost: receive-thread busy time per message (event-loop utilization of this thread ×
 *   wall time; the server runs in a worker thread) for `ws` receive + the recorder's per-frame path
 *   (sequence, raw append into the segment block, copy into the worker batch) vs a bare `ws` no-op
 *   receive, same server, same frames, same run. Cross-check: the segments are read back and every
 *   connection's frames carry server sequence numbers 1..N exactly once.
 * - G10 headroom: messages/s decoded and applied to books on 2 book workers (vs 20k/s firehose
 *   estimate), and a 20,000-snapshot resubscribe storm absorbed with a bounded queue.
 * - G11 write format: frames/s appended through `SegmentWriter` (compression on its worker) vs a
 *   JSON-lines envelope written synchronously, same frames; both read back and counted.
 */
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { Worker } from "node:worker_threads";
import { defineBenches } from "@mm/bench";
import WebSocket from "ws";
import { RECORD_HEAD, RecordBuffer, RecordType, readFrames, SegmentWriter } from "../src/index.js";
import { BookWorkers } from "../src/workers/book-workers.js";

const SERVER = new URL("./replay-server.mjs", import.meta.url);

interface Server {
  readonly port: number;
  readonly worker: Worker;
  go(): void;
  reset(): Promise<void>;
  close(): Promise<void>;
}

async function startServer(perConn: number): Promise<Server> {
  const worker = new Worker(SERVER, { workerData: { perConn } });
  const port = await new Promise<number>((resolve, reject) => {
    worker.once("error", reject);
    worker.on("message", (m: { type: string; port?: number }) => {
      if (m.type === "listening") resolve(m.port as number);
    });
  });
  const once = (type: string) =>
    new Promise<void>((r) => {
      const h = (m: { type: string }) => {
        if (m.type === type) {
          worker.off("message", h);
          r();
        }
      };
      worker.on("message", h);
    });
  return {
    port,
    worker,
    go: () => worker.postMessage({ type: "go" }),
    reset: async () => {
      const p = once("reset");
      worker.postMessage({ type: "reset" });
      await p;
    },
    close: async () => {
      const p = once("closed");
      worker.postMessage({ type: "close" });
      await p;
      await worker.terminate();
    },
  };
}

/** Connects `conns` clients, runs the server, returns busy µs/msg of this thread. */
async function receiveRun(
  server: Server,
  conns: number,
  perConn: number,
  onFrame: (conn: number, data: Buffer, ts: number) => void,
): Promise<{ usPerMsg: number; msgs: number; wallMs: number }> {
  const sockets: WebSocket[] = [];
  let received = 0;
  const total = conns * perConn;
  let done: () => void = () => {};
  const finished = new Promise<void>((r) => {
    done = r;
  });
  await Promise.all(
    Array.from({ length: conns }, (_, i) => {
      const ws = new WebSocket(`ws://127.0.0.1:${server.port}`, { perMessageDeflate: false });
      sockets.push(ws);
      const conn = i + 1;
      ws.on("message", (data: Buffer) => {
        onFrame(conn, data, Date.now());
        if (++received === total) done();
      });
      return new Promise<void>((r, j) => {
        ws.once("open", () => r());
        ws.once("error", j);
      });
    }),
  );
  const elu0 = performance.eventLoopUtilization();
  const t0 = performance.now();
  server.go();
  await finished;
  const wallMs = performance.now() - t0;
  const elu = performance.eventLoopUtilization(elu0);
  for (const ws of sockets) ws.terminate();
  await server.reset();
  return { usPerMsg: (elu.active * 1000) / received, msgs: received, wallMs };
}

function tmp(): { dir: string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), "rec-bench-"));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Per connection, the server's sequence numbers (in `hash`) must be exactly 1..n. */
function checkSequences(byConn: Map<number, number[]>, conns: number, perConn: number): void {
  if (byConn.size !== conns) throw new Error(`expected ${conns} connections, saw ${byConn.size}`);
  for (const [conn, seqs] of byConn) {
    if (seqs.length !== perConn) throw new Error(`conn ${conn}: ${seqs.length} frames, expected ${perConn}`);
    for (let i = 0; i < seqs.length; i++) if (seqs[i] !== i + 1) throw new Error(`conn ${conn}: frame ${i} has server seq ${seqs[i]}`);
  }
}

const HASH = /"hash":"(\d+)"/;

function priceChange(asset: string, i: number): string {
  return `{"market":"0xm","price_changes":[{"asset_id":"${asset}","price":"0.${(i % 98) + 1}","size":"${(i % 1000) + 1}","side":"${i % 2 === 0 ? "BUY" : "SELL"}","hash":"h","best_bid":"0","best_ask":"1"}],"timestamp":"${1_700_000_000_000 + i}","event_type":"price_change"}`;
}

function snapshot(asset: string, i: number): string {
  const bids = Array.from({ length: 20 }, (_, k) => `{"price":"0.${String(k + 1).padStart(2, "0")}","size":"${(i % 50) + k + 1}"}`).join(
    ",",
  );
  const asks = Array.from({ length: 20 }, (_, k) => `{"price":"0.${String(99 - k).padStart(2, "0")}","size":"${(i % 40) + k + 1}"}`).join(
    ",",
  );
  return `{"event_type":"book","market":"0xm","asset_id":"${asset}","timestamp":"${1_700_000_000_000 + i}","hash":"h","bids":[${bids}],"asks":[${asks}]}`;
}

export default defineBenches([
  {
    name: "recorder/G9 receive cost vs bare ws (µs/msg)",
    unit: "µs/msg",
    better: "lower",
    target: { minRatio: 1 / 1.5 },
    async measure(ctx) {
      const conns = ctx.n(40, 4);
      const perConn = ctx.n(5_000, 50);
      const server = await startServer(perConn);
      const t = tmp();
      try {
        // warm-up both paths once (JIT), then measure
        let sink = 0;
        await receiveRun(server, conns, Math.min(perConn, 200), (_c, d) => {
          sink += d.length;
        });
        const bare = await receiveRun(server, conns, perConn, (_c, d) => {
          sink += d.length;
        });
        const writer = new SegmentWriter({ dir: t.dir, codec: "gzip", level: 1, flushIntervalMs: 0 });
        const batch = new RecordBuffer(512 * 1024);
        const seqs = new Uint32Array(conns + 1); // the recorder keeps the sequence in a connection field
        let transferred = 0;
        const cand = await receiveRun(server, conns, perConn, (conn, data, ts) => {
          const seq = ++seqs[conn]!;
          const at = writer.appendFrame(conn, seq, ts, data);
          batch.appendRaw(writer.block.raw, at, at + RECORD_HEAD + data.length, ts);
          if (batch.length >= 256 * 1024) transferred += batch.take().bytes.byteLength;
        });
        await writer.close();
        const byConn = new Map<number, number[]>();
        for await (const f of readFrames(t.dir)) {
          const m = HASH.exec(f.data.toString());
          let l = byConn.get(f.conn);
          if (l === undefined) {
            l = [];
            byConn.set(f.conn, l);
          }
          l.push(Number(m?.[1]));
        }
        checkSequences(byConn, conns, perConn);
        return {
          value: cand.usPerMsg,
          baseline: bare.usPerMsg,
          details: {
            msgs: cand.msgs,
            conns,
            candidateWallMs: Math.round(cand.wallMs),
            bareWallMs: Math.round(bare.wallMs),
            lost: 0,
            duplicated: 0,
            batchBytes: transferred,
            sink: sink > 0,
          },
        };
      } finally {
        await server.close();
        t.cleanup();
      }
    },
  },
  {
    name: "recorder/G10 decode + book apply on 2 workers (msg/s)",
    unit: "msg/s",
    better: "higher",
    target: { minValue: 200_000 },
    async measure(ctx) {
      const n = ctx.n(400_000, 400);
      const assets = Array.from({ length: ctx.n(2000, 50) }, (_, i) => `${i}${"5".repeat(70)}`);
      const enc = new RecordBuffer(64 * 1024 * 1024);
      const conns = [1, 2];
      const subs: Array<[number, string[]]> = conns.map((c) => [c, [] as string[]]);
      const workers = new BookWorkers({ workers: 2, maxQueueBytes: 16 * 1024 * 1024 });
      try {
        for (const a of assets) subs[workers.shardOf(a)]![1].push(a);
        const frames: Array<[number, number, number]> = []; // shard, start, end
        for (const [conn, list] of subs) {
          const at = enc.append(RecordType.subscribe, conn, 0, 1, JSON.stringify({ assets: list }));
          frames.push([conn - 1, at, enc.length]);
          for (const [k, a] of list.entries()) {
            const s = enc.append(RecordType.frame, conn, k + 1, 2, snapshot(a, k));
            frames.push([conn - 1, s, enc.length]);
          }
        }
        const pre = frames.length;
        for (let i = 0; i < n; i++) {
          const a = assets[i % assets.length] as string;
          const shard = workers.shardOf(a);
          const s = enc.append(RecordType.frame, shard + 1, 0, 3, priceChange(a, i));
          frames.push([shard, s, enc.length]);
        }
        const buf = enc.raw;
        for (let i = 0; i < pre; i++) {
          const [shard, s, e] = frames[i]!;
          workers.push(shard, buf, s, e, 2);
        }
        await workers.drain();
        const t0 = performance.now();
        for (let i = pre; i < frames.length; i++) {
          const [shard, s, e] = frames[i]!;
          workers.push(shard, buf, s, e, 3);
          if ((i & 4095) === 0) await new Promise((r) => setImmediate(r));
        }
        await workers.drain();
        const sec = (performance.now() - t0) / 1000;
        const st = await workers.stats();
        const applied = st.reduce((s, w) => s + w.replayer.levelChanges, 0);
        const rejected = st.reduce((s, w) => s + w.replayer.rejected, 0);
        if (applied !== n) throw new Error(`applied ${applied} of ${n} changes (rejected ${rejected})`);
        const q = workers.queueStats();
        return {
          value: n / sec,
          details: {
            msgs: n,
            books: st.reduce((s, w) => s + w.books, 0),
            maxQueueBytes: Math.max(...q.map((x) => x.maxQueuedBytes)),
            firehoseEstimate: 20_000,
          },
        };
      } finally {
        await workers.close();
      }
    },
  },
  {
    name: "recorder/G10 20k-snapshot resubscribe storm (s)",
    unit: "s",
    better: "lower",
    target: { maxValue: 5 },
    async measure(ctx) {
      const n = ctx.n(20_000, 40);
      const maxQueue = 8 * 1024 * 1024;
      let pressure = 0;
      const workers = new BookWorkers({ workers: 2, maxQueueBytes: maxQueue, onPressure: (_s, p) => (p ? pressure++ : undefined) });
      try {
        const enc = new RecordBuffer(4 * 1024 * 1024);
        const assets = Array.from({ length: n }, (_, i) => `${i}${"3".repeat(70)}`);
        for (const shard of [0, 1]) {
          const mine = assets.filter((a) => workers.shardOf(a) === shard);
          const at = enc.append(RecordType.subscribe, shard + 1, 0, 1, JSON.stringify({ assets: mine }));
          workers.push(shard, enc.raw, at, enc.length, 1);
        }
        await workers.drain();
        const t0 = performance.now();
        for (const [i, a] of assets.entries()) {
          const shard = workers.shardOf(a);
          if (enc.length > 2 * 1024 * 1024) enc.take();
          const at = enc.append(RecordType.frame, shard + 1, i + 1, 2, snapshot(a, i));
          workers.push(shard, enc.raw, at, enc.length, 2);
          // a paused socket delivers nothing: wait while the shard is over its bound
          while (workers.queueStats()[shard]!.underPressure) await new Promise((r) => setTimeout(r, 1));
          if ((i & 1023) === 0) await new Promise((r) => setImmediate(r));
        }
        await workers.drain();
        const sec = (performance.now() - t0) / 1000;
        const st = await workers.stats();
        const snaps = st.reduce((s, w) => s + w.replayer.snapshots, 0);
        if (snaps !== n) throw new Error(`applied ${snaps} of ${n} snapshots`);
        const maxQ = Math.max(...workers.queueStats().map((q) => q.maxQueuedBytes));
        if (maxQ > maxQueue + 512 * 1024) throw new Error(`queue grew to ${maxQ} > bound ${maxQueue}`);
        return { value: sec, details: { snapshots: n, maxQueueBytes: maxQ, queueBound: maxQueue, pressureEpisodes: pressure, dropped: 0 } };
      } finally {
        await workers.close();
      }
    },
  },
  {
    name: "recorder/G11 segment append vs JSON-lines (frames/s)",
    unit: "frames/s",
    better: "higher",
    target: { minRatio: 2 },
    async measure(ctx) {
      const n = ctx.n(300_000, 300);
      const frames = Array.from({ length: 1000 }, (_, i) => Buffer.from(priceChange(`${i}${"9".repeat(70)}`, i)));
      const t = tmp();
      try {
        // JSON-lines envelope baseline: one line per frame, written in 1 MiB chunks
        const jsonl = join(t.dir, "baseline.jsonl");
        const fd = openSync(jsonl, "w");
        let t0 = performance.now();
        let chunk: string[] = [];
        let chunkLen = 0;
        for (let i = 0; i < n; i++) {
          const f = frames[i % frames.length] as Buffer;
          const line = `${JSON.stringify({ ts: 1_700_000_000_000 + i, conn: 1, seq: i + 1, frame: f.toString() })}\n`;
          chunk.push(line);
          chunkLen += line.length;
          if (chunkLen > 1 << 20) {
            writeSync(fd, chunk.join(""));
            chunk = [];
            chunkLen = 0;
          }
        }
        writeSync(fd, chunk.join(""));
        closeSync(fd);
        const baseSec = (performance.now() - t0) / 1000;
        const lines = readFileSync(jsonl, "utf8").split("\n").length - 1;
        if (lines !== n) throw new Error(`jsonl has ${lines} lines, expected ${n}`);

        const w = new SegmentWriter({ dir: join(t.dir, "seg"), codec: "gzip", level: 1, flushIntervalMs: 0 });
        t0 = performance.now();
        for (let i = 0; i < n; i++) w.appendFrame(1, i + 1, 1_700_000_000_000 + i, frames[i % frames.length] as Buffer);
        const appendSec = (performance.now() - t0) / 1000;
        await w.close();
        const totalSec = (performance.now() - t0) / 1000;
        let seq = 0;
        for await (const f of readFrames(join(t.dir, "seg"))) if (f.seq === seq + 1) seq++;
        if (seq !== n) throw new Error(`segments hold ${seq} in-order frames, expected ${n}`);
        return {
          value: n / appendSec,
          baseline: n / baseSec,
          details: {
            frames: n,
            receiveThreadOnly: true,
            closeIncludedFramesPerSec: Math.round(n / totalSec),
            compressedBytes: w.stats.sink?.fileBytes ?? 0,
            rawBytes: w.stats.rawBytes,
          },
        };
      } finally {
        t.cleanup();
      }
    },
  },
]);
