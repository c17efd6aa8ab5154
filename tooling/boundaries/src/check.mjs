// Dependency-boundary check: enforces ALLOWED from package.json dependencies AND from the import
// statements actually written in each package's sources, and rejects cycles.
//
// Production code (src/, excluding *.test.ts) and `dependencies` must follow the arrows exactly.
// Tests, benches and `devDependencies` may also use other workspace packages (feeds' tests talk to
// @mm/venue-sim over loopback), but never in a way that closes a cycle.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, resolve, sep } from "node:path";
import { ALLOWED, TOOLING } from "./rules.mjs";

const IMPORT_RE =
  /(?:^|[\s;])(?:import|export)\s(?:[^'"`;]*?\sfrom\s)?["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)|require\(\s*["']([^"']+)["']\s*\)/g;

/** @param {string} spec */
export function workspacePackageOf(spec) {
  if (spec.startsWith("@mm/")) {
    const parts = spec.split("/");
    return { name: `${parts[0]}/${parts[1]}`, subpath: parts.slice(2).join("/") };
  }
  for (const app of ["bot", "backtester", "orderbook-recorder"]) {
    if (spec === app || spec.startsWith(`${app}/`)) return { name: app, subpath: spec.slice(app.length + 1) };
  }
  return undefined;
}

/** @param {string} source */
export function importsOf(source) {
  const out = [];
  const stripped = source.replace(/\/\*[\s\S]*?\*\//g, "").replace(/(^|[^:])\/\/.*$/gm, "$1");
  for (const m of stripped.matchAll(IMPORT_RE)) out.push(m[1] ?? m[2] ?? m[3]);
  return out;
}

function walk(dir, files = []) {
  if (!existsSync(dir)) return files;
  for (const entry of readdirSync(dir)) {
    if (entry === "node_modules" || entry === "dist" || entry.startsWith(".")) continue;
    const p = join(dir, entry);
    if (statSync(p).isDirectory()) walk(p, files);
    else if (/\.(c|m)?(t|j)sx?$/.test(entry) && !entry.endsWith(".d.ts")) files.push(p);
  }
  return files;
}

function isTestFile(relPath) {
  return /\.(test|spec|bench)\.(c|m)?(t|j)s$/.test(relPath) || /^(test|bench)\//.test(relPath);
}

/** Reads the workspace's packages (packages/*, apps/*, tooling/*). */
export function readWorkspace(root) {
  const pkgs = [];
  for (const group of ["packages", "apps", "tooling"]) {
    const groupDir = join(root, group);
    if (!existsSync(groupDir)) continue;
    for (const entry of readdirSync(groupDir).sort()) {
      const dir = join(groupDir, entry);
      const manifestPath = join(dir, "package.json");
      if (!existsSync(manifestPath)) continue;
      const manifest = JSON.parse(readFileSync(manifestPath, "utf8"));
      pkgs.push({ name: manifest.name, dir, group, manifest });
    }
  }
  return pkgs;
}

function findCycle(graph) {
  const state = new Map();
  const stack = [];
  const visit = (node) => {
    state.set(node, 1);
    stack.push(node);
    for (const next of graph.get(node) ?? []) {
      if (!graph.has(next)) continue;
      if (state.get(next) === 1) return [...stack.slice(stack.indexOf(next)), next];
      if (!state.has(next)) {
        const found = visit(next);
        if (found) return found;
      }
    }
    stack.pop();
    state.set(node, 2);
    return undefined;
  };
  for (const node of [...graph.keys()].sort()) {
    if (!state.has(node)) {
      const found = visit(node);
      if (found) return found;
    }
  }
  return undefined;
}

/**
 * @param {string} root workspace root
 * @returns {{ violations: string[], checkedFiles: number, packages: number }}
 */
export function checkBoundaries(root) {
  const absRoot = resolve(root);
  const pkgs = readWorkspace(absRoot);
  const names = new Set(pkgs.map((p) => p.name));
  const violations = [];
  const fullGraph = new Map();
  let checkedFiles = 0;

  for (const pkg of pkgs) {
    const isTooling = pkg.group === "tooling";
    const allowed = ALLOWED[pkg.name];
    if (!isTooling && !allowed) {
      violations.push(`${pkg.name}: not in the architecture's package list (tooling/boundaries/src/rules.mjs)`);
      continue;
    }
    const deps = Object.keys(pkg.manifest.dependencies ?? {});
    const devDeps = Object.keys(pkg.manifest.devDependencies ?? {});
    const edges = new Set();

    for (const dep of deps) {
      if (!names.has(dep)) continue;
      if (TOOLING.has(dep)) violations.push(`${pkg.name}: tooling package ${dep} must not be a runtime dependency`);
      else if (!isTooling && !allowed.includes(dep))
        violations.push(`${pkg.name}: package.json depends on ${dep}, which the architecture forbids`);
      edges.add(dep);
    }
    for (const dep of devDeps) if (names.has(dep) && !TOOLING.has(dep)) edges.add(dep);

    for (const file of walk(pkg.dir)) {
      const rel = relative(pkg.dir, file).split(sep).join("/");
      checkedFiles++;
      const testOnly = isTestFile(rel);
      for (const spec of importsOf(readFileSync(file, "utf8"))) {
        if (spec.startsWith(".")) {
          const target = resolve(join(file, ".."), spec);
          if (!target.startsWith(pkg.dir + sep) && target !== pkg.dir) {
            violations.push(`${pkg.name}: ${rel} reaches outside its package with a relative import "${spec}"`);
          }
          continue;
        }
        const ws = workspacePackageOf(spec);
        if (!ws || !names.has(ws.name) || ws.name === pkg.name) continue;
        if (TOOLING.has(ws.name)) {
          if (!testOnly && !isTooling && !rel.endsWith(".config.ts"))
            violations.push(`${pkg.name}: ${rel} imports tooling package ${ws.name} from production code`);
          continue;
        }
        if (ws.subpath.startsWith("src")) violations.push(`${pkg.name}: ${rel} deep-imports "${spec}"; use the package's public exports`);
        if (!deps.includes(ws.name) && !devDeps.includes(ws.name)) {
          violations.push(`${pkg.name}: ${rel} imports ${ws.name}, which is not declared in package.json`);
        }
        if (!testOnly && !isTooling && !allowed.includes(ws.name)) {
          violations.push(
            `${pkg.name}: ${rel} imports ${ws.name}, which the architecture forbids (allowed: ${allowed.join(", ") || "nothing"})`,
          );
        }
        edges.add(ws.name);
      }
    }
    fullGraph.set(pkg.name, edges);
  }

  const cycle = findCycle(fullGraph);
  if (cycle) violations.push(`dependency cycle: ${cycle.join(" -> ")}`);
  return { violations, checkedFiles, packages: pkgs.length };
}
