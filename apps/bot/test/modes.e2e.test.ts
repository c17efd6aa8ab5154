/**
 * Modes: live refused without the flag or credentials; live wiring (L1 credential derivation,
 * real endpoints from config) exercised against a simulator standing in for Polymarket and
 * Binance, with every log line grepped for secrets; dry-run submits nothing.
 */
import { join } from "node:path";
import { deriveCredentials, startVenueSim, TEST_ADDRESS, TEST_PRIVATE_KEY, type VenueSimHandle } from "@mm/venue-sim";
import { afterEach, describe, expect, it } from "vitest";
import { Bot } from "../src/bot.js";
import { parseCliArgs } from "../src/cli-args.js";
import { run } from "../src/run.js";
import { captureLogger, fastSimConfig, shutdownBot, sink, tempDir, waitFor } from "./helpers.js";

const sims: VenueSimHandle[] = [];
afterEach(async () => {
  for (const s of sims.splice(0)) await s.stop();
});

describe("live mode is refused without the flag and credentials", () => {
  it("MM_MODE=live or a config file cannot enable live trading; --live needs POLY_* credentials", async () => {
    for (const [argv, env, expected] of [
      [["--duration", "1"], { MM_MODE: "live" }, "mode: live trading requires the explicit --live flag on the command line"],
      [["--live"], {}, "POLY_PRIVATE_KEY is not set"],
      [["--live"], { POLY_PRIVATE_KEY: `0x${"11".repeat(32)}`, POLY_API_KEY: "k" }, "go together"],
    ] as const) {
      const out = sink();
      const err = sink();
      const code = await run({ argv, env, stdout: out.stream, stderr: err.stream });
      expect(code).toBe(2);
      expect(err.text()).toContain(expected);
      expect(out.text()).toBe("");
    }
  });

  it("a negative port is a value on the command line", () => {
    expect(parseCliArgs(["--http-port", "-1"]).flags).toEqual({ http: { port: -1 } });
  });
});

describe("live wiring against a stand-in venue (the simulator on loopback)", () => {
  it("derives API credentials via L1, selects a market by slug, trades through the live code path, and no secret reaches the log", async () => {
    const sim = await startVenueSim({
      seed: 7,
      markets: 2,
      flow: { takerRatePerSec: 4 },
      engine: { settlement: { minedDelayMs: 300, confirmedDelayMs: 300, failProbability: 0 } },
      // CLOB V2, as the venue is today: V1 orders are refused, so the bot must pick V2 by itself.
      orderVersion: 2,
    });
    sims.push(sim);
    const derived = deriveCredentials(TEST_ADDRESS, "0", "venue-sim");
    const chosen = sim.venue.allMarkets()[1]!.info;
    const dir = tempDir();
    const out = sink();
    const err = sink();
    const code = await run({
      argv: ["--live", "--duration", "6", "--journal", join(dir, "j.sqlite"), "--http-port=-1", "--summary-json", join(dir, "s.json")],
      env: {
        POLY_PRIVATE_KEY: TEST_PRIVATE_KEY, // API key/secret/passphrase absent: derived via L1
        MM_ENDPOINTS__CLOB: sim.urls.clob,
        MM_ENDPOINTS__GAMMA: sim.urls.gamma,
        MM_ENDPOINTS__DATA: sim.urls.data,
        MM_ENDPOINTS__WS: sim.urls.ws,
        MM_ENDPOINTS__BINANCE: sim.urls.binance,
        MM_ENDPOINTS__BINANCE_WS: sim.urls.binanceWs,
        MM_MARKETS: chosen.slug, // selection by slug (the window that opens later: quoted before its start)
        MM_SETTLE_WAIT_MS: "5000",
        MM_LOG_LEVEL: "debug",
      },
      stdout: out.stream,
      stderr: err.stream,
    });
    const text = out.text() + err.text();
    expect(err.text()).toBe("");
    expect(code).toBe(0);
    expect(text).toContain("deriving API credentials via L1");
    expect(text).toContain("LIVE TRADING with real funds");
    expect(text).toMatch(/"orderVersion":2,"source":"GET \/version"/);
    expect(sim.venue.requestCount("POST /order") + sim.venue.requestCount("POST /orders")).toBeGreaterThan(0);
    const summary = JSON.parse(text.split("\n").find((l) => l.includes('"run summary"')) ?? "{}").summary as Record<string, unknown>;
    expect(summary.mode).toBe("live");
    expect(summary.markets).toEqual([{ conditionId: chosen.conditionId, slug: chosen.slug }]);
    expect(summary.invariantViolations).toBe(0);
    expect(summary.venueBalancesMatch).toBe(true);
    for (const secret of [TEST_PRIVATE_KEY, TEST_PRIVATE_KEY.slice(2), derived.secret, derived.passphrase])
      expect(text).not.toContain(secret);
  }, 60_000);
});

describe("dry run", () => {
  it("runs the full lifecycle on paper: intended orders logged and counted, nothing submitted", async () => {
    const config = fastSimConfig({ dryRun: true });
    const log = captureLogger();
    const bot = new Bot({ config, logger: log.logger });
    try {
      await bot.start();
      await waitFor(() => (bot.dryRun?.stats.intendedOrders ?? 0) >= 4, 15_000, "intended orders");
    } finally {
      await shutdownBot(bot);
    }
    expect(bot.executor!.stats().actions.PLACE).toBe(bot.dryRun!.stats.intendedOrders);
    // Nothing reached the venue's order routes.
    expect(bot.sim!.venue.requestCount("POST /order") + bot.sim!.venue.requestCount("POST /orders")).toBe(0);
    expect(bot.sim!.venue.requestCount("DELETE /order") + bot.sim!.venue.requestCount("DELETE /cancel-all")).toBe(0);
    expect(log.text()).toContain("dry-run: would place order");
    const summary = bot.summary();
    expect(summary.mode).toBe("sim+dry-run");
    expect(summary.ordersPlaced).toBeGreaterThan(0);
    expect(summary.fills).toBe(0);
    expect(summary.venueBalancesMatch).toBe(true);
    expect(summary.invariantViolations).toBe(0);
    // The simulated crypto markets charge takers (sim.takerFeeBps); the schedule reached the executor via Gamma.
    expect(bot.marketList().map((m) => m.feeSchedule)).toEqual(bot.marketList().map(() => ({ rateBps: 720, exponent: 1 })));
  }, 40_000);
});
