/** Test helpers: a fast-settling sim config, a capturing logger, polling waits, the bot's shutdown order. */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import type { Logger } from "pino";
import type { Bot } from "../src/bot.js";
import { type BotConfig, loadConfig } from "../src/config.js";
import { createLogger } from "../src/logger.js";

export function tempDir(prefix = "mm-bot-"): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Sim settings for tests: quick settlement, brisk taker flow, no random FAILED trades. */
export function fastSimConfig(flags: Record<string, unknown> = {}, dir = tempDir()): Readonly<BotConfig> {
  return loadConfig({
    file: {
      sim: { minedDelayMs: 300, confirmedDelayMs: 300, takerRatePerSec: 4, failedTradeProbability: 0 },
      http: { port: -1 },
      journalPath: join(dir, "journal.sqlite"),
      statusView: "off",
      settleWaitMs: 8_000,
      marketStallMs: 2_000,
      logLevel: "info",
    },
    flags,
  });
}

export interface Captured {
  readonly lines: string[];
  readonly logger: Logger;
  text(): string;
}

/** A stream that keeps what is written to it (a stand-in for stdout/stderr or a log destination). */
export function sink(): { stream: Writable & { isTTY?: boolean }; lines: string[]; text: () => string } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      lines.push(String(chunk));
      cb();
    },
  });
  return { stream, lines, text: () => lines.join("") };
}

export function captureLogger(secrets: readonly string[] = [], level = "info"): Captured {
  const { stream, lines, text } = sink();
  return { lines, logger: createLogger({ level, secrets, destination: stream }), text };
}

export async function waitFor(pred: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const t0 = Date.now();
  while (!pred()) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** The production shutdown order, as the ShutdownCoordinator runs it. */
export async function shutdownBot(bot: Bot): Promise<void> {
  bot.stopStrategy();
  await bot.cancelAll();
  await bot.checkBalances();
  await bot.stopFeeds();
  await bot.flushJournal();
}
