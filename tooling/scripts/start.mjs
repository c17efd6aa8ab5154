#!/usr/bin/env node
// `pnpm start [-- flags]`: builds the bot (and the libraries it uses) with turbo, then runs it in
// sim mode by default, passing the flags through (`pnpm start -- --duration 60 --dry-run`).
import { spawnSync } from "node:child_process";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(fileURLToPath(import.meta.url), "../../..");
const args = process.argv.slice(2).filter((a) => a !== "--");
// Ctrl-C reaches the whole process group; the bot runs its ordered shutdown, so this wrapper must
// not die first and hand the terminal back while the bot is still cancelling orders.
process.on("SIGINT", () => {});
process.on("SIGTERM", () => {});
const run = (cmd, argv) => spawnSync(cmd, argv, { cwd: root, stdio: "inherit" }).status ?? 1;
const built = run("pnpm", ["exec", "turbo", "run", "build", "--filter=bot", "--output-logs=errors-only"]);
if (built !== 0) process.exit(built);
process.exit(run("pnpm", ["--filter", "bot", "start", ...(args.length ? ["--", ...args] : [])]));
