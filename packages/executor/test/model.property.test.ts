/**
 * Model-based property test: random command sequences against the FakeVenue reference venue, every
 * law checked after every step and at every PLACE (see harness.ts). 1,000 runs in `pnpm test`,
 * 100,000 with `pnpm test:soak` (MM_SOAK=1).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { cmdArb, run, setupArb } from "./commands.js";

const SOAK = process.env.MM_SOAK === "1";
const RUNS = SOAK ? 100_000 : 1_000;

describe("ExecutorActor against the reference venue (model-based)", () => {
  it(
    `keeps laws A–I after every step (${RUNS} runs)`,
    () => {
      let places = 0;
      fc.assert(
        fc.property(setupArb, fc.array(cmdArb, { minLength: 1, maxLength: SOAK ? 60 : 40 }), (setup, cmds) => {
          const h = run(setup, cmds);
          places += h.places;
          if (h.violations.length > 0) throw new Error(h.violations.slice(0, 5).join("\n"));
        }),
        { numRuns: RUNS },
      );
      // The sequences must actually trade, or the property says nothing.
      expect(places).toBeGreaterThan(RUNS);
    },
    SOAK ? 3_600_000 : 60_000,
  );
});
