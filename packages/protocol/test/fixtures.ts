/** Locations of the shared protocol fixtures (read-only, outside the repo: /work/shared). */
import { readFileSync, readdirSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const FIXTURES_DIR = resolve(dirname(fileURLToPath(import.meta.url)), "../../../../shared/protocol/fixtures");

export function readFixture(path: string): string {
  return readFileSync(join(FIXTURES_DIR, path), "utf8");
}
export function readFixtureJson<T = unknown>(path: string): T {
  return JSON.parse(readFixture(path)) as T;
}

/** Every JSON fixture file, relative to FIXTURES_DIR, sorted. */
export function allFixtureFiles(): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const full = join(dir, name);
      if (statSync(full).isDirectory()) walk(full);
      else if (name.endsWith(".json")) out.push(relative(FIXTURES_DIR, full));
    }
  };
  walk(FIXTURES_DIR);
  return out;
}
