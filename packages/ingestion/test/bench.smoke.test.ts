import { smokeRun } from "@mm/bench";
import { describe, expect, it } from "vitest";
import specs from "../bench/ingestion.bench.js";

describe("ingestion benches (smoke)", () => {
  it("every bench runs and yields a finite value", async () => {
    const results = await smokeRun(specs);
    expect(results.length).toBe(specs.length);
    for (const r of results) expect(Number.isFinite(r.value), `${r.name}: ${JSON.stringify(r.details)}`).toBe(true);
  });
});
