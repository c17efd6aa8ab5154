import { smokeRun } from "@mm/bench";
import { describe, expect, it } from "vitest";
import specs from "../bench/gateway.bench.js";

describe("gateway bench (smoke)", () => {
  it("runs every case on tiny inputs with a finite value, a baseline and a cross-check", async () => {
    const results = await smokeRun(specs);
    expect(results.length).toBe(specs.length);
    for (const r of results) {
      expect(r.details?.error).toBeUndefined();
      expect(Number.isFinite(r.value)).toBe(true);
      expect(Number.isFinite(r.baseline)).toBe(true);
      expect(r.details?.crossChecked).toBe(true);
    }
  });
});
