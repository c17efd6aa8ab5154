#!/usr/bin/env node
/**
 * mm-backtest: generate, convert and replay sessions.
 *
 *   mm-backtest synth   --seed 7 [--minutes 15] --out session.mmtape [--jsonl session.jsonl]
 *   mm-backtest convert --in session.jsonl --out session.mmtape
 *   mm-backtest import  --recorder-dir /data/pm --markets markets.json [--from ISO] [--to ISO] --out x.mmtape
 *   mm-backtest run     --tape session.(mmtape|jsonl) --config run.json [--seed N] [--out-dir out] [--cache-dir .bt-cache]
 *   mm-backtest parity  --tape x.mmtape --journal-db bot.sqlite --session RUN_ID --config run.json [--window-ms 5000] [--out parity.json]
 *   mm-backtest parity  --segments /data/pm --journal-db bot.sqlite --session RUN_ID [--sim-config venue-sim.json]
 *                       [--window-ms 1000] [--no-strip] [--out parity.json] [--out-dir out]
 *   mm-backtest sweep   --tape session.mmtape --config run.json --grid grid.json [--workers 2] [--out sweep.json]
 *
 * `run` writes summary.json, fills.jsonl and report.html into --out-dir and prints the summary.
 * Exit codes: 0 ok, 2 bad usage / config / input.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { ConfigError, parseRunConfig } from "./config.js";
import { renderReport } from "./report.js";
import { runBacktest } from "./run.js";
import { runSweep } from "./sweep.js";
import { generateSyntheticSession } from "./synthetic.js";
import type { Tape } from "./tape.js";
import { readJournalSession } from "./journal-input.js";
import { formatParity, runParity } from "./parity.js";
import { parityFromRecording } from "./parity-session.js";
import { parseVenueSimSettings } from "./sim-params.js";
import { tapeFromRecorder } from "./recorder-input.js";
import {
  loadTapeCached,
  parseMarketList,
  readTapeFile,
  TapeFormatError,
  tapeFromJsonLines,
  tapeToJsonLines,
  writeTapeFile,
} from "./tape-file.js";

class UsageError extends Error {}

function loadTape(path: string, cacheDir: string | undefined): Tape {
  if (path.endsWith(".mmtape")) return readTapeFile(path);
  if (cacheDir) return loadTapeCached(path, cacheDir).tape;
  return tapeFromJsonLines(readFileSync(path, "utf8"));
}

function need(v: string | undefined, name: string): string {
  if (v === undefined || v === "") throw new UsageError(`missing --${name}`);
  return v;
}

async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  const { values } = parseArgs({
    args: rest,
    options: {
      seed: { type: "string" },
      minutes: { type: "string" },
      out: { type: "string" },
      jsonl: { type: "string" },
      in: { type: "string" },
      tape: { type: "string" },
      config: { type: "string" },
      "out-dir": { type: "string" },
      "cache-dir": { type: "string" },
      grid: { type: "string" },
      workers: { type: "string" },
      "recorder-dir": { type: "string" },
      markets: { type: "string" },
      from: { type: "string" },
      to: { type: "string" },
      "journal-db": { type: "string" },
      session: { type: "string" },
      "window-ms": { type: "string" },
      segments: { type: "string" },
      "sim-config": { type: "string" },
      "no-strip": { type: "boolean" },
    },
    strict: true,
  });
  switch (cmd) {
    case "synth": {
      const seed = Number(need(values.seed, "seed"));
      const minutes = Number(values.minutes ?? "15");
      if (!Number.isInteger(seed) || !(minutes > 0)) throw new UsageError("--seed must be an integer and --minutes > 0");
      const tape = generateSyntheticSession({ seed, durationMs: minutes * 60_000 });
      writeTapeFile(need(values.out, "out"), tape);
      if (values.jsonl) writeFileSync(values.jsonl, tapeToJsonLines(tape));
      process.stdout.write(`${JSON.stringify({ events: tape.length, out: values.out })}\n`);
      return 0;
    }
    case "convert": {
      const tape = tapeFromJsonLines(readFileSync(need(values.in, "in"), "utf8"));
      writeTapeFile(need(values.out, "out"), tape);
      process.stdout.write(`${JSON.stringify({ events: tape.length, out: values.out })}\n`);
      return 0;
    }
    case "import": {
      const markets = parseMarketList(JSON.parse(readFileSync(need(values.markets, "markets"), "utf8")));
      const time = (v: string | undefined, name: string): number | undefined => {
        if (v === undefined) return undefined;
        const ms = Date.parse(v);
        if (!Number.isFinite(ms)) throw new UsageError(`--${name} is not a date: ${v}`);
        return ms;
      };
      const fromMs = time(values.from, "from");
      const toMs = time(values.to, "to");
      const stats = { frames: 0, events: 0, decodeErrors: 0, skipped: 0 };
      const tape = await tapeFromRecorder(
        {
          dir: need(values["recorder-dir"], "recorder-dir"),
          markets,
          ...(fromMs !== undefined ? { fromMs } : {}),
          ...(toMs !== undefined ? { toMs } : {}),
        },
        stats,
      );
      writeTapeFile(need(values.out, "out"), tape);
      process.stdout.write(`${JSON.stringify({ tapeEvents: tape.length, out: values.out, ...stats })}\n`);
      return 0;
    }
    case "run": {
      const tape = loadTape(need(values.tape, "tape"), values["cache-dir"]);
      const config = parseRunConfig(JSON.parse(readFileSync(need(values.config, "config"), "utf8")));
      const seeded = values.seed !== undefined ? { ...config, seed: Number(values.seed) } : config;
      const result = runBacktest(tape, seeded);
      const outDir = resolve(values["out-dir"] ?? "backtest-out");
      mkdirSync(outDir, { recursive: true });
      writeFileSync(join(outDir, "summary.json"), `${result.summaryJson}\n`);
      writeFileSync(join(outDir, "fills.jsonl"), result.fills.map((f) => JSON.stringify(f)).join("\n") + (result.fills.length ? "\n" : ""));
      writeFileSync(
        join(outDir, "report.html"),
        renderReport({
          summary: result.summary,
          series: result.series,
          fills: result.fills,
          marketNames: tape.markets.map((m) => m.question),
        }),
      );
      process.stdout.write(`${JSON.stringify(result.summary, null, 2)}\n`);
      return 0;
    }
    case "parity": {
      if (values.segments !== undefined) {
        const entries = await readJournalSession(need(values["journal-db"], "journal-db"), need(values.session, "session"));
        if (entries.length === 0) throw new UsageError(`no journal entries for session ${values.session}`);
        const windowMs = Number(values["window-ms"] ?? "1000");
        if (!(windowMs >= 0)) throw new UsageError("--window-ms must be ≥ 0");
        const venueSim = parseVenueSimSettings(values["sim-config"] ? JSON.parse(readFileSync(values["sim-config"], "utf8")) : {});
        const p = await parityFromRecording({
          segmentsDir: values.segments,
          journal: entries,
          venueSim,
          windowMs,
          ...(values["no-strip"] ? { strip: false as const } : {}),
        });
        const text = `${JSON.stringify({ parity: p.report, strip: p.strip ?? null, notes: p.notes, import: p.importStats, summary: p.result.summary }, null, 2)}\n`;
        if (values.out) writeFileSync(values.out, text);
        if (values["out-dir"]) {
          const outDir = resolve(values["out-dir"]);
          mkdirSync(outDir, { recursive: true });
          writeFileSync(join(outDir, "parity.json"), text);
          writeFileSync(
            join(outDir, "report.html"),
            renderReport({
              title: `Parity — session ${values.session}`,
              summary: p.result.summary,
              series: p.result.series,
              fills: p.result.fills,
              marketNames: p.markets.map((m) => m.question),
              parity: p.report,
              parityNotes: p.strip
                ? { "own orders stripped": p.strip.orders, "own deltas forced": p.strip.forced }
                : { "own orders": "not stripped" },
            }),
          );
        }
        process.stdout.write(`${formatParity(p.report)}\n`);
        return 0;
      }
      const tape = loadTape(need(values.tape, "tape"), values["cache-dir"]);
      const config = parseRunConfig(JSON.parse(readFileSync(need(values.config, "config"), "utf8")));
      const entries = await readJournalSession(need(values["journal-db"], "journal-db"), need(values.session, "session"));
      if (entries.length === 0) throw new UsageError(`no journal entries for session ${values.session}`);
      const windowMs = Number(values["window-ms"] ?? "5000");
      if (!(windowMs >= 0)) throw new UsageError("--window-ms must be ≥ 0");
      const { strategy: _unused, ...rest } = config;
      const { report } = runParity(tape, entries, rest, windowMs);
      const text = `${JSON.stringify(report, null, 2)}\n`;
      if (values.out) writeFileSync(values.out, text);
      process.stdout.write(text);
      return 0;
    }
    case "sweep": {
      const tapePath = resolve(need(values.tape, "tape"));
      if (!tapePath.endsWith(".mmtape")) throw new UsageError("sweep reads a binary .mmtape (use convert first)");
      const config = JSON.parse(readFileSync(need(values.config, "config"), "utf8")) as unknown;
      parseRunConfig(config);
      const grid = JSON.parse(readFileSync(need(values.grid, "grid"), "utf8")) as Record<string, unknown[]>;
      const table = await runSweep({ tapePath, baseConfig: config, grid, workers: Number(values.workers ?? "2") });
      const text = `${JSON.stringify(table, null, 2)}\n`;
      if (values.out) writeFileSync(values.out, text);
      process.stdout.write(text);
      return 0;
    }
    default:
      throw new UsageError(`unknown command "${cmd ?? ""}" (synth | convert | import | run | parity | sweep)`);
  }
}

// `pnpm --filter backtester start -- run …` passes the separator through.
const argv = process.argv.slice(2);
main(argv[0] === "--" ? argv.slice(1) : argv).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    const code = (e as { code?: unknown } | undefined)?.code;
    if (code === "ENOENT" || code === "EACCES" || code === "EISDIR" || (typeof code === "string" && code.startsWith("ERR_PARSE_ARGS"))) {
      process.stderr.write(`mm-backtest: ${(e as Error).message}\n`);
      process.exitCode = 2;
      return;
    }
    if (
      e instanceof UsageError ||
      e instanceof ConfigError ||
      e instanceof TapeFormatError ||
      e instanceof SyntaxError ||
      e instanceof RangeError
    ) {
      process.stderr.write(`mm-backtest: ${(e as Error).message}\n`);
      process.exitCode = 2;
      return;
    }
    process.stderr.write(`mm-backtest: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exitCode = 1;
  },
);
