import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ConfigError, expandGrid, parseRunConfig, renderReport, runBacktest, runSweep, withParam, writeTapeFile } from "../src/index.js";
import { generateSyntheticSession } from "../src/synthetic.js";

const dir = mkdtempSync(join(tmpdir(), "bt-sweep-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const baseConfig = {
  seed: 2,
  strategy: { kind: "reference", options: { contract: { kind: "up", symbol: "BTCUSDT" } } },
  initialCollateralUsdc: 1000,
};
const tape = generateSyntheticSession({ seed: 21, durationMs: 90_000 });

describe("config file", () => {
  it("parses a minimal file with defaults", () => {
    const c = parseRunConfig(baseConfig);
    expect(c.initialCollateral).toBe(1_000_000_000);
    expect(c.latency?.orderEntry.kind).toBe("lognormal");
  });
  it("refuses unknown keys and bad values with the path", () => {
    expect(() => parseRunConfig({ ...baseConfig, bogus: 1 })).toThrow(ConfigError);
    expect(() => parseRunConfig({ ...baseConfig, venue: { failProbability: 2 } })).toThrow(/venue.failProbability/);
    expect(() => parseRunConfig({ ...baseConfig, latency: { ack: { kind: "uniform", minMs: 5, maxMs: 1 } } })).toThrow(/latency.ack/);
  });
});

describe("grid", () => {
  it("expands to the cartesian product in a fixed order", () => {
    expect(expandGrid({ b: [1, 2], a: ["x", "y"] })).toEqual([
      { a: "x", b: 1 },
      { a: "x", b: 2 },
      { a: "y", b: 1 },
      { a: "y", b: 2 },
    ]);
    expect(() => expandGrid({ a: [] })).toThrow(RangeError);
  });
  it("sets dotted paths without touching the base, and refuses prototype keys", () => {
    const out = withParam(baseConfig, "strategy.options.minHalfSpread", 150) as typeof baseConfig & {
      strategy: { options: { minHalfSpread: number } };
    };
    expect(out.strategy.options.minHalfSpread).toBe(150);
    expect((baseConfig.strategy.options as Record<string, unknown>).minHalfSpread).toBeUndefined();
    expect(() => withParam(baseConfig, "__proto__.x", 1)).toThrow(RangeError);
  });
});

describe("sweep over worker threads", () => {
  it("gives one table in grid order, equal to in-process runs", async () => {
    const path = join(dir, "s.mmtape");
    writeTapeFile(path, tape);
    const grid = { "strategy.options.minHalfSpread": [100, 250], "venue.failProbability": [0, 0.5] };
    const table = await runSweep({ tapePath: path, baseConfig, grid, workers: 2 });
    expect(table.points).toBe(4);
    expect(table.rows.map((r) => r.index)).toEqual([0, 1, 2, 3]);
    expect(table.rows.every((r) => r.error === undefined)).toBe(true);
    const points = expandGrid(grid);
    for (const [i, p] of points.entries()) {
      const cfg = Object.entries(p).reduce<unknown>((c, [k, v]) => withParam(c, k, v), baseConfig);
      const local = runBacktest(tape, parseRunConfig(cfg));
      expect(table.rows[i]?.fillsHash).toBe(local.summary.fillsHash);
      expect(table.rows[i]?.pnlTotal).toBe(local.summary.pnl.total);
    }
  }, 60_000);
});

describe("HTML report", () => {
  const r = runBacktest(tape, parseRunConfig(baseConfig));
  const html = renderReport({ summary: r.summary, series: r.series, fills: r.fills, marketNames: ["BTC <up> & down"] });

  it("is one self-contained file: no external scripts, styles or fetches", () => {
    expect(html.startsWith("<!doctype html>")).toBe(true);
    expect(html).not.toMatch(/<script[^>]+src=/);
    expect(html).not.toMatch(/<link[^>]+href=/);
    expect(html).not.toMatch(/https?:\/\//);
    expect(html).toContain('id="pnl-0"');
    expect(html).toContain('id="inv-0"');
    expect(html).toContain('id="quotes-0"');
  });

  it("escapes names and embeds the data as parseable JSON", () => {
    expect(html).toContain("BTC &#60;up&#62; &#38; down");
    const m = /<script type="application\/json" id="bt-data">([\s\S]*?)<\/script>/.exec(html);
    const data = JSON.parse(m?.[1] ?? "null") as { markets: { t: number[]; pnl: number[] }[] };
    expect(data.markets[0]?.t.length).toBeGreaterThan(10);
    expect(data.markets[0]?.pnl.length).toBe(data.markets[0]?.t.length);
  });
});
