/**
 * A recorded live sim session, end to end over loopback sockets (test-only wiring):
 *
 *   @mm/venue-sim (seeded flow) ──market channel──▶ orderbook-recorder `Recorder` (Gamma discovery, segments on disk)
 *        ▲   └──────────────────market channel──▶ @mm/feeds MarketFeed ─▶ BookStore ─▶ StrategyDriver(bands)
 *        │                                                                           │ intents
 *        └── HTTP (L2 auth, EIP-712 orders) ◀── @mm/gateway ◀── ExecutorActor ◀──────┘
 *            user channel ──▶ @mm/feeds UserFeed ──▶ executor (fills, acks); journal ─▶ MemoryJournal
 *
 * The trading side is the bot's composition (apps/bot/src/bot.ts) reduced to one strategy kind and
 * an external venue: the bot's sim mode starts its own simulator, which the recorder could not be
 * attached to before the bot trades.
 */
import { BookStore } from "@mm/caches";
import { ExecutorActor, type JournalEntry, MemoryJournal } from "@mm/executor";
import { type DisconnectInfo, MarketFeed, UserFeed } from "@mm/feeds";
import { createGateway } from "@mm/gateway";
import { type BandsStrategyConfig, makeBandsStrategy, StrategyDriver, StrategyDriverRouter } from "@mm/strategy";
import { type MarketInfo, systemClock, type Usdc } from "@mm/types";
import { startVenueSim, type VenueSimOptions } from "@mm/venue-sim";
import { Recorder } from "orderbook-recorder";

export interface LiveSimSessionOptions {
  readonly sim: VenueSimOptions;
  readonly dataDir: string;
  readonly bands: Partial<BandsStrategyConfig>;
  /** How long the strategy quotes, ms. */
  readonly tradeMs: number;
  /** After the strategy pulled: time for the last cancels and settlement events, ms. */
  readonly drainMs: number;
}

export interface LiveSimSession {
  readonly journal: readonly JournalEntry[];
  readonly markets: readonly MarketInfo[];
  readonly recorderFrames: number;
  readonly userEvents: number;
  readonly safetyTrips: number;
  readonly wallMs: number;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function until(pred: () => boolean | Promise<boolean>, what: string, timeoutMs: number): Promise<void> {
  const t0 = Date.now();
  while (!(await pred())) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(20);
  }
}

export async function runRecordedSimSession(o: LiveSimSessionOptions): Promise<LiveSimSession> {
  const t0 = Date.now();
  const sim = await startVenueSim(o.sim);
  const cleanups: (() => Promise<unknown>)[] = [() => sim.stop()];
  try {
    const markets = sim.venue.allMarkets().map((m) => m.info);
    const assets = markets.flatMap((m) => [m.yes.tokenId, m.no.tokenId]);

    // -- the recorder, discovering the markets from the simulator's Gamma API
    const rec = new Recorder({
      wsUrl: `${sim.urls.ws}/market`,
      gammaUrl: sim.urls.gamma,
      dataDir: o.dataDir,
      workers: 1,
      discoveryIntervalMs: 500,
      checkpointIntervalMs: 60_000,
      segment: { codec: "gzip", level: 1, flushIntervalMs: 100 },
      pingIntervalMs: 1_000,
    });
    await rec.start();
    cleanups.unshift(() => rec.stop());
    await until(() => assets.every((a) => rec.registry.asset(a)?.status === "subscribed"), "the recorder's subscriptions", 10_000);
    await until(
      async () => (await rec.books()).filter((b) => (assets as string[]).includes(b.assetId)).length >= assets.length,
      "recorded books",
      10_000,
    );

    // -- the live bot (bands strategy → executor → gateway → venue; user channel → executor)
    const creds = sim.credentials;
    const journal = new MemoryJournal();
    const books = new BookStore();
    for (const m of markets) books.registerMarket(m);
    let executor: ExecutorActor | undefined;
    const gateway = createGateway({
      clobUrl: sim.urls.clob,
      credentials: { key: creds.apiKey, secret: creds.secret, passphrase: creds.passphrase },
      signer: { privateKey: creds.privateKey },
      mailbox: { post: (r) => executor?.results.post(r) },
      clock: systemClock,
      syncBalances: true,
    });
    const collateral = o.sim.testCollateral ?? 10_000_000_000;
    const ex = new ExecutorActor({
      clock: systemClock,
      gateway,
      markets,
      initial: { collateral: collateral as Usdc },
      journal,
      config: { clientOrderIdPrefix: "live" },
    });
    executor = ex;
    let safetyTrips = 0;
    const userFeed = new UserFeed({
      url: `${sim.urls.ws}/user`,
      credentials: { apiKey: creds.apiKey, secret: creds.secret, passphrase: creds.passphrase },
      markets: markets.map((m) => m.conditionId),
      identity: { apiKey: creds.apiKey, makerAddresses: [creds.address] },
      clock: systemClock,
      safety: async (_info: DisconnectInfo) => {
        safetyTrips++;
        ex.control({ type: "stop", reason: "user feed lost", resumeOnResync: true });
        await gateway.whenIdle();
      },
    });
    const marketFeed = new MarketFeed({ url: `${sim.urls.ws}/market`, books });
    marketFeed.subscribe(markets);
    const router = new StrategyDriverRouter();
    const drivers = markets.map((m) => {
      const d = new StrategyDriver({
        clock: systemClock,
        strategy: makeBandsStrategy(o.bands),
        market: m,
        books,
        inventory: {
          inventory: (cid) => {
            const mk = markets.find((x) => x.conditionId === cid);
            return mk === undefined ? undefined : { yes: ex.inventoryOf(mk.yes.tokenId), no: ex.inventoryOf(mk.no.tokenId) };
          },
        },
        output: ex.intents,
      });
      router.add(d);
      return d;
    });
    books.onDirty(() => queueMicrotask(() => router.drain(books.drainDirty())));
    const abort = new AbortController();
    let userEvents = 0;
    const pump = (async () => {
      for await (const e of userFeed.events(abort.signal)) {
        userEvents++;
        ex.userEvents.post(e);
      }
    })();
    gateway.start();
    userFeed.start();
    await until(() => userFeed.state === "open" && sim.venue.userChannel.hasListener(creds.apiKey), "the user channel", 10_000);
    marketFeed.start();

    await sleep(o.tradeMs);

    // -- pull quotes, let the last cancels and settlement events arrive, then stop everything
    for (const d of drivers) d.stop({ pull: true, detail: "end of session" });
    const live = () => ex.snapshot().orders.filter((v) => v.state === "PENDING_NEW" || v.state === "LIVE" || v.state === "PENDING_CANCEL");
    await until(() => live().length === 0 && ex.snapshot().pendingActions === 0, "quotes pulled", 10_000);
    await sleep(o.drainMs);
    abort.abort();
    await userFeed.stop();
    await pump.catch(() => undefined);
    await marketFeed.stop();
    await gateway.close();
    await sleep(200); // the recorder's last frames
    cleanups.shift(); // the recorder: stopped here, with its segments complete
    await rec.stop();
    const frames = rec.counters.frames;
    return {
      journal: journal.entries,
      markets,
      recorderFrames: frames,
      userEvents,
      safetyTrips,
      wallMs: Date.now() - t0,
    };
  } finally {
    for (const c of cleanups) await c().catch(() => undefined);
  }
}
