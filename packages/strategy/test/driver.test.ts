import { type DesiredQuoteSet, ManualClock } from "@mm/types";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  computeBandsQuote,
  type DriverProblem,
  FLAT_INVENTORY,
  LatestSlot,
  makeBandsStrategy,
  makeReferenceStrategy,
  type Strategy,
  StrategyDriver,
  StrategyDriverRouter,
  validateDesiredQuoteSet,
} from "../src/index.js";
import { FakeBook, FakeBooks, FakeInventory, FakeReferences, marketInfo, NO_TOKEN, YES_TOKEN } from "./support/fakes.js";

function rig(options: { strategy?: Strategy; debounceMs?: number; leading?: boolean; refreshMs?: number; start?: number } = {}) {
  const clock = new ManualClock(options.start ?? 100_000);
  const market = marketInfo({ startTime: 0, endTime: 10_000_000 });
  const yes = new FakeBook(YES_TOKEN).set([[4800, 50e6]], [[5200, 50e6]], clock.now());
  const no = new FakeBook(NO_TOKEN).set([[4800, 50e6]], [[5200, 50e6]], clock.now());
  const books = new FakeBooks().put(yes).put(no);
  const references = new FakeReferences();
  const inventory = new FakeInventory(FLAT_INVENTORY);
  const slot = new LatestSlot<DesiredQuoteSet>();
  const posts: DesiredQuoteSet[] = [];
  const output = {
    post: (s: DesiredQuoteSet) => {
      posts.push(s);
      slot.post(s);
    },
  };
  const problems: DriverProblem[] = [];
  const driver = new StrategyDriver({
    clock,
    strategy: options.strategy ?? makeBandsStrategy(),
    market,
    books,
    references,
    inventory,
    output,
    ...(options.debounceMs !== undefined ? { debounceMs: options.debounceMs } : {}),
    ...(options.leading !== undefined ? { leading: options.leading } : {}),
    ...(options.refreshMs !== undefined ? { refreshMs: options.refreshMs } : {}),
    onProblem: (p) => problems.push(p),
  });
  /** Moves the YES book (and its NO mirror) to bid/ask. */
  const moveBook = (bid: number, ask: number) => {
    yes.set([[bid, 50e6]], [[ask, 50e6]], clock.now());
    no.set([[10_000 - ask, 50e6]], [[10_000 - bid, 50e6]], clock.now());
  };
  return { clock, market, yes, no, books, references, inventory, slot, posts, driver, problems, moveBook };
}

describe("LatestSlot", () => {
  it("keeps only the latest message and hands it out once", () => {
    const woken: number[] = [];
    const slot = new LatestSlot<number>((m) => woken.push(m));
    expect(slot.take()).toBeUndefined();
    slot.post(1);
    slot.post(2);
    slot.post(3);
    expect(slot.overwritten).toBe(2);
    expect(slot.take()).toBe(3);
    expect(slot.take()).toBeUndefined();
    expect(slot.peek()).toBe(3);
    expect(slot.posted).toBe(3);
    expect(woken).toEqual([1, 2, 3]);
  });
});

describe("StrategyDriver", () => {
  it("computes the first change at once (leading edge) and coalesces the rest of the window", () => {
    const r = rig({ debounceMs: 10 });
    r.driver.notify();
    expect(r.posts.length).toBe(1);
    expect(r.posts[0]?.seq).toBe(1);
    r.moveBook(4700, 5100);
    r.driver.notify();
    r.driver.notify();
    expect(r.posts.length).toBe(1);
    r.clock.advance(9);
    expect(r.posts.length).toBe(1);
    r.clock.advance(1);
    expect(r.posts.length).toBe(2);
    expect(r.posts[1]?.fairValue).toBe(4900);
    expect(r.driver.stats()).toMatchObject({ notifications: 3, computations: 2 });
  });

  it("coalesces a burst of 1,000 snapshot changes into a bounded number of intents; the last state wins", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 1000, max: 4800 }), fc.integer({ min: 20, max: 400 })), {
          minLength: 1000,
          maxLength: 1000,
        }),
        fc.integer({ min: 1, max: 50 }),
        (changes, debounceMs) => {
          const r = rig({ debounceMs, refreshMs: 0 });
          const start = r.clock.now();
          for (const [gap, bid, width] of changes) {
            r.clock.advance(gap);
            r.moveBook(bid, bid + width);
            r.driver.notify();
          }
          r.clock.advance(debounceMs);
          const elapsed = r.clock.now() - start;
          expect(r.posts.length).toBeLessThanOrEqual(Math.floor(elapsed / debounceMs) + 2);
          expect(r.posts.length).toBeLessThan(1000);
          // Last one wins: the slot holds a set computed from the final snapshot.
          const last = r.slot.take();
          const [, bid, width] = changes[changes.length - 1] as [number, number, number];
          expect(last?.fairValue).toBe(bid + width / 2);
          const expected = computeBandsQuote(
            {
              seq: last?.seq ?? 0,
              now: last?.createdAt ?? 0,
              market: r.market,
              yesBook: r.yes,
              noBook: r.no,
              reference: undefined,
              volatility: undefined,
              inventory: FLAT_INVENTORY,
            },
            makeBandsStrategy().config,
          );
          expect(last).toEqual(expected);
          expect(r.slot.overwritten).toBe(r.posts.length - 1);
          r.posts.forEach((s, i) => {
            expect(s.seq).toBe(i + 1);
            expect(validateDesiredQuoteSet(s)).toEqual([]);
          });
          expect(r.clock.pendingTimers).toBe(0);
        },
      ),
      { numRuns: 30 },
    );
  });

  it("without the leading edge waits for the window, then computes once", () => {
    const r = rig({ debounceMs: 25, leading: false, refreshMs: 0 });
    for (let i = 0; i < 100; i++) r.driver.notify();
    expect(r.posts.length).toBe(0);
    r.clock.advance(25);
    expect(r.posts.length).toBe(1);
    r.clock.advance(1000);
    expect(r.posts.length).toBe(1);
  });

  it("refreshes without changes, so a reference that goes silent ends in a pull", () => {
    const strategy = makeReferenceStrategy({
      contract: { kind: "above", symbol: "BTCUSDT", strike: 100_000 },
      levelSizes: [10e6 as never],
    });
    const r = rig({ strategy, refreshMs: 1000 });
    r.references.set("BTCUSDT", 100_000, r.clock.now());
    r.driver.notify();
    expect(r.posts[0]?.reason.code).toBe("quoting");
    const codes: string[] = [];
    for (let i = 0; i < 8; i++) {
      r.clock.advance(1000);
      r.moveBook(4800, 5200); // our book stays fresh; only the reference is silent
      codes.push(r.posts[r.posts.length - 1]?.reason.code ?? "");
    }
    expect(codes.slice(0, 1)).toEqual(["quoting"]);
    expect(codes).toContain("widened_reference_stale");
    expect(codes[codes.length - 1]).toBe("pulled_reference_stale");
    expect(r.driver.stats().refreshes).toBe(8);
  });

  it("feeds the volatility estimator from the reference snapshots it reads", () => {
    const strategy = makeReferenceStrategy({ contract: { kind: "above", symbol: "BTCUSDT", strike: 100_000 } });
    const r = rig({ strategy, debounceMs: 0, refreshMs: 0 });
    for (let i = 0; i < 20; i++) {
      r.clock.advance(500);
      r.references.set("BTCUSDT", 100_000 + (i % 2) * 50, r.clock.now());
      r.driver.notify();
    }
    expect(r.driver.volatility?.estimate().samples).toBe(19);
    expect(r.driver.volatility?.estimate().annualized).toBeGreaterThan(0.6);
  });

  it("pulls when the strategy throws or returns an invalid set, and reports it", () => {
    const throwing: Strategy = {
      name: "boom",
      quote: () => {
        throw new Error("kaput");
      },
    };
    const a = rig({ strategy: throwing });
    a.driver.notify();
    expect(a.posts[0]).toMatchObject({ bids: [], asks: [], seq: 1, reason: { code: "pulled_strategy_error" } });
    expect(a.problems[0]).toMatchObject({ kind: "strategy_threw", strategy: "boom", detail: "kaput" });
    const invalid: Strategy = {
      name: "crossed",
      quote: (i) => ({
        conditionId: i.market.conditionId,
        seq: i.seq,
        createdAt: i.now,
        reason: { code: "quoting" },
        bids: [{ price: 6000 as never, size: 1 as never }],
        asks: [{ price: 5000 as never, size: 1 as never }],
      }),
    };
    const b = rig({ strategy: invalid });
    b.driver.notify();
    expect(b.posts[0]?.reason.code).toBe("pulled_invalid_intent");
    expect(b.problems[0]?.kind).toBe("invalid_intent");
    expect(b.driver.stats()).toMatchObject({ invalidIntents: 1 });
  });

  it("pulls while inventory is unknown", () => {
    const r = rig();
    r.inventory.value = undefined;
    r.driver.notify();
    expect(r.posts[0]?.reason).toEqual({ code: "pulled_inventory_invalid", detail: "inventory not known yet" });
  });

  it("flush computes a pending change at once; stop can pull and silences the driver", () => {
    const r = rig({ debounceMs: 50 });
    r.driver.notify();
    r.driver.notify();
    expect(r.driver.flush()?.seq).toBe(2);
    expect(r.driver.flush()).toBeUndefined();
    r.driver.stop({ pull: true, detail: "shutdown" });
    expect(r.posts[r.posts.length - 1]).toMatchObject({
      bids: [],
      asks: [],
      seq: 3,
      reason: { code: "pulled_manual", detail: "shutdown" },
    });
    r.driver.notify();
    r.clock.advance(10_000);
    expect(r.posts.length).toBe(3);
    expect(r.clock.pendingTimers).toBe(0);
  });

  it("a wall clock stepped backwards delays neither coalescing nor refresh by the step", () => {
    const timers = new ManualClock(0);
    let offset = 0;
    const clock = { now: () => timers.now() + offset, setTimer: timers.setTimer.bind(timers), clearTimer: timers.clearTimer.bind(timers) };
    const r = rig({ refreshMs: 1000, debounceMs: 10 });
    const posts: DesiredQuoteSet[] = [];
    const driver = new StrategyDriver({
      clock,
      strategy: makeBandsStrategy({ bookStaleAfterMs: 1e12 }),
      market: r.market,
      books: r.books,
      inventory: r.inventory,
      output: { post: (s) => posts.push(s) },
      refreshMs: 1000,
      debounceMs: 10,
    });
    driver.notify();
    expect(posts.length).toBe(1);
    offset = -3_600_000;
    driver.notify();
    timers.advance(10);
    expect(posts.length).toBe(2);
    timers.advance(1000);
    expect(posts.length).toBe(3);
  });

  it("refuses a reference strategy without a ReferenceReader", () => {
    const strategy = makeReferenceStrategy({ contract: { kind: "up", symbol: "ETHUSDT" } });
    const r = rig();
    expect(
      () => new StrategyDriver({ clock: r.clock, strategy, market: r.market, books: r.books, inventory: r.inventory, output: r.slot }),
    ).toThrow(/ETHUSDT.*ReferenceReader/);
  });
});

describe("StrategyDriverRouter", () => {
  it("routes changed keys (tokens, reference symbols) to the drivers that read them", () => {
    const a = rig({ refreshMs: 0 });
    const strategy = makeReferenceStrategy({ contract: { kind: "above", symbol: "BTCUSDT", strike: 100_000 } });
    const b = rig({ strategy, refreshMs: 0 });
    const router = new StrategyDriverRouter();
    router.add(a.driver);
    router.add(b.driver);
    expect(router.notify("BTCUSDT")).toBe(1);
    expect(b.posts.length).toBe(1);
    expect(a.posts.length).toBe(0);
    router.drain(new Set([YES_TOKEN, "unknown"]));
    expect(a.posts.length).toBe(1);
    router.remove(a.driver);
    expect(router.notify(YES_TOKEN)).toBe(1);
  });
});
