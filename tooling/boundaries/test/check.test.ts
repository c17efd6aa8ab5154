import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { checkBoundaries, importsOf } from "../src/check.mjs";

let roots: string[] = [];
afterEach(() => {
  for (const r of roots) rmSync(r, { recursive: true, force: true });
  roots = [];
});

type Pkg = { dir: string; name: string; deps?: string[]; devDeps?: string[]; files?: Record<string, string> };

function workspace(pkgs: Pkg[]): string {
  const root = mkdtempSync(join(tmpdir(), "mm-boundaries-"));
  roots.push(root);
  for (const p of pkgs) {
    const dir = join(root, p.dir);
    mkdirSync(dir, { recursive: true });
    const asMap = (xs?: string[]) => Object.fromEntries((xs ?? []).map((d) => [d, "workspace:*"]));
    writeFileSync(
      join(dir, "package.json"),
      JSON.stringify({ name: p.name, dependencies: asMap(p.deps), devDependencies: asMap(p.devDeps) }),
    );
    for (const [file, text] of Object.entries(p.files ?? {})) {
      mkdirSync(dirname(join(dir, file)), { recursive: true });
      writeFileSync(join(dir, file), text);
    }
  }
  return root;
}

const types: Pkg = { dir: "packages/types", name: "@mm/types", files: { "src/index.ts": "export const x = 1;\n" } };

describe("checkBoundaries", () => {
  it("accepts the allowed arrows", () => {
    const root = workspace([
      types,
      {
        dir: "packages/executor",
        name: "@mm/executor",
        deps: ["@mm/types"],
        files: { "src/index.ts": 'import { x } from "@mm/types";\nexport const y = x;\n' },
      },
    ]);
    expect(checkBoundaries(root).violations).toEqual([]);
  });

  it("fails on a forbidden import (feeds importing executor) even when package.json is silent", () => {
    const root = workspace([
      types,
      { dir: "packages/executor", name: "@mm/executor", deps: ["@mm/types"], files: { "src/index.ts": "export const e = 1;\n" } },
      {
        dir: "packages/feeds",
        name: "@mm/feeds",
        deps: ["@mm/types"],
        files: { "src/market.ts": 'import { e } from "@mm/executor";\nexport const f = e;\n' },
      },
    ]);
    const { violations } = checkBoundaries(root);
    expect(violations).toContain("@mm/feeds: src/market.ts imports @mm/executor, which is not declared in package.json");
    expect(violations.some((v) => v.includes("imports @mm/executor, which the architecture forbids"))).toBe(true);
  });

  it("fails on a forbidden package.json dependency", () => {
    const root = workspace([
      types,
      { dir: "packages/gateway", name: "@mm/gateway", deps: ["@mm/types"], files: { "src/index.ts": "export {};\n" } },
      { dir: "packages/strategy", name: "@mm/strategy", deps: ["@mm/types", "@mm/gateway"], files: { "src/index.ts": "export {};\n" } },
    ]);
    expect(checkBoundaries(root).violations).toContain("@mm/strategy: package.json depends on @mm/gateway, which the architecture forbids");
  });

  it("lets tests use the simulator but rejects cycles through devDependencies", () => {
    const ok = workspace([
      types,
      { dir: "packages/protocol", name: "@mm/protocol", deps: ["@mm/types"], files: { "src/index.ts": "export {};\n" } },
      { dir: "packages/venue-sim", name: "@mm/venue-sim", deps: ["@mm/types", "@mm/protocol"], files: { "src/index.ts": "export {};\n" } },
      {
        dir: "packages/gateway",
        name: "@mm/gateway",
        deps: ["@mm/types", "@mm/protocol"],
        devDeps: ["@mm/venue-sim"],
        files: { "test/gw.test.ts": 'import "@mm/venue-sim";\n' },
      },
    ]);
    expect(checkBoundaries(ok).violations).toEqual([]);

    const cyclic = workspace([
      { ...types, devDeps: ["@mm/protocol"], files: { "test/t.test.ts": 'import "@mm/protocol";\n' } },
      { dir: "packages/protocol", name: "@mm/protocol", deps: ["@mm/types"], files: { "src/index.ts": 'import "@mm/types";\n' } },
    ]);
    expect(checkBoundaries(cyclic).violations).toContain("dependency cycle: @mm/protocol -> @mm/types -> @mm/protocol");
  });

  it("rejects deep imports and relative imports that leave the package", () => {
    const root = workspace([
      types,
      {
        dir: "packages/caches",
        name: "@mm/caches",
        deps: ["@mm/types"],
        files: { "src/a.ts": 'import { x } from "@mm/types/src/index.js";\nimport { y } from "../../types/src/index.js";\n' },
      },
    ]);
    const { violations } = checkBoundaries(root);
    expect(violations.some((v) => v.includes("deep-imports"))).toBe(true);
    expect(violations.some((v) => v.includes("reaches outside its package"))).toBe(true);
  });

  it("extracts every import form and ignores comments", () => {
    const src = [
      'import a from "a";',
      'import type { B } from "b";',
      'export * from "c";',
      'const d = await import("d");',
      'import "e";',
      '// import f from "f";',
      '/* import g from "g"; */',
      'export { h } from "h";',
    ].join("\n");
    expect(importsOf(src)).toEqual(["a", "b", "c", "d", "e", "h"]);
  });
});
