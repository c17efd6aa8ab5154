#!/usr/bin/env node
// Sums every package's `.vitest-report.json` (written by the vitest preset) into one closing line:
// `N passed, N failed` (plus `, N skipped`). Exits 1 when any test failed or no report was found.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(fileURLToPath(import.meta.url), "../../..");
let passed = 0;
let failed = 0;
let skipped = 0;
let reports = 0;
for (const group of ["packages", "apps", "tooling"]) {
  const dir = join(root, group);
  if (!existsSync(dir)) continue;
  for (const pkg of readdirSync(dir)) {
    const file = join(dir, pkg, ".vitest-report.json");
    if (!existsSync(file)) continue;
    const r = JSON.parse(readFileSync(file, "utf8"));
    reports++;
    passed += r.numPassedTests ?? 0;
    failed += (r.numFailedTests ?? 0) + (r.success === false && (r.numFailedTests ?? 0) === 0 ? 1 : 0);
    skipped += (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
  }
}
if (reports === 0) {
  console.log("0 passed, 1 failed");
  console.error("no .vitest-report.json found: did `pnpm test` run?");
  process.exit(1);
}
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
process.exit(failed > 0 ? 1 : 0);
