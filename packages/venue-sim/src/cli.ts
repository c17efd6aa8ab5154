/**
 * `pnpm --filter @mm/venue-sim start -- --port 0 [--seed N] [--markets N] [--no-flow] [--taker-fee-bps N [--fee-exponent N]]`
 * Prints exactly one JSON line on stdout when ready (urls + funded test credentials), runs until
 * SIGINT/SIGTERM, then shuts down cleanly. Diagnostics go to stderr.
 */
import { MAX_FEE_EXPONENT, MAX_FEE_RATE_BPS } from "@mm/types";
import { startVenueSim } from "./server/start.js";

interface CliArgs {
  port: number;
  seed: number;
  markets: number;
  flow: boolean;
  windowMs: number | undefined;
  takerFeeBps: number;
  feeExponent: number;
}

function usage(msg: string): never {
  process.stderr.write(
    `venue-sim: ${msg}\nusage: venue-sim [--port N] [--seed N] [--markets N] [--window-sec N] [--no-flow] [--taker-fee-bps N] [--fee-exponent N]\n`,
  );
  process.exit(2);
}

function parseArgs(argv: readonly string[]): CliArgs {
  const a: CliArgs = { port: 0, seed: 1, markets: 3, flow: true, windowMs: undefined, takerFeeBps: 0, feeExponent: 1 };
  const int = (name: string, v: string | undefined, min: number, max: number): number => {
    const n = Number(v);
    if (v === undefined || !/^\d+$/.test(v) || n < min || n > max)
      usage(`${name} expects an integer in [${min}, ${max}], got ${v ?? "nothing"}`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const [flag, inline] = arg.includes("=") ? (arg.split("=", 2) as [string, string]) : [arg, undefined];
    const value = (): string | undefined => inline ?? argv[++i];
    switch (flag) {
      case "--":
        break;
      case "--port":
        a.port = int("--port", value(), 0, 65535);
        break;
      case "--seed":
        a.seed = int("--seed", value(), 0, 2 ** 32 - 1);
        break;
      case "--markets":
        a.markets = int("--markets", value(), 1, 500);
        break;
      case "--window-sec":
        a.windowMs = int("--window-sec", value(), 10, 86_400) * 1000;
        break;
      case "--taker-fee-bps":
        a.takerFeeBps = int("--taker-fee-bps", value(), 0, MAX_FEE_RATE_BPS);
        break;
      case "--fee-exponent":
        a.feeExponent = int("--fee-exponent", value(), 1, MAX_FEE_EXPONENT);
        break;
      case "--no-flow":
        a.flow = false;
        break;
      case "--help":
      case "-h":
        usage("help");
        break;
      default:
        usage(`unknown argument ${arg}`);
    }
  }
  return a;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const sim = await startVenueSim({
    port: args.port,
    seed: args.seed,
    markets: args.markets,
    flow: args.flow,
    ...(args.windowMs !== undefined ? { windowMs: args.windowMs } : {}),
    ...(args.takerFeeBps > 0 ? { fees: { rateBps: args.takerFeeBps, exponent: args.feeExponent } } : {}),
  });
  const s = sim.summary;
  const line = {
    clob: s.clob,
    gamma: s.gamma,
    data: s.data,
    ws: s.ws,
    binance: s.binance,
    binanceWs: s.binanceWs,
    apiKey: s.apiKey,
    secret: s.secret,
    passphrase: s.passphrase,
    address: s.address,
    privateKey: s.privateKey,
  };
  process.stdout.write(`${JSON.stringify(line)}\n`);
  let stopping = false;
  const shutdown = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`venue-sim: ${signal}, shutting down\n`);
    sim.stop().then(
      () => process.exit(0),
      (e: unknown) => {
        process.stderr.write(`venue-sim: shutdown failed: ${e instanceof Error ? e.message : String(e)}\n`);
        process.exit(1);
      },
    );
  };
  process.on("SIGINT", () => shutdown("SIGINT"));
  process.on("SIGTERM", () => shutdown("SIGTERM"));
}

main().catch((e: unknown) => {
  process.stderr.write(`venue-sim: failed to start: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
