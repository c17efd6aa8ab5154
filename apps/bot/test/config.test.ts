import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { makeBandsStrategy } from "@mm/strategy";
import { bandsOptions, ConfigError, configFromEnv, loadConfig, readConfigFile } from "../src/config.js";

describe("bot configuration", () => {
  it("defaults to sim mode with every field filled, and is deeply frozen", () => {
    const cfg = loadConfig({});
    expect(cfg.mode).toBe("sim");
    expect(cfg.dryRun).toBe(false);
    expect(cfg.sim.seed).toBe(1);
    expect(cfg.risk.maxLoss).toBe(100);
    expect(Object.isFrozen(cfg)).toBe(true);
    expect(Object.isFrozen(cfg.risk)).toBe(true);
    expect(() => {
      (cfg.risk as { maxLoss: number }).maxLoss = 1;
    }).toThrow(TypeError);
  });

  it("layers file < env < flags", () => {
    const cfg = loadConfig({
      file: { sim: { seed: 7, markets: 3 }, logLevel: "debug" },
      env: { MM_SIM__SEED: "9", MM_RISK__MAX_LOSS: "50", MM_MARKETS: "btc-up, 0xabc", UNRELATED: "x" },
      flags: { logLevel: "warn" },
    });
    expect(cfg.sim).toMatchObject({ seed: 9, markets: 3 });
    expect(cfg.risk.maxLoss).toBe(50);
    expect(cfg.markets).toEqual(["btc-up", "0xabc"]);
    expect(cfg.logLevel).toBe("warn");
  });

  it("lists every problem at once, with paths", () => {
    try {
      loadConfig({ file: { mode: "paper", risk: { maxLoss: -1 }, sim: { volatility: "high" }, typo: 1 }, env: { MM_HTTP__PORT: "70000" } });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      const problems = (error as ConfigError).problems.join("\n");
      expect(problems).toMatch(/^mode: /m);
      expect(problems).toMatch(/^risk\.maxLoss: /m);
      expect(problems).toMatch(/^sim\.volatility: /m);
      expect(problems).toMatch(/^http\.port: /m);
      expect(problems).toMatch(/typo/);
      expect((error as ConfigError).problems.length).toBeGreaterThanOrEqual(5);
    }
  });

  it("refuses live mode without the explicit --live flag, whatever the file or env says", () => {
    expect(() => loadConfig({ env: { MM_MODE: "live" } })).toThrow(/requires the explicit --live flag/);
    expect(() => loadConfig({ file: { mode: "live" } })).toThrow(ConfigError);
    expect(loadConfig({ flags: { mode: "live" }, liveFlag: true }).mode).toBe("live");
  });

  it("checks the bands strategy it will build: a requote tolerance must leave the skew room below the first band", () => {
    const bands = (strategy: Record<string, unknown>) => loadConfig({ flags: { strategy: { kind: "bands", ...strategy } } });
    const ok = bands({ minHalfSpread: 200, levels: 3, requoteTolerance: 100 });
    expect(makeBandsStrategy(bandsOptions(ok.strategy)).config).toMatchObject({
      requoteTolerance: 100,
      bands: [{ distance: 200 }, { distance: 400 }, { distance: 600 }],
    });
    expect(bands({}).strategy.requoteTolerance).toBe(0);
    // 100 + the default max skew (50) reaches the first band at 100: refused at load, not at start-up.
    expect(() => bands({ minHalfSpread: 100, requoteTolerance: 100 })).toThrow(
      /strategy: requoteTolerance \+ maxSkew must be below the first band's distance/,
    );
    expect(() => bands({ requoteTolerance: -1 })).toThrow(/strategy\.requoteTolerance/);
    // The reference strategy has none: refused rather than ignored.
    expect(() => loadConfig({ flags: { strategy: { kind: "reference", requoteTolerance: 10 } } })).toThrow(
      /strategy\.requoteTolerance: only the bands strategy has one/,
    );
  });

  it("parses env values as JSON when they are JSON, strings otherwise", () => {
    expect(configFromEnv({ MM_DRY_RUN: "true", MM_LOG_LEVEL: "debug", MM_SIM__FLOW: "false", MM_STRATEGY__QUOTE_SIZE: "12.5" })).toEqual({
      dryRun: true,
      logLevel: "debug",
      sim: { flow: false },
      strategy: { quoteSize: 12.5 },
    });
  });

  it("reads config files with clear errors", () => {
    const dir = mkdtempSync(join(tmpdir(), "mm-bot-cfg-"));
    writeFileSync(join(dir, "ok.json"), JSON.stringify({ sim: { seed: 3 } }));
    writeFileSync(join(dir, "bad.json"), "{ not json");
    expect(loadConfig({ file: readConfigFile(join(dir, "ok.json")) }).sim.seed).toBe(3);
    expect(() => readConfigFile(join(dir, "bad.json"))).toThrow(/not valid JSON/);
    expect(() => readConfigFile(join(dir, "missing.json"))).toThrow(/ENOENT/);
    expect(() => loadConfig({ file: [1, 2] })).toThrow(/must contain a JSON object/);
  });
});
