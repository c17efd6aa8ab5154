/**
 * `pnpm bench [-- --smoke] [-- --only <pattern>] [-- --strict]`
 *
 * Discovers `packages/*\/bench/*.bench.ts` and `apps/*\/bench/*.bench.ts` (each default-exports a
 * list of BenchSpec), runs them in this one process against sources (`@mm/source` condition),
 * prints a table and writes `bench-results.json` at the repo root. `--smoke` runs every case on tiny
 * inputs to prove it still works (no file written, exit 1 if any case errored). `--strict` exits 1
 * when a target is missed.
 */
import { readdirSync, existsSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { formatTable, runBenches } from "./run.js";
import type { BenchResult, BenchSpec } from "./types.js";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");

function parseArgs(argv: readonly string[]) {
  const args = argv.filter((a) => a !== "--");
  const onlyIdx = args.indexOf("--only");
  const only = onlyIdx >= 0 ? args[onlyIdx + 1] : undefined;
  if (onlyIdx >= 0 && !only) throw new Error("--only needs a pattern");
  return { smoke: args.includes("--smoke"), strict: args.includes("--strict"), only: only ? new RegExp(only, "i") : undefined };
}

function benchFiles(): string[] {
  const files: string[] = [];
  for (const group of ["packages", "apps"]) {
    const groupDir = join(root, group);
    if (!existsSync(groupDir)) continue;
    for (const pkg of readdirSync(groupDir).sort()) {
      const dir = join(groupDir, pkg, "bench");
      if (!existsSync(dir)) continue;
      for (const f of readdirSync(dir).sort()) if (f.endsWith(".bench.ts")) files.push(join(dir, f));
    }
  }
  return files;
}

async function main(): Promise<number> {
  const { smoke, strict, only } = parseArgs(process.argv.slice(2));
  const results: BenchResult[] = [];
  for (const file of benchFiles()) {
    const mod = (await import(pathToFileURL(file).href)) as { default?: readonly BenchSpec[] };
    if (!Array.isArray(mod.default)) throw new Error(`${relative(root, file)} must default-export a list of BenchSpec`);
    process.stderr.write(`# ${relative(root, file)}\n`);
    results.push(
      ...(await runBenches(mod.default, {
        smoke,
        ...(only ? { only } : {}),
        onResult: (r) => process.stderr.write(`  ${r.pass ? "ok  " : smoke && Number.isFinite(r.value) ? "ran " : "FAIL"} ${r.name}\n`),
      })),
    );
  }
  process.stdout.write(`${formatTable(results)}\n`);
  const errored = results.filter((r) => !Number.isFinite(r.value));
  if (smoke) {
    process.stdout.write(`smoke: ${results.length - errored.length} passed, ${errored.length} failed\n`);
    return errored.length > 0 ? 1 : 0;
  }
  writeFileSync(join(root, "bench-results.json"), `${JSON.stringify(results, null, 2)}\n`);
  const missed = results.filter((r) => !r.pass);
  process.stdout.write(`wrote bench-results.json: ${results.length - missed.length} met target, ${missed.length} missed\n`);
  return strict && missed.length > 0 ? 1 : errored.length > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
