import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DirtySet } from "../src/internal/dirty-set.js";

type Op = { readonly op: "mark" | "delete"; readonly key: number } | { readonly op: "drain" };

/**
 * The generation-stamped set against the plain `Set` it replaced: after every operation the same
 * size, the same membership for every key, the same drained keys in the same (first-marked) order,
 * and the signal fired on exactly the empty → non-empty marks.
 */
describe("DirtySet", () => {
  it("behaves like an insertion-ordered Set cleared on drain", () => {
    const op: fc.Arbitrary<Op> = fc.oneof(
      { weight: 6, arbitrary: fc.record({ op: fc.constant("mark" as const), key: fc.integer({ min: 0, max: 7 }) }) },
      { weight: 1, arbitrary: fc.record({ op: fc.constant("delete" as const), key: fc.integer({ min: 0, max: 7 }) }) },
      { weight: 2, arbitrary: fc.constant({ op: "drain" as const }) },
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 200 }), (ops) => {
        const set = new DirtySet<number>();
        const model = new Set<number>();
        let signals = 0;
        let expectedSignals = 0;
        set.onDirty(() => signals++);
        for (const o of ops) {
          if (o.op === "mark") {
            if (model.size === 0) expectedSignals++;
            model.add(o.key);
            set.mark(o.key);
          } else if (o.op === "delete") {
            model.delete(o.key);
            set.delete(o.key);
          } else {
            const out = [-1];
            expect(set.drain(out)).toBe(out);
            expect(out).toEqual([-1, ...model]);
            model.clear();
          }
          expect(set.size).toBe(model.size);
          for (let k = 0; k < 8; k++) expect(set.has(k)).toBe(model.has(k));
          expect(signals).toBe(expectedSignals);
        }
      }),
      { numRuns: 500 },
    );
  });

  it("counts a throwing listener and still marks", () => {
    const set = new DirtySet<string>();
    set.onDirty(() => {
      throw new Error("consumer bug");
    });
    set.mark("a");
    set.mark("b");
    expect(set.signalErrors).toBe(1);
    expect(set.drain()).toEqual(["a", "b"]);
    set.mark("b");
    expect(set.signalErrors).toBe(2);
    expect(set.drain()).toEqual(["b"]);
  });
});
