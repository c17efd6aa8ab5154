import { smokeRun } from "@mm/bench";
import { expect, it } from "vitest";
import specs from "../bench/backtester.bench.js";

it("every backtester bench runs on tiny inputs and yields a finite value", async () => {
  const results = await smokeRun(specs);
  expect(results.length).toBe(specs.length);
  for (const r of results) {
    expect(r.details?.error).toBeUndefined();
    expect(Number.isFinite(r.value)).toBe(true);
  }
}, 60_000);
