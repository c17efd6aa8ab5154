import { smokeRun } from "@mm/bench";
import { expect, it } from "vitest";
import specs from "../bench/recorder.bench.js";

it("every recorder bench runs on tiny inputs, cross-checks, and yields a finite value", async () => {
  const results = await smokeRun(specs);
  expect(results.length).toBe(specs.length);
  for (const r of results) {
    expect(r.details?.error, r.name).toBeUndefined();
    expect(Number.isFinite(r.value), r.name).toBe(true);
  }
}, 60_000);
