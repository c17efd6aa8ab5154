import type { UserWorkspaceConfig } from "vitest/config";

export interface PresetOptions {
  /** Package name, shown in test output. */
  readonly name: string;
  /** Per-test timeout in ms (default 20 s: loopback integration tests need headroom on 2 cores). */
  readonly testTimeout?: number;
  /** Include globs (default `src/**\/*.test.ts`, `test/**\/*.test.ts`). */
  readonly include?: readonly string[];
  /** Run test files one at a time (for suites that bind many sockets or spawn processes). */
  readonly serial?: boolean;
}

export declare function mmVitestPreset(options: PresetOptions): UserWorkspaceConfig;
