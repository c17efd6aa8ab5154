import { smokeRun } from "@mm/bench";
import { describe, expect, it } from "vitest";
import specs from "../bench/feeds.bench.js";

describe("feeds benches (smoke)", () => {
  it("every bench case runs on tiny inputs against the simulator, cross-checks pass and values are finite", async () => {
    const results = await smokeRun(specs);
    expect(results.length).toBe(specs.length);
    for (const r of results) {
      expect(r.details?.error, `${r.name}: ${String(r.details?.error)}`).toBeUndefined();
      expect(Number.isFinite(r.value), r.name).toBe(true);
    }
  });
});
