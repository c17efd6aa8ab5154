#!/usr/bin/env node
// `pnpm start`: builds and runs the bot in sim mode. Until apps/bot exists (issue #10) it says so
// clearly instead of failing, and points at what can already be run.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(fileURLToPath(import.meta.url), "../../..");
const args = process.argv.slice(2).filter((a) => a !== "--");
if (!existsSync(resolve(root, "apps/bot/src/main.ts"))) {
  console.log(
    [
      "Install complete. The bot (apps/bot, sim mode) arrives in a later step of the project.",
      "What runs today:",
      "  pnpm test                                   # every test",
      "  pnpm bench -- --smoke                       # every benchmark on tiny inputs",
      existsSync(resolve(root, "packages/venue-sim/src/cli.ts"))
        ? "  pnpm --filter @mm/venue-sim start -- --port 0   # the local Polymarket venue simulator"
        : "",
    ]
      .filter(Boolean)
      .join("\n"),
  );
  process.exit(0);
}
const run = (cmd, argv) => spawnSync(cmd, argv, { cwd: root, stdio: "inherit" }).status ?? 1;
const built = run("pnpm", ["exec", "turbo", "run", "build", "--filter=bot", "--output-logs=errors-only"]);
if (built !== 0) process.exit(built);
process.exit(run("pnpm", ["--filter", "bot", "start", ...(args.length ? ["--", ...args] : [])]));
