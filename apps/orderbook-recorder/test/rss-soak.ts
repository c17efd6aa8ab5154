/**
 * RSS soak (PERFORMANCE.md G9: "RSS stays flat over 10 min"). Runs the real `mm-recorder record`
 * CLI as a child process against an in-process @mm/venue-sim with seeded order flow and rolling
 * markets (discovery, subscribe, resolve, expire and cleanup all keep happening), samples the
 * child's `/stats` (process RSS and heap) every few seconds, and judges flatness after a warm-up:
 * the least-squares RSS slope and the growth from the first to the last post-warm-up minute.
 *
 *   pnpm --filter orderbook-recorder soak:rss [-- --minutes 10 --markets 150 --json out.json]
 *
 * Exit code 0 when flat, 1 when not (numbers printed either way).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { startVenueSim } from "@mm/venue-sim";
import type { RecorderStats } from "../src/recorder.js";

const { values: v } = parseArgs({
  options: {
    minutes: { type: "string", default: "10" },
    markets: { type: "string", default: "150" },
    "warmup-min": { type: "string" },
    "sample-s": { type: "string", default: "5" },
    "max-slope-mb-min": { type: "string", default: "3" },
    "max-growth-mb": { type: "string", default: "24" },
    json: { type: "string" },
  },
});
const minutes = Number(v.minutes);
const warmupMin = v["warmup-min"] !== undefined ? Number(v["warmup-min"]) : Math.min(3, minutes * 0.3);
const sampleMs = Number(v["sample-s"]) * 1000;
const maxSlope = Number(v["max-slope-mb-min"]);
const maxGrowth = Number(v["max-growth-mb"]);
const MB = 1024 * 1024;

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

interface Sample {
  readonly tMin: number;
  readonly rssMb: number;
  readonly heapMb: number;
  readonly frames: number;
  readonly books: number;
  readonly subscribed: number;
  readonly addedTotal: number;
  readonly expiredTotal: number;
  readonly removedTotal: number;
  readonly segments: number;
}

/** Least-squares slope of y over x. */
function slope(xs: readonly number[], ys: readonly number[]): number {
  const n = xs.length;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    num += (xs[i]! - mx) * (ys[i]! - my);
    den += (xs[i]! - mx) ** 2;
  }
  return den === 0 ? 0 : num / den;
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? Number.NaN : s[Math.floor(s.length / 2)]!;
}

async function main(): Promise<number> {
  const sim = await startVenueSim({
    seed: 9,
    markets: Number(v.markets),
    windowMs: 3 * 60_000,
    flow: { intervalMs: 20 },
    rateLimits: false,
    verifySignatures: false,
    marketWs: { idleTimeoutMs: 0 },
  });
  const dataDir = mkdtempSync(join(tmpdir(), "rec-rss-soak-"));
  const port = await freePort();
  const pkg = fileURLToPath(new URL("..", import.meta.url));
  const child: ChildProcess = spawn(
    process.execPath,
    [
      "--conditions=@mm/source",
      "--import",
      "tsx",
      "src/main.ts",
      "record",
      "--data-dir",
      dataDir,
      "--ws-url",
      `${sim.urls.ws}/market`,
      "--gamma-url",
      sim.urls.gamma,
      "--http-port",
      String(port),
      "--discovery-interval-s",
      "10",
      "--cleanup-delay-s",
      "30",
      "--segment-max-min",
      "2",
      "--checkpoint-interval-s",
      "30",
      "--max-assets-per-conn",
      "100",
      "--log-level",
      "warn",
    ],
    { cwd: pkg, stdio: ["ignore", "inherit", "inherit"] },
  );
  const exited = new Promise<number | null>((r) => child.once("exit", (code) => r(code)));
  const samples: Sample[] = [];
  const t0 = Date.now();
  try {
    for (;;) {
      await new Promise((r) => setTimeout(r, sampleMs));
      const tMin = (Date.now() - t0) / 60_000;
      const s = await fetch(`http://127.0.0.1:${port}/stats`)
        .then((r) => r.json() as Promise<RecorderStats>)
        .catch(() => undefined);
      if (s !== undefined) {
        const sample: Sample = {
          tMin,
          rssMb: s.process.rssBytes / MB,
          heapMb: s.process.heapUsedBytes / MB,
          frames: s.recorder.frames,
          books: s.workers.reduce((n, w) => n + w.books, 0),
          subscribed: s.registry.subscribed,
          addedTotal: s.registry.addedTotal,
          expiredTotal: s.registry.expiredTotal,
          removedTotal: s.registry.removedTotal,
          segments: s.writer.rotations,
        };
        samples.push(sample);
        if (samples.length % Math.max(1, Math.round(60_000 / sampleMs)) === 0 || tMin >= minutes)
          console.log(
            `t=${tMin.toFixed(1)}m rss=${sample.rssMb.toFixed(1)}MB heap=${sample.heapMb.toFixed(1)}MB frames=${sample.frames} books=${sample.books} subscribed=${sample.subscribed} assets added/expired/removed=${sample.addedTotal}/${sample.expiredTotal}/${sample.removedTotal} segments=${sample.segments + 1}`,
          );
      }
      if (tMin >= minutes) break;
    }
  } finally {
    child.kill("SIGTERM");
    const code = await exited;
    if (code !== 0) console.error(`recorder exited with ${code}`);
    sim.flow?.stop();
    await sim.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }

  const post = samples.filter((s) => s.tMin >= warmupMin);
  if (post.length < 4) {
    console.error(`too few samples after the ${warmupMin}-minute warm-up (${post.length})`);
    return 1;
  }
  const rssSlope = slope(
    post.map((s) => s.tMin),
    post.map((s) => s.rssMb),
  );
  const heapSlope = slope(
    post.map((s) => s.tMin),
    post.map((s) => s.heapMb),
  );
  const firstMin = median(post.filter((s) => s.tMin < warmupMin + 1).map((s) => s.rssMb));
  const lastMin = median(post.filter((s) => s.tMin >= minutes - 1).map((s) => s.rssMb));
  const growth = lastMin - firstMin;
  const last = samples[samples.length - 1]!;
  const first = post[0]!;
  const rate = (last.frames - first.frames) / ((last.tMin - first.tMin) * 60);
  const flat = rssSlope <= maxSlope && growth <= maxGrowth;
  const result = {
    minutes,
    warmupMin,
    frames: last.frames,
    framesPerSec: Math.round(rate),
    rssSlopeMbPerMin: Number(rssSlope.toFixed(3)),
    heapSlopeMbPerMin: Number(heapSlope.toFixed(3)),
    rssFirstPostWarmupMinMb: Number(firstMin.toFixed(1)),
    rssLastMinMb: Number(lastMin.toFixed(1)),
    rssGrowthMb: Number(growth.toFixed(1)),
    rssMaxMb: Number(Math.max(...post.map((s) => s.rssMb)).toFixed(1)),
    assetsAdded: last.addedTotal,
    assetsExpired: last.expiredTotal,
    assetsRemoved: last.removedTotal,
    segmentRotations: last.segments,
    limits: { maxSlopeMbPerMin: maxSlope, maxGrowthMb: maxGrowth },
    flat,
    samples,
  };
  if (v.json !== undefined) writeFileSync(v.json, `${JSON.stringify(result, null, 2)}\n`);
  const { samples: _s, ...summary } = result;
  console.log(JSON.stringify(summary));
  console.log(flat ? "RSS flat" : "RSS NOT flat");
  return flat ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
