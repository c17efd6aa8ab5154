import { type TickSize, type TokenId, tokenId } from "@mm/types";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { BookStore, type TokenLevelChange } from "../src/index.js";
import { ModelBook } from "./model.js";

/**
 * Multi-token frames (a `price_change` touching several books) with occasional bad entries, against
 * one Map model per token: a frame applies to every book or to none; after every frame each book's
 * BBO, levels and update count equal its model's, and the dirty set holds exactly the books the
 * frame changed.
 */

const TOKENS: readonly { id: TokenId; tick: TickSize }[] = [
  { id: tokenId("101"), tick: 100 },
  { id: tokenId("102"), tick: 10 },
  { id: tokenId("103"), tick: 1 },
];

const change = fc.record({
  token: fc.integer({ min: 0, max: 3 }), // 3 = a token the store does not know
  side: fc.constantFrom<"BID" | "ASK">("BID", "ASK"),
  raw: fc.integer({ min: 1, max: 9_999 }),
  size: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 1_000_000 })),
  bad: fc.constantFrom(false, false, false, false, false, false, false, false, false, "off_grid", "nan", "neg"),
});

describe("BookStore multi-token frames vs per-token models (property)", () => {
  it("applies each frame to all of its books or to none", () => {
    fc.assert(
      fc.property(fc.array(fc.array(change, { minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 40 }), (frames) => {
        const store = new BookStore();
        const models = new Map<string, ModelBook>();
        for (const t of TOKENS) {
          store.registerToken(t.id, t.tick);
          models.set(t.id, new ModelBook(t.tick));
        }
        let receivedAt = 1;
        for (const f of frames) {
          receivedAt++;
          const changes: TokenLevelChange[] = f.map((c) => {
            const t = TOKENS[c.token];
            const tick = t?.tick ?? 100;
            let price = Math.min(10_000 - tick, Math.max(tick, Math.round(c.raw / tick) * tick));
            let size = c.size;
            if (c.bad === "off_grid" && tick > 1) price += 1;
            if (c.bad === "nan") price = Number.NaN;
            if (c.bad === "neg") size = -1;
            return { assetId: t?.id ?? "999", side: c.side, price, size };
          });
          // the model: validate every known token's entries first, then apply all or nothing
          const valid = changes.every((c) => {
            const m = models.get(c.assetId);
            return m === undefined || new ModelBook(m.tick).changes([c]) === undefined;
          });
          store.drainDirty();
          const r = store.applyPriceChanges(changes, receivedAt);
          expect(r === undefined).toBe(valid);
          const touched = new Set<string>();
          if (valid) {
            for (const c of changes) {
              const m = models.get(c.assetId);
              if (m === undefined) continue;
              m.changes([c]);
              touched.add(c.assetId);
            }
          }
          for (const t of TOKENS) {
            const m = models.get(t.id)!;
            const b = store.book(t.id)!;
            expect(b.bestBid()).toBe(m.bestBid());
            expect(b.bestAsk()).toBe(m.bestAsk());
            expect(b.topLevels("BID", 1_000).map((l) => [l.price, l.size])).toEqual(m.sorted("BID"));
            expect(b.topLevels("ASK", 1_000).map((l) => [l.price, l.size])).toEqual(m.sorted("ASK"));
          }
          expect(new Set(store.drainDirty())).toEqual(touched);
          for (const id of touched) expect(store.book(id as TokenId)!.lastUpdateAt).toBe(receivedAt);
        }
      }),
      { numRuns: 200 },
    );
  });
});
