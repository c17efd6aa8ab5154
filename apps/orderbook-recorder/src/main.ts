#!/usr/bin/env node
/** `mm-recorder`: process wiring for the CLI (signals → graceful stop, exit code). */
import { runCli } from "./cli.js";

const stopSignal = new Promise<string>((resolve) => {
  for (const sig of ["SIGTERM", "SIGINT"] as const) process.once(sig, () => resolve(sig));
});

runCli(process.argv.slice(2), {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  stopSignal,
}).then(
  (code) => {
    process.exitCode = code;
    // Timers are unref'd and sockets closed; exit explicitly in case a library keeps a handle.
    setTimeout(() => process.exit(code), 200).unref();
  },
  (e: unknown) => {
    process.stderr.write(`fatal: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(1);
  },
);
