/**
 * The `mm-recorder` CLI: `record` (default), `replay`, `inspect`. `runCli` is the testable entry;
 * `main.ts` wires it to the process (signals, exit code).
 */
import { parseArgs } from "node:util";
import { HOSTS } from "@mm/protocol";
import pino from "pino";
import { z } from "zod";
import { parseShard } from "./hash.js";
import { startRecorderHttp } from "./http.js";
import { Recorder } from "./recorder.js";
import { replay } from "./replay.js";
import { Codec } from "./segment/format.js";
import { listSegments } from "./segment/reader.js";

export interface CliIo {
  out(line: string): void;
  err(line: string): void;
  /** Resolves when the process is asked to stop (SIGTERM/SIGINT). */
  readonly stopSignal: Promise<string>;
}

const USAGE = `usage: mm-recorder [record] --data-dir DIR [options]
       mm-recorder replay  --data-dir DIR [--prefix P] [--from T] [--to T] [--json]
       mm-recorder inspect --data-dir DIR [--prefix P] [--assets] [--gaps] [--json]

record options:
  --ws-url URL                market channel (default ${HOSTS.marketWs})
  --gamma-url URL             Gamma API (default ${HOSTS.gamma})
  --shard k/N                 record only assets with consistent hash k of N (k 0-based)
  --workers N                 book worker threads (default 2)
  --max-assets-per-conn N     assets per WebSocket (default 400)
  --stagger-ms MS             delay between connection starts (default 100)
  --discovery-interval-s S    Gamma discovery period (default 60)
  --no-new-markets            do not use new_market / market_resolved events
  --slug SLUG                 only this market slug (repeatable)
  --tag-id ID                 only markets with this Gamma tag id (repeatable)
  --min-liquidity USDC        only new markets with Gamma liquidity >= USDC (unknown liquidity: skipped)
  --cleanup-delay-s S         drop closed markets' books after S (default 600)
  --codec gzip|brotli|none    segment block compression (default gzip)
  --level N                   gzip level / brotli quality (default 6 / 3)
  --segment-max-mb MB         rotate at this file size (default 256)
  --segment-max-min MIN       rotate at this age (default 60)
  --checkpoint-interval-s S   book checkpoints (default 300)
  --recycle-max-age-min MIN   replace connections older than this (default 360, 0 = never)
  --recycle-silent-s S        replace connections silent this long (default 30, 0 = never)
  --nats-url URL              publish normalized events to NATS JetStream (subject <prefix>.<market>)
  --nats-stream NAME          JetStream stream (created if missing; default PM_BOOKS)
  --nats-subject-prefix P     subject prefix (default pm.book)
  --http-port PORT            /health /stats /metrics (default 9464, 0 = random)
  --http-host HOST            (default 127.0.0.1)
  --log-level LEVEL           pino level (default info)
times (--from/--to): epoch ms or ISO-8601`;

const RecordConfig = z.object({
  dataDir: z.string().min(1),
  wsUrl: z.string().url(),
  gammaUrl: z.string().url(),
  shard: z.string().optional(),
  workers: z.coerce.number().int().min(1).max(64),
  maxAssetsPerConn: z.coerce.number().int().min(1).max(10_000),
  staggerMs: z.coerce.number().int().min(0).max(60_000),
  discoveryIntervalS: z.coerce.number().min(1),
  newMarkets: z.boolean(),
  slugs: z.array(z.string().min(1)),
  tagIds: z.array(z.coerce.number().int()),
  // A plain decimal (no "", "1e3", "-1": z.coerce would turn "" into 0).
  minLiquidity: z
    .string()
    .regex(/^\d+(\.\d+)?$/, "expected a non-negative decimal amount of USDC")
    .transform(Number)
    .optional(),
  cleanupDelayS: z.coerce.number().min(0),
  codec: z.enum(["gzip", "brotli", "none"]),
  level: z.coerce.number().int().min(0).max(11).optional(),
  segmentMaxMb: z.coerce.number().min(1),
  segmentMaxMin: z.coerce.number().min(0.02),
  checkpointIntervalS: z.coerce.number().min(0),
  recycleMaxAgeMin: z.coerce.number().min(0),
  recycleSilentS: z.coerce.number().min(0),
  httpPort: z.coerce.number().int().min(0).max(65535),
  httpHost: z.string(),
  natsUrl: z.string().min(1).optional(),
  natsStream: z.string().regex(/^[A-Za-z0-9_-]+$/),
  natsSubjectPrefix: z.string().regex(/^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/),
  logLevel: z.enum(["trace", "debug", "info", "warn", "error", "fatal", "silent"]),
});

function parseTime(s: string | undefined): number | undefined {
  if (s === undefined) return undefined;
  if (/^\d+$/.test(s)) return Number(s);
  const t = Date.parse(s);
  if (!Number.isFinite(t)) throw new Error(`invalid time ${JSON.stringify(s)}`);
  return t;
}

export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const first = argv[0];
  const command = first === undefined || first.startsWith("-") ? "record" : first;
  const rest = command === first ? argv.slice(1) : argv;
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: [...rest],
      strict: true,
      allowPositionals: false,
      options: {
        "data-dir": { type: "string" },
        "ws-url": { type: "string" },
        "gamma-url": { type: "string" },
        shard: { type: "string" },
        workers: { type: "string" },
        "max-assets-per-conn": { type: "string" },
        "stagger-ms": { type: "string" },
        "discovery-interval-s": { type: "string" },
        "no-new-markets": { type: "boolean" },
        slug: { type: "string", multiple: true },
        "tag-id": { type: "string", multiple: true },
        "min-liquidity": { type: "string" },
        "cleanup-delay-s": { type: "string" },
        codec: { type: "string" },
        level: { type: "string" },
        "segment-max-mb": { type: "string" },
        "segment-max-min": { type: "string" },
        "checkpoint-interval-s": { type: "string" },
        "recycle-max-age-min": { type: "string" },
        "recycle-silent-s": { type: "string" },
        "http-port": { type: "string" },
        "http-host": { type: "string" },
        "nats-url": { type: "string" },
        "nats-stream": { type: "string" },
        "nats-subject-prefix": { type: "string" },
        "log-level": { type: "string" },
        prefix: { type: "string" },
        from: { type: "string" },
        to: { type: "string" },
        json: { type: "boolean" },
        assets: { type: "boolean" },
        gaps: { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (e) {
    io.err(`${e instanceof Error ? e.message : String(e)}\n${USAGE}`);
    return 2;
  }
  const v = parsed.values as Record<string, string | boolean | string[] | undefined>;
  if (v.help === true) {
    io.out(USAGE);
    return 0;
  }
  const dataDir = v["data-dir"] as string | undefined;
  if (dataDir === undefined) {
    io.err(`--data-dir is required\n${USAGE}`);
    return 2;
  }
  try {
    switch (command) {
      case "record":
        return await record(v, io);
      case "replay":
        return await replayCommand(dataDir, v, io);
      case "inspect":
        return await inspect(dataDir, v, io);
      default:
        io.err(`unknown command ${JSON.stringify(command)}\n${USAGE}`);
        return 2;
    }
  } catch (e) {
    io.err(`error: ${e instanceof Error ? e.message : String(e)}`);
    return 1;
  }
}

async function record(v: Record<string, string | boolean | string[] | undefined>, io: CliIo): Promise<number> {
  const c = RecordConfig.safeParse({
    dataDir: v["data-dir"],
    wsUrl: v["ws-url"] ?? HOSTS.marketWs,
    gammaUrl: v["gamma-url"] ?? HOSTS.gamma,
    shard: v.shard,
    workers: v.workers ?? 2,
    maxAssetsPerConn: v["max-assets-per-conn"] ?? 400,
    staggerMs: v["stagger-ms"] ?? 100,
    discoveryIntervalS: v["discovery-interval-s"] ?? 60,
    newMarkets: v["no-new-markets"] !== true,
    slugs: v.slug ?? [],
    tagIds: v["tag-id"] ?? [],
    minLiquidity: v["min-liquidity"],
    cleanupDelayS: v["cleanup-delay-s"] ?? 600,
    codec: v.codec ?? "gzip",
    level: v.level,
    segmentMaxMb: v["segment-max-mb"] ?? 256,
    segmentMaxMin: v["segment-max-min"] ?? 60,
    checkpointIntervalS: v["checkpoint-interval-s"] ?? 300,
    recycleMaxAgeMin: v["recycle-max-age-min"] ?? 360,
    recycleSilentS: v["recycle-silent-s"] ?? 30,
    httpPort: v["http-port"] ?? 9464,
    httpHost: v["http-host"] ?? "127.0.0.1",
    natsUrl: v["nats-url"],
    natsStream: v["nats-stream"] ?? "PM_BOOKS",
    natsSubjectPrefix: v["nats-subject-prefix"] ?? "pm.book",
    logLevel: v["log-level"] ?? "info",
  });
  if (!c.success) {
    io.err(`invalid options: ${c.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
    return 2;
  }
  const cfg = c.data;
  let shard: { index: number; count: number } | undefined;
  if (cfg.shard !== undefined) {
    const s = parseShard(cfg.shard);
    if ("error" in s) {
      io.err(s.error);
      return 2;
    }
    shard = s;
  }
  const log = pino(
    { level: cfg.logLevel, base: { app: "orderbook-recorder", ...(shard ? { shard: `${shard.index}/${shard.count}` } : {}) } },
    pino.destination(2),
  );
  const rec = new Recorder({
    wsUrl: cfg.wsUrl,
    gammaUrl: cfg.gammaUrl,
    dataDir: cfg.dataDir,
    ...(shard !== undefined ? { shard } : {}),
    workers: cfg.workers,
    maxAssetsPerConnection: cfg.maxAssetsPerConn,
    staggerMs: cfg.staggerMs,
    discoveryIntervalMs: cfg.discoveryIntervalS * 1000,
    newMarketEvents: cfg.newMarkets,
    filter: { slugs: cfg.slugs, tagIds: cfg.tagIds, ...(cfg.minLiquidity !== undefined ? { minLiquidity: cfg.minLiquidity } : {}) },
    cleanupDelayMs: cfg.cleanupDelayS * 1000,
    checkpointIntervalMs: cfg.checkpointIntervalS * 1000,
    recycle: { maxAgeMs: cfg.recycleMaxAgeMin * 60_000, silentMs: cfg.recycleSilentS * 1000 },
    segment: {
      codec: cfg.codec,
      ...(cfg.level !== undefined ? { level: cfg.level } : {}),
      maxSegmentBytes: cfg.segmentMaxMb * 1024 * 1024,
      maxSegmentMs: cfg.segmentMaxMin * 60_000,
    },
    logger: log,
    ...(cfg.natsUrl !== undefined ? { nats: { servers: cfg.natsUrl, stream: cfg.natsStream, subjectPrefix: cfg.natsSubjectPrefix } } : {}),
  });
  const http = await startRecorderHttp(rec, cfg.httpPort, cfg.httpHost);
  log.info({ http: http.url, dataDir: cfg.dataDir, codec: cfg.codec, workers: cfg.workers }, "recorder starting");
  io.out(JSON.stringify({ event: "listening", http: http.url }));
  const startP = rec.start();
  const signal = await Promise.race([io.stopSignal, startP.then(() => io.stopSignal)]);
  log.info({ signal }, "stopping: closing sockets, final checkpoint, fsync");
  await startP.catch(() => undefined);
  await rec.stop();
  await http.close();
  const s = rec.counters;
  const idx = rec.writer.closedSegments();
  io.out(
    JSON.stringify({
      event: "stopped",
      signal,
      frames: s.frames,
      gaps: s.gaps,
      segments: idx.length,
      lastSegment: idx[idx.length - 1]?.file,
    }),
  );
  log.info({ frames: s.frames, gaps: s.gaps }, "recorder stopped");
  await new Promise<void>((r) => log.flush(() => r()));
  return 0;
}

async function replayCommand(dir: string, v: Record<string, string | boolean | string[] | undefined>, io: CliIo): Promise<number> {
  const fromMs = parseTime(v.from as string | undefined);
  const toMs = parseTime(v.to as string | undefined);
  const t0 = performance.now();
  const r = await replay(dir, {
    verify: true,
    ...(v.prefix !== undefined ? { prefix: v.prefix as string } : {}),
    ...(fromMs !== undefined ? { fromMs } : {}),
    ...(toMs !== undefined ? { toMs } : {}),
  });
  const ms = performance.now() - t0;
  const summary = {
    segments: r.segments,
    startedFromCheckpoint: r.startedFromCheckpoint ?? null,
    records: r.stats.records,
    frames: r.stats.frames,
    events: r.stats.events,
    snapshots: r.stats.snapshots,
    levelChanges: r.stats.levelChanges,
    books: r.replayer.bookCount,
    gaps: r.stats.gaps,
    rejected: r.stats.rejected,
    decodeErrors: r.stats.decodeErrors,
    notOwner: r.stats.notOwner,
    checkpointsVerified: r.stats.checkpointsVerified,
    checkpointBooksVerified: r.stats.checkpointBooksVerified,
    checkpointMismatches: r.stats.checkpointMismatches,
    lastMismatch: r.stats.lastMismatch ?? null,
    sequences: r.sequences,
    badBlocks: r.read.badBlocks,
    badRecords: r.read.badRecords,
    framesPerSec: Math.round(r.stats.frames / Math.max(ms / 1000, 1e-3)),
  };
  if (v.json === true) io.out(JSON.stringify(summary));
  else
    for (const [k, x] of Object.entries(summary))
      io.out(`${k.padEnd(24)} ${typeof x === "object" && x !== null ? JSON.stringify(x) : String(x)}`);
  const bad = r.stats.checkpointMismatches > 0 || r.sequences.lost > 0 || r.sequences.duplicated > 0 || r.read.badBlocks > 0;
  return bad ? 3 : 0;
}

async function inspect(dir: string, v: Record<string, string | boolean | string[] | undefined>, io: CliIo): Promise<number> {
  const segs = await listSegments(dir, v.prefix as string | undefined);
  const codecNames = Object.fromEntries(Object.entries(Codec).map(([k, n]) => [n, k]));
  const rows = segs.map((s) => ({
    file: s.index.file,
    start: s.index.startMs > 0 ? new Date(s.index.startMs).toISOString() : null,
    end: s.index.endMs > 0 ? new Date(s.index.endMs).toISOString() : null,
    codec: codecNames[s.index.codec] ?? s.index.codec,
    frames: s.index.frames,
    records: s.index.records,
    blocks: s.index.blocks.length,
    rawBytes: s.index.rawBytes,
    fileBytes: s.index.fileBytes,
    assets: s.index.assets.length,
    gaps: s.index.gaps.length,
    checkpoints: s.index.checkpoints.length,
    closed: s.index.closed,
    recovered: s.recovered,
    tornBytes: s.tornBytes,
  }));
  const assets = [...new Set(segs.flatMap((s) => s.index.assets))].sort();
  const gaps = segs.flatMap((s) => s.index.gaps.map((g) => ({ file: s.index.file, at: new Date(g.tsMs).toISOString(), ...g })));
  if (v.json === true) {
    io.out(
      JSON.stringify({ segments: rows, assets: v.assets === true ? assets : assets.length, gaps: v.gaps === true ? gaps : gaps.length }),
    );
    return 0;
  }
  for (const r of rows) {
    const ratio = r.rawBytes > 0 ? (r.fileBytes / r.rawBytes).toFixed(2) : "-";
    io.out(
      `${r.file}  ${r.start ?? "-"} → ${r.end ?? "-"}  ${r.codec}  frames=${r.frames} blocks=${r.blocks} bytes=${r.fileBytes} ratio=${ratio} assets=${r.assets} gaps=${r.gaps} checkpoints=${r.checkpoints}${r.recovered ? " RECOVERED" : ""}${r.tornBytes > 0 ? ` torn=${r.tornBytes}` : ""}`,
    );
  }
  io.out(`segments ${rows.length}, assets ${assets.length}, gaps ${gaps.length}`);
  if (v.assets === true) for (const a of assets) io.out(a);
  if (v.gaps === true)
    for (const g of gaps) io.out(`gap ${g.at} conn=${g.conn} reason=${g.reason} assets=${g.assets} (${g.file} block ${g.block})`);
  return 0;
}
