import { type FeeSchedule, ManualClock, NO_FEES, type OrderType, type Price, type Side, type Size, type Usdc } from "@mm/types";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type EngineEvent, type TradeFault, VenueEngine } from "../src/engine/index.js";
import { marketInfo } from "./engine-fixtures.js";

const OWNERS = ["a", "b", "c", "d"] as const;
const INFO = marketInfo(1);
const INFO2 = marketInfo(2);
const MARKETS = [INFO, INFO2] as const;

type Cmd =
  | {
      k: "place";
      owner: number;
      market: number;
      yes: boolean;
      side: Side;
      tick: number;
      lots: number;
      dust: number;
      type: OrderType;
      postOnly: boolean;
    }
  | { k: "cancel"; owner: number; pick: number }
  | { k: "cancelAll"; owner: number }
  | { k: "advance"; ms: number }
  | { k: "split"; owner: number; market: number; lots: number }
  | { k: "merge"; owner: number; market: number; lots: number }
  | { k: "fault"; fault: TradeFault };

const placeCmd = fc.record({
  k: fc.constant("place" as const),
  owner: fc.integer({ min: 0, max: 3 }),
  market: fc.integer({ min: 0, max: 1 }),
  yes: fc.boolean(),
  side: fc.constantFrom<Side>("BUY", "SELL"),
  tick: fc.integer({ min: 35, max: 65 }),
  lots: fc.integer({ min: 100, max: 3_000 }),
  dust: fc.constantFrom(0, 0, 0, 5_000),
  type: fc.constantFrom<OrderType>("GTC", "GTC", "GTD", "FOK", "FAK"),
  postOnly: fc.boolean(),
});

const cmd: fc.Arbitrary<Cmd> = fc.oneof(
  { weight: 12, arbitrary: placeCmd },
  { weight: 3, arbitrary: fc.record({ k: fc.constant("cancel" as const), owner: fc.integer({ min: 0, max: 3 }), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant("cancelAll" as const), owner: fc.integer({ min: 0, max: 3 }) }) },
  { weight: 3, arbitrary: fc.record({ k: fc.constant("advance" as const), ms: fc.integer({ min: 0, max: 4_000 }) }) },
  {
    weight: 1,
    arbitrary: fc.record({
      k: fc.constantFrom("split" as const, "merge" as const),
      owner: fc.integer({ min: 0, max: 3 }),
      market: fc.integer({ min: 0, max: 1 }),
      lots: fc.integer({ min: 1, max: 2_000 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ k: fc.constant("fault" as const), fault: fc.constantFrom<TradeFault>("FAIL", "RETRY", "FAIL_NOW") }),
  },
);

const DEPOSIT = 200_000_000;

function setup(
  seed: number,
  reserveUnsettled = true,
  bookCore: "dense" | "naive" = "dense",
  fees: FeeSchedule = NO_FEES,
): { engine: VenueEngine; clock: ManualClock; events: readonly EngineEvent[] } {
  const clock = new ManualClock(1_700_000_000_000);
  const engine = new VenueEngine({ clock, config: { seed, reserveUnsettled }, experimental_bookCore: bookCore });
  for (const m of MARKETS) engine.addMarket(m, fees);
  for (const o of OWNERS) {
    engine.deposit(o, DEPOSIT as Usdc);
    for (const m of MARKETS) engine.split(o, m.conditionId, 50_000_000 as Size);
  }
  return { engine, clock, events: engine.recordEvents() };
}

function apply(engine: VenueEngine, clock: ManualClock, c: Cmd): void {
  switch (c.k) {
    case "place": {
      const m = MARKETS[c.market] ?? INFO;
      engine.placeOrder({
        owner: OWNERS[c.owner] ?? "a",
        tokenId: c.yes ? m.yes.tokenId : m.no.tokenId,
        side: c.side,
        price: (c.tick * 100) as Price,
        size: (c.lots * 10_000 + c.dust) as Size,
        orderType: c.type,
        postOnly: c.postOnly && (c.type === "GTC" || c.type === "GTD"),
        ...(c.type === "GTD" ? { expiration: Math.floor(clock.now() / 1000) + 61 + (c.lots % 30) } : {}),
      });
      return;
    }
    case "cancel": {
      const owner = OWNERS[c.owner] ?? "a";
      const open = engine.openOrders(owner);
      const o = open[c.pick % Math.max(1, open.length)];
      engine.cancelOrders(owner, o === undefined ? ["0x00"] : [o.id]);
      return;
    }
    case "cancelAll":
      engine.cancelAll(OWNERS[c.owner] ?? "a");
      return;
    case "advance":
      clock.advance(c.ms);
      return;
    case "split":
    case "merge": {
      const m = MARKETS[c.market] ?? INFO;
      engine[c.k](OWNERS[c.owner] ?? "a", m.conditionId, (c.lots * 10_000) as Size);
      return;
    }
    case "fault":
      engine.injectNextTradeFaults(c.fault);
      return;
  }
}

function checkInvariants(engine: VenueEngine, reserveUnsettled: boolean): void {
  let collateral = 0;
  for (const o of OWNERS) {
    const assets = [
      engine.balance(o, "COLLATERAL"),
      ...MARKETS.flatMap((m) => [engine.balance(o, m.yes.tokenId), engine.balance(o, m.no.tokenId)]),
    ];
    for (const a of assets) {
      expect(a.balance).toBeGreaterThanOrEqual(0);
      expect(a.reservedOpen).toBeGreaterThanOrEqual(0);
      expect(a.pendingOut).toBeGreaterThanOrEqual(0);
      expect(a.pendingIn).toBeGreaterThanOrEqual(0);
      expect(a.available).toBeGreaterThanOrEqual(0);
      expect(a.reservedOpen + (reserveUnsettled ? a.pendingOut : 0)).toBeLessThanOrEqual(a.balance);
    }
    collateral += assets[0]?.balance ?? 0;
    // token reservations are exactly the open SELL remainders
    for (const m of MARKETS) {
      for (const t of [m.yes.tokenId, m.no.tokenId]) {
        const open = engine.openOrders(o, { assetId: t }).filter((x) => x.side === "SELL");
        const rem = open.reduce((s, x) => s + (x.originalSize - x.sizeMatched), 0);
        expect(engine.balance(o, t).reservedOpen).toBe(rem);
      }
    }
  }
  // conservation: collateral in wallets + collateral locked in pairs + fees collected = deposits;
  // YES supply = NO supply = locked (wallets plus the fee collector's withheld shares)
  let locked = 0;
  let feeUsdc = 0;
  for (const m of MARKETS) {
    const l = engine.lockedCollateral(m.conditionId);
    locked += l;
    const fees = engine.collectedFees(m.conditionId);
    feeUsdc += fees.usdc;
    const yes = OWNERS.reduce((s, o) => s + engine.balance(o, m.yes.tokenId).balance, 0);
    const no = OWNERS.reduce((s, o) => s + engine.balance(o, m.no.tokenId).balance, 0);
    expect(yes + fees.yesShares).toBe(l);
    expect(no + fees.noShares).toBe(l);
    // the book is never crossed after matching, and levels add up to the open orders
    const best = engine.bestPrices(m.yes.tokenId);
    if (best?.bestBid !== undefined && best.bestAsk !== undefined) expect(best.bestBid).toBeLessThan(best.bestAsk);
    const book = engine.book(m.yes.tokenId);
    const levelTotal = [...(book?.bids ?? []), ...(book?.asks ?? [])].reduce((s, l2) => s + l2.size, 0);
    const openTotal = OWNERS.flatMap((o) => engine.openOrders(o, { market: m.conditionId })).reduce(
      (s, x) => s + x.originalSize - x.sizeMatched,
      0,
    );
    expect(levelTotal).toBe(openTotal);
  }
  expect(collateral + locked + feeUsdc).toBe(DEPOSIT * OWNERS.length);
}

function canonical(events: readonly EngineEvent[]): string {
  return JSON.stringify(events);
}

describe("engine properties (random order flow)", () => {
  for (const reserveUnsettled of [true, false]) {
    it(`keeps balances non-negative, reservations backed, value conserved and books uncrossed (reserveUnsettled=${reserveUnsettled})`, () => {
      fc.assert(
        fc.property(fc.integer({ min: 1, max: 1_000_000 }), fc.array(cmd, { minLength: 10, maxLength: 80 }), (seed, cmds) => {
          const { engine, clock } = setup(seed, reserveUnsettled);
          for (const c of cmds) {
            apply(engine, clock, c);
            checkInvariants(engine, reserveUnsettled);
          }
          clock.advance(120_000);
          checkInvariants(engine, reserveUnsettled);
          // everything settled: nothing pending anywhere
          for (const o of OWNERS) expect(engine.balance(o, "COLLATERAL").pendingOut).toBe(0);
        }),
        { numRuns: 30 },
      );
    });
  }

  for (const [fees, reserveUnsettled] of [
    [{ rateBps: 720, exponent: 1 }, true],
    [{ rateBps: 2500, exponent: 2 }, false],
  ] as const) {
    it(`with taker fees (${fees.rateBps} bps, exponent ${fees.exponent}) value is conserved through the fee collector (reserveUnsettled=${reserveUnsettled})`, () => {
      let charged = 0;
      fc.assert(
        fc.property(fc.integer({ min: 1, max: 1_000_000 }), fc.array(cmd, { minLength: 10, maxLength: 80 }), (seed, cmds) => {
          const { engine, clock } = setup(seed, reserveUnsettled, "dense", fees);
          for (const c of cmds) {
            apply(engine, clock, c);
            checkInvariants(engine, reserveUnsettled);
          }
          clock.advance(120_000);
          checkInvariants(engine, reserveUnsettled);
          for (const m of MARKETS) {
            const f = engine.collectedFees(m.conditionId);
            charged += f.usdc + f.yesShares + f.noShares;
          }
        }),
        { numRuns: 15 },
      );
      expect(charged).toBeGreaterThan(0);
    });
  }

  it("with taker fees, resolution pays every locked dollar to the holders and the fee collector", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1_000_000 }),
        fc.array(cmd, { minLength: 5, maxLength: 60 }),
        fc.boolean(),
        (seed, cmds, yesWins) => {
          const { engine, clock } = setup(seed, true, "dense", { rateBps: 720, exponent: 1 });
          for (const c of cmds) apply(engine, clock, c);
          for (const m of MARKETS) engine.resolveMarket(m.conditionId, yesWins ? "YES" : "NO");
          const wallets = OWNERS.reduce((s, o) => s + engine.balance(o, "COLLATERAL").balance, 0);
          const fees = MARKETS.reduce((s, m) => s + engine.collectedFees(m.conditionId).usdc, 0);
          expect(wallets + fees).toBe(DEPOSIT * OWNERS.length);
          for (const m of MARKETS) expect(engine.collectedFees(m.conditionId)).toMatchObject({ yesShares: 0, noShares: 0 });
        },
      ),
      { numRuns: 20 },
    );
  });

  it("is deterministic: same seed and inputs give an identical event log", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1_000_000 }), fc.array(cmd, { minLength: 5, maxLength: 60 }), (seed, cmds) => {
        const one = setup(seed);
        const two = setup(seed);
        for (const c of cmds) {
          apply(one.engine, one.clock, c);
          apply(two.engine, two.clock, c);
        }
        one.clock.advance(60_000);
        two.clock.advance(60_000);
        expect(canonical(two.events)).toBe(canonical(one.events));
      }),
      { numRuns: 25 },
    );
  });

  it("the dense book and the naive array-scan book produce identical events", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1_000_000 }), fc.array(cmd, { minLength: 5, maxLength: 80 }), (seed, cmds) => {
        const dense = setup(seed, true, "dense");
        const naive = setup(seed, true, "naive");
        for (const c of cmds) {
          apply(dense.engine, dense.clock, c);
          apply(naive.engine, naive.clock, c);
        }
        expect(canonical(naive.events)).toBe(canonical(dense.events));
      }),
      { numRuns: 25 },
    );
  });

  it("resolution after random flow pays out every locked dollar", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1_000_000 }),
        fc.array(cmd, { minLength: 5, maxLength: 60 }),
        fc.boolean(),
        (seed, cmds, yesWins) => {
          const { engine, clock } = setup(seed);
          for (const c of cmds) apply(engine, clock, c);
          for (const m of MARKETS) engine.resolveMarket(m.conditionId, yesWins ? "YES" : "NO");
          const total = OWNERS.reduce((s, o) => s + engine.balance(o, "COLLATERAL").balance, 0);
          expect(total).toBe(DEPOSIT * OWNERS.length);
          for (const o of OWNERS) {
            expect(engine.openOrders(o)).toHaveLength(0);
            expect(engine.balance(o, "COLLATERAL")).toMatchObject({ reservedOpen: 0, pendingOut: 0, pendingIn: 0 });
          }
        },
      ),
      { numRuns: 30 },
    );
  });

  it("the random flow really exercises mints, merges, same-token trades, kills and failures", () => {
    const counts = { NORMAL: 0, MINT: 0, MERGE: 0, killed: 0, FAILED: 0, expired: 0, invalid: 0 };
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1_000_000 }), fc.array(cmd, { minLength: 40, maxLength: 80 }), (seed, cmds) => {
        const { engine, clock, events } = setup(seed, false);
        for (const c of cmds) apply(engine, clock, c);
        clock.advance(120_000);
        for (const e of events) {
          if (e.kind === "trade" && e.previousStatus === undefined) for (const l of e.trade.makers) counts[l.matchType]++;
          if (e.kind === "trade" && e.trade.status === "FAILED") counts.FAILED++;
          if (e.kind === "order" && (e.cause === "killed" || e.cause === "expired" || e.cause === "invalid")) counts[e.cause]++;
        }
      }),
      { numRuns: 30, seed: 4242 },
    );
    for (const [k, v] of Object.entries(counts)) expect(v, k).toBeGreaterThan(0);
  });

  it("after settlement, every wallet is its funding plus the legs of CONFIRMED trades; FAILED trades leave no trace", () => {
    const noSplits = cmd.filter((c) => c.k !== "split" && c.k !== "merge");
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1_000_000 }),
        fc.array(noSplits, { minLength: 10, maxLength: 80 }),
        fc.boolean(),
        (seed, cmds, v2) => {
          const { engine, clock } = setup(seed, v2);
          for (const c of cmds) apply(engine, clock, c);
          clock.advance(120_000);
          const expected = new Map<string, number>();
          const add = (owner: string, asset: string, delta: number): void => {
            const k = `${owner}|${asset}`;
            expected.set(k, (expected.get(k) ?? 0) + delta);
          };
          for (const o of OWNERS) {
            add(o, "COLLATERAL", DEPOSIT - 100_000_000);
            for (const m of MARKETS) {
              add(o, m.yes.tokenId, 50_000_000);
              add(o, m.no.tokenId, 50_000_000);
            }
          }
          for (const m of MARKETS) {
            for (const t of engine.marketTrades(m.conditionId)) {
              expect(["CONFIRMED", "FAILED"]).toContain(t.status);
              if (t.status !== "CONFIRMED") continue;
              for (const leg of [t.taker, ...t.makers]) {
                const sign = leg.side === "BUY" ? 1 : -1;
                add(leg.owner, "COLLATERAL", -sign * leg.usdc);
                add(leg.owner, leg.tokenId, sign * leg.size);
              }
            }
          }
          for (const [k, v] of expected) {
            const [owner, asset] = k.split("|") as [string, string];
            expect(engine.balance(owner, asset as never).balance, k).toBe(v);
          }
        },
      ),
      { numRuns: 25 },
    );
  });
});
