// The tsup preset for libraries: ESM + .d.ts, built against the build tsconfig (which drops the
// `@mm/source` condition so declarations reference other packages by name, never inline them).
import { defineConfig } from "tsup";

/** @param {{ entry?: string[] | Record<string, string>, dts?: boolean }} [options] */
export function mmTsupConfig(options = {}) {
  return defineConfig({
    entry: options.entry ?? ["src/index.ts"],
    format: ["esm"],
    target: "node20",
    platform: "node",
    dts: options.dts ?? true,
    sourcemap: true,
    clean: true,
    tsconfig: "tsconfig.build.json",
  });
}
