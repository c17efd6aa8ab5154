/**
 * Command-line flags → config overrides. Unknown flags and missing values are errors (listed all at
 * once); `--live` is kept separate because only it may enable live trading.
 */
import { parseArgs } from "node:util";

export interface CliArgs {
  readonly configFile?: string;
  readonly liveFlag: boolean;
  readonly flags: Record<string, unknown>;
  readonly help: boolean;
}

export const USAGE = `usage: mm-bot [options]
  --config <file>        JSON config file (see README: configuration)
  --live                 trade on Polymarket for real (needs POLY_* credentials in the environment)
  --dry-run              everything but order submission; intended orders are logged and counted
  --market <slug|id>     market to trade (repeatable); default: active BTC up/down markets
  --duration <seconds>   run for a fixed time, then shut down cleanly
  --summary-json <file>  write the end-of-run summary here
  --seed <n>             simulator seed (sim mode)
  --sim-markets <n>      number of simulated markets (sim mode)
  --no-flow              no simulated order flow (sim mode)
  --http-port <port>     /health and /metrics port (0 = any free port, -1 = off)
  --journal <file>       SQLite execution journal path
  --log-level <level>    fatal|error|warn|info|debug|trace|silent
  -h, --help             this text`;

export class CliError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`${problems.join("\n")}\n\n${USAGE}`);
    this.name = "CliError";
  }
}

function toNumber(name: string, raw: string | undefined, problems: string[]): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (raw.trim() === "" || !Number.isFinite(n)) {
    problems.push(`--${name} expects a number, got "${raw}"`);
    return undefined;
  }
  return n;
}

export function parseCliArgs(argv: readonly string[]): CliArgs {
  let values: ReturnType<typeof parse>["values"];
  try {
    values = parse(argv).values;
  } catch (error) {
    throw new CliError([(error as Error).message]);
  }
  const problems: string[] = [];
  const flags: Record<string, unknown> = {};
  if (values.live) flags.mode = "live";
  if (values["dry-run"]) flags.dryRun = true;
  if (values.market && values.market.length > 0) flags.markets = values.market;
  const duration = toNumber("duration", values.duration, problems);
  if (duration !== undefined) flags.durationSeconds = duration;
  if (values["summary-json"]) flags.summaryJson = values["summary-json"];
  const seed = toNumber("seed", values.seed, problems);
  const simMarkets = toNumber("sim-markets", values["sim-markets"], problems);
  if (seed !== undefined || simMarkets !== undefined || values["no-flow"]) {
    flags.sim = {
      ...(seed !== undefined ? { seed } : {}),
      ...(simMarkets !== undefined ? { markets: simMarkets } : {}),
      ...(values["no-flow"] ? { flow: false } : {}),
    };
  }
  const port = toNumber("http-port", values["http-port"], problems);
  if (port !== undefined) flags.http = { port };
  if (values.journal) flags.journalPath = values.journal;
  if (values["log-level"]) flags.logLevel = values["log-level"];
  if (problems.length > 0) throw new CliError(problems);
  return {
    ...(values.config ? { configFile: values.config } : {}),
    liveFlag: values.live === true,
    flags,
    help: values.help === true,
  };
}

/** `--http-port -1` → `--http-port=-1`: a negative number is a value, not an option. */
function joinNegativeValues(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    const next = argv[i + 1];
    if (a.startsWith("--") && !a.includes("=") && next !== undefined && /^-\d+(\.\d+)?$/.test(next)) {
      out.push(`${a}=${next}`);
      i++;
    } else out.push(a);
  }
  return out;
}

function parse(argv: readonly string[]) {
  return parseArgs({
    args: joinNegativeValues(argv.filter((a) => a !== "--")),
    strict: true,
    allowPositionals: false,
    options: {
      config: { type: "string" },
      live: { type: "boolean" },
      "dry-run": { type: "boolean" },
      market: { type: "string", multiple: true },
      duration: { type: "string" },
      "summary-json": { type: "string" },
      seed: { type: "string" },
      "sim-markets": { type: "string" },
      "no-flow": { type: "boolean" },
      "http-port": { type: "string" },
      journal: { type: "string" },
      "log-level": { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
}
