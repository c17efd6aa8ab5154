/**
 * Acceptance: a sim session recorded by the orderbook recorder and replayed through the backtester
 * with the same parameters gives fills close to the live session's, with the divergence reported.
 *
 * Real sockets on loopback: @mm/venue-sim with seeded flow; the recorder discovers the market from the
 * simulator's Gamma API and records its market channel to segment files; the live bot (bands strategy
 * → executor → @mm/gateway → venue, user channel via @mm/feeds) trades for 12 s. Then: segments →
 * tape → our own orders stripped → the journal's intents replayed with the parameters derived from
 * the simulator's configuration and the journal → fills compared by cause.
 *
 * Flow is seeded but wall-clock timing is not, so live fills vary run to run; thresholds below leave
 * margin under what was measured (see the README's parity section), and a failure prints the
 * divergence table.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Size } from "@mm/types";
import type { VenueSimOptions } from "@mm/venue-sim";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { formatParity, parityFromRecording, type RecordedParity, renderReport, validateTape } from "../src/index.js";
import { type LiveSimSession, runRecordedSimSession } from "./support/live-sim.js";

const SIM: VenueSimOptions = {
  seed: 11,
  markets: 1,
  windowMs: 3_600_000,
  rateLimits: false,
  testCollateral: 5_000_000_000,
  flow: { intervalMs: 250, takerRatePerSec: 3, makerSizeMin: 5, makerSizeMax: 40, roll: false },
  engine: {
    settlement: { minedDelayMs: 400, confirmedDelayMs: 400, retryDelayMs: 300, failProbability: 0.05, retryProbability: 0 },
    tickAuto: { enabled: false },
  },
};

function liveRejects(journal: LiveSimSession["journal"]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const e of journal)
    if (e.type === "gateway" && e.result.kind === "PLACE_REJECT") out[e.result.reason] = (out[e.result.reason] ?? 0) + 1;
  return out;
}

/**
 * Thresholds, from 26 runs on the shared 2-vCPU VM (README): live fills 25–51; matched share of live
 * fill volume 0.83–0.95 in the final 8 consecutive runs, 0.74–1.00 in 17 earlier ones and 0.58 once
 * (without own-order stripping: median 0.79–0.82).
 */
const MIN_LIVE_FILLS = 12;
const MIN_MATCHED_FRACTION = 0.6;

describe("parity with a recorded live sim session", () => {
  const dir = mkdtempSync(join(tmpdir(), "bt-parity-live-"));
  let session: LiveSimSession;
  let parity: RecordedParity;
  let raw: RecordedParity;

  beforeAll(async () => {
    session = await runRecordedSimSession({
      sim: SIM,
      dataDir: dir,
      bands: {
        maxSkew: 40,
        bands: [
          { distance: 50, size: 10_000_000 as Size },
          { distance: 150, size: 10_000_000 as Size },
        ],
      },
      tradeMs: 12_000,
      drainMs: 1_000,
    });
    const venueSim = { engine: SIM.engine ?? {} };
    parity = await parityFromRecording({ segmentsDir: dir, journal: session.journal, venueSim });
    raw = await parityFromRecording({ segmentsDir: dir, journal: session.journal, venueSim, strip: false });
    process.stdout.write(
      `parity (own orders stripped):\n${formatParity(parity.report)}\nstrip: ${JSON.stringify(parity.strip)}\n` +
        `without stripping: matched ${(raw.report.matched.fractionOfLive * 100).toFixed(1)} %, by cause ${JSON.stringify(raw.report.byCause)}\n` +
        `backtest executor: rejects ${JSON.stringify(parity.result.executorStats.rejectsByReason)} modes ${JSON.stringify(parity.result.executorStats.modeTimeMs)}\n` +
        `live executor: rejects ${JSON.stringify(liveRejects(session.journal))} modes ${JSON.stringify(session.journal.filter((e) => e.type === "mode").map((e) => (e as { to: string }).to))}\n` +
        `session wall ${session.wallMs} ms\n`,
    );
    if (parity.report.matched.fractionOfLive < Number(process.env.PARITY_KEEP_BELOW ?? MIN_MATCHED_FRACTION)) {
      // Keep what is needed to look into it: the segments and the journal.
      keep = true;
      writeFileSync(join(dir, "journal.json"), JSON.stringify({ journal: session.journal, markets: session.markets, simOpts: SIM }));
      process.stdout.write(`below threshold: segments and journal kept in ${dir}\n`);
    }
  }, 60_000);

  let keep = false;
  afterAll(() => {
    if (!keep) rmSync(dir, { recursive: true, force: true });
  });

  it("the live session really traded, and the recorder captured it", () => {
    expect(session.safetyTrips).toBe(0);
    expect(session.recorderFrames).toBeGreaterThan(100);
    expect(parity.importStats.decodeErrors).toBe(0);
    expect(parity.report.live.fills, formatParity(parity.report)).toBeGreaterThanOrEqual(MIN_LIVE_FILLS);
  });

  it("own orders are stripped: almost every journal delta is attributed to the book update showing it, sizes never negative", () => {
    const s = parity.strip;
    expect(s).toBeDefined();
    if (s === undefined) return;
    expect(s.orders).toBeGreaterThan(10);
    expect(s.matched / s.deltas, JSON.stringify(s)).toBeGreaterThanOrEqual(0.9);
    expect(validateTape(parity.tape)).toEqual([]);
    // Our attributions never exceeded the recorded book by more than a few orders' worth in total.
    expect(s.excessSize, JSON.stringify(s)).toBeLessThanOrEqual(0.1 * parity.report.live.shares * 1e6 + 50e6);
  });

  it("the replay with the same parameters reproduces most live fill volume", () => {
    const r = parity.report;
    expect(r.matched.fractionOfLive, formatParity(r)).toBeGreaterThanOrEqual(MIN_MATCHED_FRACTION);
    expect(Math.abs(r.matched.meanLagMs), formatParity(r)).toBeLessThanOrEqual(250);
    // The backtest trades about as much as the session did (a replay that stalls or runs away fails here).
    expect(r.sim.shares / r.live.shares, formatParity(r)).toBeGreaterThan(0.5);
    expect(r.sim.shares / r.live.shares, formatParity(r)).toBeLessThan(2);
  });

  it("every unmatched live share has a cause; the divergence report is produced and rendered", () => {
    const r = parity.report;
    const explained = r.matched.shares + r.byCause.settlement + r.byCause.queue + r.byCause.latency;
    expect(explained, formatParity(r)).toBeCloseTo(r.live.shares, 5);
    for (const d of r.divergences) expect(["settlement", "queue", "latency", "sim_only"]).toContain(d.cause);
    const html = renderReport({
      summary: parity.result.summary,
      series: parity.result.series,
      fills: parity.result.fills,
      marketNames: parity.markets.map((m) => m.question),
      parity: r,
      parityNotes: { "own orders stripped": parity.strip?.orders ?? 0 },
    });
    expect(html).toContain('<section id="parity">');
    expect(html).toContain(`${(r.matched.fractionOfLive * 100).toFixed(1)} %`);
  });

  it("the parameters come from the simulator's configuration and the journal", () => {
    expect(parity.config.venue).toMatchObject({ minedDelayMs: 400, confirmedDelayMs: 400, retryDelayMs: 300, failProbability: 0.05 });
    expect(parity.config.gateway?.worker).toBe("serial");
    expect(parity.config.gateway?.trace?.place.length).toBeGreaterThan(5);
    expect(parity.notes).toEqual([]);
  });
});
