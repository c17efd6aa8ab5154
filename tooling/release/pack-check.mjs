#!/usr/bin/env node
// Packs each publishable library (packages/*) with pnpm, installs the tarballs into a scratch
// project with npm, and imports every package there: proves the published shape (dist, exports,
// .d.ts, dependencies) works outside the workspace.
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(fileURLToPath(import.meta.url), "../../..");
const only = process.argv.slice(2).filter((a) => a !== "--");
const libs = readdirSync(join(root, "packages"))
  .map((d) => join(root, "packages", d))
  .filter((d) => existsSync(join(d, "package.json")))
  .map((dir) => ({ dir, manifest: JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) }))
  .filter(({ manifest }) => !manifest.private && (only.length === 0 || only.includes(manifest.name)));

const run = (cmd, args, cwd) => execFileSync(cmd, args, { cwd, stdio: ["ignore", "pipe", "inherit"], encoding: "utf8" });
const scratch = mkdtempSync(join(tmpdir(), "mm-pack-"));
try {
  run(
    "pnpm",
    ["exec", "turbo", "run", "build", "--output-logs=errors-only", ...libs.map(({ manifest }) => `--filter=${manifest.name}`)],
    root,
  );
  const tarballs = [];
  for (const { dir } of libs) {
    const out = run("pnpm", ["pack", "--pack-destination", scratch], dir).trim().split("\n").pop();
    tarballs.push(out.startsWith("/") ? out : join(scratch, out));
  }
  writeFileSync(join(scratch, "package.json"), JSON.stringify({ name: "scratch", private: true, type: "module" }));
  run("npm", ["install", "--no-audit", "--no-fund", "--ignore-scripts", ...tarballs], scratch);
  const checks = libs.map(
    ({ manifest }) =>
      `const m_${manifest.name.replace(/\W/g, "_")} = await import(${JSON.stringify(manifest.name)}); if (Object.keys(m_${manifest.name.replace(/\W/g, "_")}).length === 0) throw new Error("${manifest.name} exports nothing");`,
  );
  writeFileSync(join(scratch, "check.mjs"), `${checks.join("\n")}\nconsole.log("imported ${libs.length} packed libraries");\n`);
  process.stdout.write(run("node", ["check.mjs"], scratch));
  for (const { manifest } of libs) {
    const pkgDir = join(scratch, "node_modules", ...manifest.name.split("/"));
    const installed = JSON.parse(readFileSync(join(pkgDir, "package.json"), "utf8"));
    const types = installed.exports?.["."]?.types;
    if (!types || !existsSync(join(pkgDir, types)))
      throw new Error(`${manifest.name}: packed package has no type declarations at ${types}`);
    if (JSON.stringify(installed.exports).includes("@mm/source"))
      throw new Error(`${manifest.name}: packed exports still point at sources`);
  }
  console.log(`pack check: ok (${libs.map((l) => l.manifest.name).join(", ")})`);
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
