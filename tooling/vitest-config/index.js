import { defineProject } from "vitest/config";

/**
 * The vitest preset every package uses. Tests run against sources: the `@mm/source` export
 * condition resolves workspace packages to `src/index.ts`, so no upstream build is needed.
 * A JSON report per package lets `.ci/run` print the workspace's `N passed, N failed` line.
 */
const conditions = ["@mm/source", "node", "import", "module", "default"];

/** @param {import("./index.d.ts").PresetOptions} options */
export function mmVitestPreset(options) {
  return defineProject({
    resolve: { conditions },
    ssr: { resolve: { conditions, externalConditions: conditions } },
    test: {
      name: options.name,
      environment: "node",
      include: [...(options.include ?? ["src/**/*.test.ts", "test/**/*.test.ts"])],
      testTimeout: options.testTimeout ?? 20_000,
      hookTimeout: 30_000,
      reporters: ["default", ["json", { outputFile: ".vitest-report.json" }]],
      ...(options.serial ? { fileParallelism: false } : {}),
    },
  });
}
