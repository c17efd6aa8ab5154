/**
 * Intent computation cost per snapshot change: a cache write (book level update on both tokens, or a
 * reference tick) followed by the driver reading the snapshots and computing the DesiredQuoteSet.
 * Baseline: the same writes and the same driver with a no-op strategy, in the same run.
 */
import { defineBenches, compareNsPerOp, sampleLatencies, percentile } from "@mm/bench";
import { BookStore, ReferenceCache } from "@mm/caches";
import { type DesiredQuoteSet, ManualClock, type MarketInfo, type Size } from "@mm/types";
import {
  computeBandsQuote,
  computeReferenceQuote,
  FLAT_INVENTORY,
  LatestSlot,
  makeBandsStrategy,
  makeReferenceStrategy,
  pulledQuoteSet,
  type Strategy,
  StrategyDriver,
  validateDesiredQuoteSet,
} from "../src/index.js";
import { marketInfo, NO_TOKEN, YES_TOKEN } from "../test/support/fakes.js";
import { rng } from "../test/support/random.js";

const noop: Strategy = { name: "noop", quote: (i) => pulledQuoteSet(i, "pulled_manual") };

interface Change {
  readonly kind: "book" | "ref";
  readonly bid: number;
  readonly ask: number;
  readonly ref: number;
}

/** Virtual time between changes: 20 changes per second. */
const STEP_MS = 50;

/**
 * A cyclic path of changes (a random walk there and back, so the wrap-around is continuous):
 * 1 in 2 moves the reference (≈ 60 % annualized at this pace), the others move the book's top.
 */
function makePath(n: number): Change[] {
  const u = rng(42);
  const half: Change[] = [];
  let bid = 4900;
  let ask = 5100;
  let ref = 100_000;
  for (let i = 0; i < Math.ceil(n / 2); i++) {
    if (i % 2 === 0) {
      ref *= 1 + (u() - 0.5) * 1.2e-4;
      half.push({ kind: "ref", bid, ask, ref });
    } else {
      bid = Math.min(5400, Math.max(4500, bid + (u() < 0.5 ? -10 : 10)));
      ask = Math.max(bid + 20, Math.min(5600, ask + (u() < 0.5 ? -10 : 10)));
      half.push({ kind: "book", bid, ask, ref });
    }
  }
  return [...half, ...half.slice().reverse()].slice(0, n);
}

function world(strategy: Strategy, path: readonly Change[]) {
  const clock = new ManualClock(1_000_000);
  const market: MarketInfo = marketInfo({ startTime: 0, endTime: 1_000_000 + 2e8, tickSize: 10 });
  const books = new BookStore();
  books.registerMarket(market);
  const refs = new ReferenceCache();
  const first = path[0] as Change;
  books.applySnapshot(YES_TOKEN, [{ price: first.bid, size: 50e6 }], [{ price: first.ask, size: 50e6 }], clock.now());
  books.applySnapshot(NO_TOKEN, [{ price: 10_000 - first.ask, size: 50e6 }], [{ price: 10_000 - first.bid, size: 50e6 }], clock.now());
  refs.update("BTCUSDT", first.ref - 0.5, first.ref + 0.5, clock.now());
  const slot = new LatestSlot<DesiredQuoteSet>();
  const driver = new StrategyDriver({
    clock,
    strategy,
    market,
    books,
    references: refs,
    inventory: { inventory: () => FLAT_INVENTORY },
    output: slot,
    refreshMs: 0,
  });
  let i = 0;
  let prev = first;
  const codes = new Map<string, number>();
  /** Applies the next change of the cyclic path and recomputes. */
  const step = () => {
    const c = path[i] as Change;
    i = (i + 1) % path.length;
    clock.advance(STEP_MS);
    const now = clock.now();
    if (c.kind === "ref") refs.update("BTCUSDT", c.ref - 0.5, c.ref + 0.5, now);
    else {
      books.applyLevels(
        YES_TOKEN,
        [
          { side: "BID", price: prev.bid, size: 0 },
          { side: "ASK", price: prev.ask, size: 0 },
          { side: "BID", price: c.bid, size: 50e6 },
          { side: "ASK", price: c.ask, size: 50e6 },
        ],
        now,
      );
      books.applyLevels(
        NO_TOKEN,
        [
          { side: "ASK", price: 10_000 - prev.bid, size: 0 },
          { side: "BID", price: 10_000 - prev.ask, size: 0 },
          { side: "ASK", price: 10_000 - c.bid, size: 50e6 },
          { side: "BID", price: 10_000 - c.ask, size: 50e6 },
        ],
        now,
      );
    }
    prev = c;
    driver.recompute();
  };
  const run = () => {
    for (let k = 0; k < path.length; k++) step();
  };
  const tally = () => {
    codes.clear();
    for (let k = 0; k < path.length; k++) {
      step();
      const code = slot.peek()?.reason.code ?? "none";
      codes.set(code, (codes.get(code) ?? 0) + 1);
    }
    return codes;
  };
  return { clock, market, books, refs, slot, driver, run, step, tally };
}

function crossCheck(w: ReturnType<typeof world>, recompute: (set: DesiredQuoteSet) => DesiredQuoteSet, minQuotingShare: number): void {
  const codes = w.tally();
  const total = [...codes.values()].reduce((a, b) => a + b, 0);
  const quoting = codes.get("quoting") ?? 0;
  if (quoting < total * minQuotingShare) throw new Error(`only ${quoting}/${total} changes quoted: ${JSON.stringify([...codes])}`);
  const last = w.slot.peek();
  if (last === undefined) throw new Error("nothing posted");
  const problems = validateDesiredQuoteSet(last);
  if (problems.length > 0) throw new Error(`invalid set: ${problems.join("; ")}`);
  const expected = recompute(last);
  if (JSON.stringify(expected) !== JSON.stringify(last))
    throw new Error("driver output differs from the pure strategy on the same snapshots");
}

function inputsOf(w: ReturnType<typeof world>, set: DesiredQuoteSet, withReference: boolean) {
  return {
    seq: set.seq,
    now: set.createdAt,
    market: w.market,
    yesBook: w.books.book(YES_TOKEN),
    noBook: w.books.book(NO_TOKEN),
    reference: withReference ? w.refs.reference("BTCUSDT") : undefined,
    volatility: w.driver.volatility?.estimate(),
    inventory: FLAT_INVENTORY,
  };
}

function measurePair(
  strategy: Strategy,
  n: number,
  recompute: (w: ReturnType<typeof world>, set: DesiredQuoteSet) => DesiredQuoteSet,
  smoke: boolean,
) {
  const path = makePath(n);
  const cand = world(strategy, path);
  const base = world(noop, path);
  crossCheck(cand, (s) => recompute(cand, s), 0.5);
  const { candidateNs, baselineNs } = compareNsPerOp(
    cand.run,
    base.run,
    path.length,
    smoke ? { reps: 1, warmup: 0 } : { reps: 7, warmup: 2 },
  );
  const lat = sampleLatencies(() => cand.step(), n);
  return {
    value: candidateNs,
    baseline: baselineNs,
    details: {
      changes: n,
      strategyOnlyNs: Math.round((candidateNs - baselineNs) * 10) / 10,
      p50Ns: percentile(lat, 50),
      p99Ns: percentile(lat, 99),
      p999Ns: percentile(lat, 99.9),
      crossCheck: "driver output equals the pure strategy; ≥ 50% of changes quote",
    },
  };
}

export default defineBenches([
  {
    name: "strategy/reference (A–S) intent per snapshot change vs no-op strategy",
    unit: "ns/change",
    better: "lower",
    // Same-run ratio (no-op ÷ candidate ≥ 0.2: the strategy costs at most 5× the bare write + driver
    // round) and an absolute budget inside G4's p99 ≤ 10 µs for the whole tick → intent → plan path.
    target: { minRatio: 0.2, maxValue: 10_000 },
    measure: (ctx) => {
      const strategy = makeReferenceStrategy({
        contract: { kind: "above", symbol: "BTCUSDT", strike: 100_000 },
        levelSizes: [10e6, 20e6, 30e6] as Size[],
      });
      return measurePair(
        strategy,
        ctx.n(200_000, 400),
        (w, s) => computeReferenceQuote(inputsOf(w, s, true), strategy.config).set,
        ctx.smoke,
      );
    },
  },
  {
    name: "strategy/bands intent per snapshot change vs no-op strategy",
    unit: "ns/change",
    better: "lower",
    target: { minRatio: 0.2, maxValue: 10_000 },
    measure: (ctx) => {
      const strategy = makeBandsStrategy();
      return measurePair(strategy, ctx.n(200_000, 400), (w, s) => computeBandsQuote(inputsOf(w, s, false), strategy.config), ctx.smoke);
    },
  },
]);
