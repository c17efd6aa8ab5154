#!/usr/bin/env node
/** mm-bot entry point: `pnpm start` (sim mode by default). See README.md. */
import { run } from "./run.js";

run({ argv: process.argv.slice(2), env: process.env, stdout: process.stdout, stderr: process.stderr, signals: process }).then(
  (code) => {
    process.exitCode = code;
    // Anything still holding the event loop (a half-closed socket) must not keep a finished bot alive.
    setTimeout(() => process.exit(code), 3_000).unref();
  },
  (error: unknown) => {
    process.stderr.write(`mm-bot: fatal: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
