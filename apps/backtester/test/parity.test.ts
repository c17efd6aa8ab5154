/**
 * Live-vs-backtest parity: a reference run plays the "live" bot (its executor journal is the
 * input); replaying that journal's intents over the same tape with the same venue parameters
 * reproduces its fills exactly; changing the model's queue, latency or settlement shows up as
 * divergence by cause.
 */
import { MemoryJournal } from "@mm/executor";
import { describe, expect, it } from "vitest";
import {
  type BacktestConfig,
  compareFills,
  DEFAULT_LATENCY,
  journalInputs,
  notRunningPeriods,
  runBacktest,
  runParity,
} from "../src/index.js";
import { generateSyntheticSession } from "../src/synthetic.js";

const tape = generateSyntheticSession({ seed: 17, durationMs: 4 * 60_000 });
const base: BacktestConfig = {
  seed: 5,
  strategy: { kind: "reference", options: { contract: { kind: "up", symbol: "BTCUSDT" }, minHalfSpread: 50 } },
  initialCollateral: 1_000_000_000,
  latency: DEFAULT_LATENCY,
  venue: { cancelModel: "proportional" },
};
const journal = new MemoryJournal();
const live = runBacktest(tape, { ...base, journal });
const { strategy: _s, ...replayConfig } = base;

describe("journal replay parity", () => {
  it("reads intents and fills from the journal", () => {
    const { intents, fills } = journalInputs(journal.entries);
    expect(intents.length).toBeGreaterThan(100);
    expect(fills.length).toBe(live.fills.length);
  });

  it("the same parameters reproduce the live fills exactly", () => {
    const { report, result } = runParity(tape, journal.entries, replayConfig);
    expect(live.summary.fills.count).toBeGreaterThan(3);
    expect(report.matched.fractionOfLive).toBe(1);
    expect(report.byCause).toEqual({ settlement: 0, queue: 0, latency: 0, sim_only: 0 });
    expect(report.matched.meanLagMs).toBe(0);
    expect(result.summary.fillsHash).toBe(live.summary.fillsHash);
  });

  it("a more pessimistic queue and slower orders diverge, explained by cause", () => {
    const { report } = runParity(tape, journal.entries, {
      ...replayConfig,
      venue: { cancelModel: "risk_averse", failProbability: 0 },
      latency: { ...DEFAULT_LATENCY, orderEntry: { kind: "constant", ms: 400 } },
    });
    const unmatched = report.byCause.queue + report.byCause.latency + report.byCause.sim_only;
    expect(unmatched).toBeGreaterThan(0);
    expect(report.divergences.length).toBeGreaterThan(0);
    expect(report.matched.shares + report.byCause.queue + report.byCause.latency + report.byCause.settlement).toBeCloseTo(
      report.live.shares,
      6,
    );
  });

  it("live FAILED trades are divergence by settlement, unless the replay takes the live outcomes", () => {
    const j = new MemoryJournal();
    runBacktest(tape, { ...base, journal: j, venue: { failProbability: 1 } });
    const drawn = runParity(tape, j.entries, replayConfig, { replaySettlement: false }).report;
    expect(drawn.byCause.settlement).toBeGreaterThan(0);
    expect(drawn.matched.shares + drawn.byCause.settlement).toBeCloseTo(drawn.live.shares, 6);
    const replayed = runParity(tape, j.entries, replayConfig).report;
    expect(replayed.byCause.settlement).toBe(0);
    expect(replayed.matched.fractionOfLive).toBe(1);
  });

  it("divergence while an executor was not RUNNING is marked (mode periods from the journals)", () => {
    const modes = [
      { seq: 1, at: 100, type: "mode", from: "RUNNING", to: "COOLDOWN", reason: "reject" },
      { seq: 2, at: 200, type: "mode", from: "COOLDOWN", to: "RESYNC", reason: "x" },
      { seq: 3, at: 300, type: "mode", from: "RESYNC", to: "RUNNING", reason: "synced" },
      { seq: 4, at: 900, type: "mode", from: "RUNNING", to: "STOP", reason: "end" },
    ] as unknown as Parameters<typeof notRunningPeriods>[0];
    expect(notRunningPeriods(modes)).toEqual([
      [100, 300],
      [900, Number.POSITIVE_INFINITY],
    ]);
    const m = tape.markets[0]!;
    const sim = [{ time: 150, tradeId: "s", tokenId: m.yes.tokenId, side: "BUY", price: 5_000, size: 2_000_000, status: "MATCHED" }];
    const r = compareFills([], sim as unknown as Parameters<typeof compareFills>[1], [], {
      windowMs: 10,
      notRunning: { live: notRunningPeriods(modes), backtest: [] },
    });
    expect(r.byCause.sim_only).toBe(2);
    expect(r.whileNotRunning).toEqual({ live: 2, backtest: 0 });
    expect(r.divergences[0]?.notRunning).toBe("live");
  });

  it("YES-space matching: BUY YES at p and SELL NO at 1 − p are the same fill", () => {
    const m = tape.markets[0]!;
    const live = [
      {
        time: 1_000,
        tradeId: "a",
        tokenId: m.no.tokenId,
        side: "SELL" as const,
        price: 4_000,
        size: 5_000_000,
        status: "MATCHED" as const,
      },
    ];
    const sim = [
      {
        ...live[0]!,
        tokenId: m.yes.tokenId,
        side: "BUY" as const,
        price: 6_000,
        time: 1_020,
      },
    ] as unknown as Parameters<typeof compareFills>[1];
    expect(compareFills(live, sim, [], { windowMs: 100, markets: tape.markets }).matched.fractionOfLive).toBe(1);
    const literal = compareFills(live, sim, [], { windowMs: 100 });
    expect(literal.matched.fractionOfLive).toBe(0);
    expect(literal.byCause).toEqual({ settlement: 0, queue: 0, latency: 5, sim_only: 5 });
  });
});

describe("journal from @mm/storage", () => {
  it("a journal written by JournalWriter to SQLite replays to the same fills", async () => {
    const { mkdtempSync, rmSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const { join } = await import("node:path");
    const { JournalWriter, SqliteStorage } = await import("@mm/storage");
    const { readJournalSession } = await import("../src/index.js");
    const dir = mkdtempSync(join(tmpdir(), "bt-journal-"));
    try {
      const path = join(dir, "bot.sqlite");
      const storage = SqliteStorage.open({ path });
      const writer = await JournalWriter.start({ journal: storage.journal, sessionId: "run-1", meta: { mode: "sim" } });
      const run = runBacktest(tape, { ...base, journal: writer });
      await writer.close();
      await storage.close();
      const entries = await readJournalSession(path, "run-1");
      expect(entries.length).toBeGreaterThan(100);
      const { report } = runParity(tape, entries, replayConfig);
      expect(report.matched.fractionOfLive).toBe(1);
      expect(report.live.fills).toBe(run.fills.length);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
