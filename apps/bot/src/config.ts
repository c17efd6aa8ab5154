/**
 * The bot's configuration: one zod-validated, deeply frozen object built from defaults, an optional
 * JSON file, `MM_*` environment variables and command-line flags (in that order of precedence).
 * Every problem is reported at once. Credentials are NOT part of it: they come from the environment
 * only (see credentials.ts) so the config can be logged and written into summaries safely.
 */
import { readFileSync } from "node:fs";
import { type BandsStrategyConfig, DEFAULT_BANDS_STRATEGY_CONFIG, validateBandsStrategyConfig } from "@mm/strategy";
import type { Size } from "@mm/types";
import { z } from "zod";

const positiveInt = z.number().int().positive();
const nonNegative = z.number().nonnegative();

export const ConfigSchema = z
  .object({
    /** `sim` runs the embedded venue simulator; `live` talks to Polymarket and needs `--live`. */
    mode: z.enum(["sim", "live"]).default("sim"),
    /** Everything but order submission: intended orders are logged and counted. */
    dryRun: z.boolean().default(false),
    /** Slugs or condition ids. Empty: choose active BTC up/down markets automatically. */
    markets: z.array(z.string().min(1)).default([]),
    /** How many markets automatic selection picks (and keeps trading as windows end). */
    maxMarkets: positiveInt.max(20).default(2),
    /** Automatic selection: how often to look for the next windows when markets end, ms. */
    rollIntervalMs: positiveInt.min(1_000).default(30_000),
    endpoints: z
      .object({
        clob: z.url().default("https://clob.polymarket.com"),
        gamma: z.url().default("https://gamma-api.polymarket.com"),
        data: z.url().default("https://data-api.polymarket.com"),
        ws: z.url().default("wss://ws-subscriptions-clob.polymarket.com/ws"),
        binance: z.url().default("https://api.binance.com"),
        binanceWs: z.url().default("wss://stream.binance.com:9443"),
      })
      .prefault({}),
    reference: z
      .object({
        symbol: z
          .string()
          .regex(/^[A-Z0-9]{5,20}$/, "an upper-case exchange symbol such as BTCUSDT")
          .default("BTCUSDT"),
        /** Reference older than this widens quotes; twice this pulls them. */
        staleMs: positiveInt.default(2_000),
      })
      .prefault({}),
    strategy: z
      .object({
        kind: z.enum(["reference", "bands"]).default("reference"),
        /** Shares per quote level. */
        quoteSize: z.number().positive().default(10),
        levels: positiveInt.max(10).default(2),
        /** Minimum half-spread in price units of 0.0001 (100 = 1 cent). */
        minHalfSpread: positiveInt.max(5_000).default(100),
        /** Inventory risk aversion (Avellaneda–Stoikov gamma). */
        riskAversion: nonNegative.default(0.1),
        /**
         * `bands` only: keep quoting around the last center while the mid moves less than this, in price
         * units (0 requotes on every move). Must stay below minHalfSpread − the bands' max skew (50).
         */
        requoteTolerance: z.number().int().min(0).max(5_000).default(0),
        /** Debounce of strategy re-evaluation after cache changes, ms. */
        debounceMs: nonNegative.max(10_000).default(50),
      })
      .prefault({}),
    risk: z
      .object({
        /** Max shares held per token. */
        maxPositionPerToken: z.number().positive().default(200),
        /** Max YES + NO shares held per market. */
        maxGrossPosition: z.number().positive().default(300),
        /** Max USDC notional in working orders. */
        maxWorkingNotional: z.number().positive().default(500),
        /** Realized + unrealized loss (USDC) that trips the kill switch. */
        maxLoss: z.number().positive().default(100),
      })
      .prefault({}),
    /** When a fill's tokens count as settled for SELL sizing. */
    settlementThreshold: z.enum(["MINED", "CONFIRMED"]).default("MINED"),
    sim: z
      .object({
        seed: z.number().int().nonnegative().default(1),
        markets: positiveInt.max(50).default(2),
        flow: z.boolean().default(true),
        /** Annualized volatility of the simulated BTC path. */
        volatility: z.number().positive().max(5).default(0.6),
        /** Probability that a simulated trade FAILs on chain. */
        failedTradeProbability: z.number().min(0).max(1).default(0.01),
        /** Length of each simulated up/down window, minutes. */
        windowMinutes: positiveInt.max(24 * 60).default(15),
        /** Simulated taker arrivals per second per market. */
        takerRatePerSec: z.number().positive().max(100).default(1.5),
        /** Simulated chain: MATCHED → MINED and MINED → CONFIRMED delays, ms. */
        minedDelayMs: z.number().int().min(0).max(120_000).default(2_000),
        confirmedDelayMs: z.number().int().min(0).max(600_000).default(4_000),
        /** USDC the simulated wallet starts with. */
        collateral: z.number().positive().max(1e9).default(10_000),
        /**
         * Taker fee of the simulated markets, basis points, and the exponent of its p(1 − p) curve.
         * Crypto up/down markets are fee-enabled on the venue (POLYMARKET.md §11: crypto 0.072 [M]);
         * 0 makes them fee-free. Post-only quoting never pays it; the flow's takers do.
         */
        takerFeeBps: z.number().int().min(0).max(10_000).default(720),
        feeExponent: z.number().int().min(1).max(8).default(1),
      })
      .prefault({}),
    http: z
      .object({
        /** Port of /health and /metrics; 0 picks a free port, -1 disables. */
        port: z.number().int().min(-1).max(65_535).default(9464),
        host: z.string().default("127.0.0.1"),
      })
      .prefault({}),
    journalPath: z.string().min(1).default("data/bot-journal.sqlite"),
    logLevel: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
    /** Market-feed silent-stall watchdog: no data for this long while subscribed ⇒ reconnect and resnapshot, ms. */
    marketStallMs: z.number().int().min(0).max(600_000).default(15_000),
    /** `auto`: full-screen view on a TTY, periodic log lines otherwise; `screen`, `lines` or `off` force one. */
    statusView: z.enum(["auto", "screen", "lines", "off"]).default("auto"),
    /** Status view refresh, ms (periodic log lines when stdout is not a TTY). */
    statusIntervalMs: positiveInt.min(100).default(1_000),
    /** Run for this many seconds, then shut down cleanly. */
    durationSeconds: z.number().positive().optional(),
    /** Write the end-of-run summary JSON here. */
    summaryJson: z.string().min(1).optional(),
    /** At exit, how long to wait for pending fills to settle before comparing balances, ms. */
    settleWaitMs: z.number().int().min(0).max(120_000).default(10_000),
    /** Live mode: Polygon chain id for order signing and L1 auth. */
    chainId: positiveInt.default(137),
    /**
     * Live mode: exchange generation of signed orders (EIP-712 domain version): 1 = CLOB V1 (until
     * 2026-04-28), 2 = CLOB V2, 3 = Protocol V2 (ExchangeV3). Unset: 2 for a deposit wallet
     * (POLY_SIGNATURE_TYPE=3, which exists only from V2 on), else 1. Sim mode follows the simulator.
     */
    orderVersion: z.literal([1, 2, 3]).optional(),
  })
  .strict();

export type BotConfig = z.infer<typeof ConfigSchema>;
type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

export class ConfigError extends Error {
  readonly problems: readonly string[];
  constructor(problems: readonly string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
    this.problems = problems;
  }
}

export interface ConfigSources {
  /** Parsed JSON of the config file, if any. */
  readonly file?: unknown;
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Overrides from command-line flags, as a partial config object. */
  readonly flags?: Readonly<Record<string, unknown>>;
  /** True when `--live` was given on the command line (the only way to enable live trading). */
  readonly liveFlag?: boolean;
}

const ENV_PREFIX = "MM_";

/** `MM_RISK__MAX_LOSS=50` → `{ risk: { maxLoss: 50 } }`; values are JSON when they parse, else strings. */
export function configFromEnv(env: Readonly<Record<string, string | undefined>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, raw] of Object.entries(env)) {
    if (!key.startsWith(ENV_PREFIX) || raw === undefined) continue;
    const path = key
      .slice(ENV_PREFIX.length)
      .split("__")
      .map((part) => part.toLowerCase().replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase()));
    let value: Json;
    try {
      value = JSON.parse(raw) as Json;
    } catch {
      value = raw;
    }
    if (path.length === 1 && path[0] === "markets" && typeof value === "string")
      value = value
        .split(",")
        .map((s) => s.trim())
        .filter(Boolean);
    let node = out;
    for (let i = 0; i < path.length - 1; i++) {
      const k = path[i] as string;
      node[k] = typeof node[k] === "object" && node[k] !== null ? node[k] : {};
      node = node[k] as Record<string, unknown>;
    }
    node[path[path.length - 1] as string] = value;
  }
  return out;
}

function isPlainObject(x: unknown): x is Record<string, unknown> {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

function merge(base: unknown, over: unknown): unknown {
  if (!isPlainObject(base) || !isPlainObject(over)) return over === undefined ? base : over;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = merge(base[k], v);
  return out;
}

function deepFreeze<T>(x: T): T {
  if (typeof x === "object" && x !== null) {
    for (const v of Object.values(x)) deepFreeze(v);
    Object.freeze(x);
  }
  return x;
}

/** Builds the frozen config or throws a ConfigError listing every problem. */
export function loadConfig(sources: ConfigSources): Readonly<BotConfig> {
  const problems: string[] = [];
  if (sources.file !== undefined && !isPlainObject(sources.file)) problems.push("config file: must contain a JSON object");
  const raw = merge(merge(isPlainObject(sources.file) ? sources.file : {}, configFromEnv(sources.env ?? {})), sources.flags ?? {});
  const parsed = ConfigSchema.safeParse(raw);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const path = issue.path.length > 0 ? issue.path.join(".") : "(root)";
      problems.push(`${path}: ${issue.message}`);
    }
  } else {
    if (parsed.data.mode === "live" && !sources.liveFlag)
      problems.push("mode: live trading requires the explicit --live flag on the command line");
    const s = parsed.data.strategy;
    if (s.kind === "bands")
      for (const p of validateBandsStrategyConfig({ ...DEFAULT_BANDS_STRATEGY_CONFIG, ...bandsOptions(s) }))
        problems.push(`strategy: ${p}`);
    // Not silently ignored: the reference strategy has no requote tolerance.
    else if (s.requoteTolerance !== 0) problems.push("strategy.requoteTolerance: only the bands strategy has one");
  }
  if (problems.length > 0 || !parsed.success) throw new ConfigError(problems);
  return deepFreeze(parsed.data);
}

/** The bands strategy's options from the bot's `strategy` section: level i at (i + 1) × minHalfSpread. */
export function bandsOptions(s: BotConfig["strategy"]): Partial<BandsStrategyConfig> {
  const size = Math.round(s.quoteSize * 1_000_000) as Size;
  return {
    bands: Array.from({ length: s.levels }, (_, i) => ({ distance: s.minHalfSpread * (i + 1), size })),
    requoteTolerance: s.requoteTolerance,
  };
}

/** Reads and parses a JSON config file with a clear error. */
export function readConfigFile(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new ConfigError([`config file ${path}: ${(error as NodeJS.ErrnoException).code ?? "unreadable"}`]);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new ConfigError([`config file ${path}: not valid JSON (${(error as Error).message})`]);
  }
}
