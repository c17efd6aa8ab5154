/**
 * The bot's process life: command line → config → credentials → logger → Bot → status view,
 * /health + /metrics → duration or signal → ordered shutdown → summary. `main.ts` only calls it.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { deriveCredentials, TEST_ADDRESS, TEST_PRIVATE_KEY } from "@mm/venue-sim";
import { pino, type Logger } from "pino";
import { Bot, type BotSummary } from "./bot.js";
import { CliError, parseCliArgs, USAGE } from "./cli-args.js";
import { type BotConfig, ConfigError, loadConfig, readConfigFile } from "./config.js";
import { CredentialsError, type LiveCredentials, loadLiveCredentials, secretValues } from "./credentials.js";
import { type ObservabilityServer, startObservabilityServer } from "./http-server.js";
import { createLogger } from "./logger.js";
import { BotMetrics } from "./metrics.js";
import { type ShutdownReport, ShutdownCoordinator } from "./shutdown.js";
import { renderStatus, statusLine } from "./status-view.js";

export interface RunIo {
  readonly argv: readonly string[];
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly stdout: NodeJS.WriteStream | (NodeJS.WritableStream & { isTTY?: boolean });
  readonly stderr: NodeJS.WritableStream;
  /** Process signals (SIGINT/SIGTERM); omit in tests. */
  readonly signals?: NodeJS.Process;
  readonly exit?: (code: number) => void;
}

export const EXIT = { ok: 0, failure: 1, usage: 2, forced: 130 } as const;

/** Secrets of the simulator's funded test account: scrubbed from logs like real ones. */
function simSecrets(): string[] {
  const c = deriveCredentials(TEST_ADDRESS, "0", "venue-sim");
  return [TEST_PRIVATE_KEY, TEST_PRIVATE_KEY.slice(2), c.secret, c.passphrase];
}

export async function run(io: RunIo): Promise<number> {
  // -- command line, configuration, credentials (every problem listed, nothing started yet) ----
  let config: Readonly<BotConfig>;
  let credentials: LiveCredentials | undefined;
  try {
    const args = parseCliArgs(io.argv);
    if (args.help) {
      io.stdout.write(`${USAGE}\n`);
      return EXIT.ok;
    }
    config = loadConfig({
      ...(args.configFile !== undefined ? { file: readConfigFile(args.configFile) } : {}),
      env: io.env,
      flags: args.flags,
      liveFlag: args.liveFlag,
    });
    if (config.mode === "live") credentials = loadLiveCredentials(io.env);
  } catch (error) {
    if (error instanceof CliError || error instanceof ConfigError) {
      io.stderr.write(`mm-bot: ${error.message}\n`);
      return EXIT.usage;
    }
    if (error instanceof CredentialsError) {
      io.stderr.write(
        `mm-bot: refusing to start in live mode: ${error.message}\n` +
          "Set them in the environment (never in a config file), or run without --live for the simulator.\n",
      );
      return EXIT.usage;
    }
    throw error;
  }

  // -- presentation mode and logger --------------------------------------------------------------
  const tty = io.stdout.isTTY === true;
  const view = config.statusView === "auto" ? (tty ? "screen" : "lines") : config.statusView;
  const secrets = [...secretValues(credentials), ...(config.mode === "sim" ? simSecrets() : [])];
  let logFile: string | undefined;
  let log: Logger;
  if (view === "screen") {
    logFile = join(dirname(config.journalPath === ":memory:" ? "data/x" : config.journalPath), "bot.log");
    mkdirSync(dirname(logFile), { recursive: true });
    log = createLogger({ level: config.logLevel, secrets, destination: pino.destination({ dest: logFile, sync: false, mkdir: true }) });
  } else {
    log = createLogger({ level: config.logLevel, secrets, destination: io.stdout as NodeJS.WritableStream as never });
  }
  log.info(
    { mode: config.mode, dryRun: config.dryRun, markets: config.markets, durationSeconds: config.durationSeconds, statusView: view },
    "mm-bot starting",
  );
  if (config.mode === "live")
    log.warn(
      { dryRun: config.dryRun },
      config.dryRun ? "LIVE endpoints, dry run: no order will be submitted" : "LIVE TRADING with real funds",
    );

  const metrics = new BotMetrics();
  const bot = new Bot({ config, logger: log, metrics, ...(credentials !== undefined ? { credentials } : {}) });
  let http: ObservabilityServer | undefined;
  let statusTimer: NodeJS.Timeout | undefined;
  let durationTimer: NodeJS.Timeout | undefined;
  const forceExit = io.exit ?? ((code: number) => process.exit(code));

  const coordinator = new ShutdownCoordinator(
    [
      { name: "stop strategy", run: () => bot.stopStrategy() },
      { name: "cancel-all", safety: true, run: () => bot.cancelAll(), timeoutMs: 10_000 },
      { name: "settle and compare balances", run: () => bot.checkBalances().then(() => {}), timeoutMs: config.settleWaitMs + 10_000 },
      { name: "stop feeds", run: () => bot.stopFeeds(), timeoutMs: 10_000 },
      { name: "flush journal", run: () => bot.flushJournal(), timeoutMs: 10_000 },
    ],
    {
      forceExit: (code) => {
        log.warn("forced exit");
        log.flush();
        forceExit(code);
      },
      log: (m) => {
        log.warn(m);
        if (view === "screen") io.stderr.write(`\n${m}\n`);
      },
      ...(io.signals !== undefined ? { signals: io.signals } : {}),
    },
  );
  let stopRequested!: (reason: string) => void;
  const stopSignal = new Promise<string>((r) => {
    stopRequested = r;
  });

  let failed = false;
  try {
    await bot.start();
    if (config.http.port >= 0) {
      http = await startObservabilityServer({
        host: config.http.host,
        port: config.http.port,
        registry: metrics.registry,
        health: () => bot.health(),
      });
      log.info({ url: http.url }, "/health and /metrics listening");
    }
    if (view !== "off") {
      const draw = (): void => {
        const status = bot.status();
        if (view === "screen") {
          io.stdout.write(`\x1b[H\x1b[2J${renderStatus(status)}\n\n(logs: ${logFile}; Ctrl-C stops: cancel-all first)\n`);
        } else {
          const c = status.counters;
          log.info(
            { status: "summary", ...c, feeds: Object.fromEntries(status.feeds.map((f) => [f.name, f.state])) },
            `status mode=${status.mode} placed=${c.ordersPlaced} cancels=${c.cancels} fills=${c.fills} rejects=${c.rejects}`,
          );
          for (const m of status.markets) log.info({ status: "market", market: m.label }, statusLine(m));
        }
      };
      statusTimer = setInterval(draw, config.statusIntervalMs);
      statusTimer.unref();
    }
    if (config.durationSeconds !== undefined) {
      durationTimer = setTimeout(() => stopRequested("duration elapsed"), config.durationSeconds * 1000);
    }
    // A signal starts the coordinator directly; either way we wait for the same shutdown.
    const reason = await Promise.race([stopSignal, waitForShutdown(coordinator)]);
    log.info({ reason }, "stopping");
  } catch (error) {
    failed = true;
    log.error({ err: error instanceof Error ? error.message : String(error) }, "bot failed; shutting down safely");
    io.stderr.write(`mm-bot: ${error instanceof Error ? error.message : String(error)}\n`);
  }
  clearTimeout(durationTimer);
  clearInterval(statusTimer);
  const report: ShutdownReport = await coordinator.shutdown(failed ? "failure" : "stop");
  for (const s of report.steps) log[s.ok ? "info" : "error"]({ step: s.name, ok: s.ok, ms: s.ms, error: s.error }, `shutdown: ${s.name}`);
  await http?.close();

  const summary: BotSummary = bot.summary();
  log.info({ summary }, "run summary");
  if (config.summaryJson !== undefined) {
    mkdirSync(dirname(config.summaryJson), { recursive: true });
    writeFileSync(config.summaryJson, `${JSON.stringify(summary, null, 2)}\n`);
  }
  if (view === "screen") io.stdout.write(`\n${renderStatus(bot.status())}\n\nsummary: ${JSON.stringify(summary)}\n`);
  await new Promise<void>((r) => log.flush(() => r()));
  return failed ? EXIT.failure : EXIT.ok;
}

/** Resolves when a signal has started the coordinator's shutdown. */
function waitForShutdown(c: ShutdownCoordinator): Promise<string> {
  return new Promise((resolve) => {
    const t = setInterval(() => {
      if (c.isShuttingDown) {
        clearInterval(t);
        resolve("signal");
      }
    }, 50);
  });
}
