import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { OrderIndex } from "../src/internal/order-index.js";

type Rec = { readonly clientOrderId: string; open: boolean };

/**
 * Against one Map of every order: after any sequence of adds, state changes (with `update`) and
 * deletes, the same orders are found by id, `size` matches, `list()` holds each order once with
 * the open ones first, and `endedEntries()` holds exactly the ended ones.
 */
describe("OrderIndex", () => {
  it("finds, counts and lists like a single map, filed by state", () => {
    const op = fc.oneof(
      fc.record({ op: fc.constant("add" as const) }),
      fc.record({ op: fc.constant("flip" as const), k: fc.nat(40) }),
      fc.record({ op: fc.constant("delete" as const), k: fc.nat(40) }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 150 }), (ops) => {
        const index = new OrderIndex<Rec>();
        const model = new Map<string, Rec>();
        let next = 0;
        const ids: string[] = [];
        for (const o of ops) {
          if (o.op === "add") {
            const r: Rec = { clientOrderId: `mm-${next++}`, open: true };
            ids.push(r.clientOrderId);
            index.add(r);
            model.set(r.clientOrderId, r);
          } else if (ids.length > 0) {
            const id = ids[o.k % ids.length]!;
            const r = model.get(id);
            if (o.op === "delete") {
              index.delete(id);
              model.delete(id);
            } else if (r) {
              r.open = !r.open;
              index.update(r, r.open);
            }
          }
          expect(index.size).toBe(model.size);
          for (const id of ids) expect(index.get(id)).toBe(model.get(id));
          const list = index.list();
          expect(new Set(list)).toEqual(new Set(model.values()));
          expect(list).toHaveLength(model.size);
          const firstEnded = list.findIndex((r) => !r.open);
          if (firstEnded >= 0) expect(list.slice(firstEnded).every((r) => !r.open)).toBe(true);
          expect([...index.endedEntries()].map(([, r]) => r).every((r) => !r.open)).toBe(true);
          expect([...index.endedEntries()]).toHaveLength([...model.values()].filter((r) => !r.open).length);
        }
      }),
      { numRuns: 300 },
    );
  });
});
