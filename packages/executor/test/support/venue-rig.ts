/**
 * The executor wired like the bot wires it, against @mm/venue-sim on loopback: the real gateway
 * (HTTP, L2 auth, EIP-712 signed orders; results → executor mailbox), the real user feed
 * (authenticated user channel; events → executor; disconnect ⇒ STOP + cancel-all awaited BEFORE the
 * reconnect; `resync_needed` ⇒ executor RESYNC), and a second funded simulator account acting as the
 * counterparty. Test-only: production code of the executor never imports these packages.
 */
import { type DisconnectInfo, UserFeed } from "@mm/feeds";
import { createGateway, type Gateway } from "@mm/gateway";
import {
  type DesiredQuoteSet,
  type MarketInfo,
  type OrderId,
  type Price,
  type Side,
  type Size,
  systemClock,
  type TokenId,
  type Usdc,
  type UserEvent,
} from "@mm/types";
import { l2Signature, type PlaceResult, startVenueSim, type VenueSimHandle } from "@mm/venue-sim";
import { ExecutorActor, type ExecutorConfigInput, type ExecutorMode, type JournalEntry, MemoryJournal } from "../../src/index.js";

/** Hardhat / Anvil account #1: a public TEST address (the counterparty; never holds real funds). */
const COUNTERPARTY_ADDRESS = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";

export interface RigOptions {
  readonly seed?: number;
  /** Our starting collateral at the venue, micro-USDC. */
  readonly collateral: number;
  /** Settlement delays of the simulator (ms). */
  readonly minedDelayMs: number;
  readonly confirmedDelayMs: number;
  readonly retryDelayMs: number;
  readonly executor?: ExecutorConfigInput;
  /** The simulator's taker fee schedule (default: fee-free markets). */
  readonly fees?: { readonly rateBps: number; readonly exponent?: number };
}

/** The executor's state right after it handled one user event (observed by the pump, synchronously). */
export interface Observation {
  readonly event: UserEvent;
  readonly mode: ExecutorMode;
  readonly yes: { readonly settled: number; readonly pending: number };
  readonly no: { readonly settled: number; readonly pending: number };
  readonly collateral: { readonly settled: number; readonly pending: number; readonly reserved: number };
  readonly audit: readonly string[];
}

/** What happened around one user-feed disconnect (recorded by the safety callback). */
export interface SafetyRecord {
  readonly reason: string;
  /** Executor mode once the callback's cancel-all went through the gateway. */
  readonly modeAfter: ExecutorMode;
  /** Our open orders at the venue once the callback returned (before the feed reconnects). */
  readonly openAtVenueAfter: number;
}

export interface VenueRig {
  readonly sim: VenueSimHandle;
  readonly market: MarketInfo;
  readonly yes: TokenId;
  readonly no: TokenId;
  readonly apiKey: string;
  readonly executor: ExecutorActor;
  readonly gateway: Gateway;
  readonly userFeed: UserFeed;
  readonly journal: MemoryJournal;
  readonly safety: SafetyRecord[];
  /** One entry per user event delivered to the executor, in order. */
  readonly observations: Observation[];
  readonly counterparty: Counterparty;
  /** Posts a YES-space intent (prices/sizes in price units / micro-shares). */
  quote(bids: readonly (readonly [number, number])[], asks: readonly (readonly [number, number])[]): void;
  /** Our settled wallet balance at the venue, read through the authenticated REST `/balance-allowance`. */
  restBalance(asset: "COLLATERAL" | TokenId): Promise<number>;
  /** Executor's open orders (PENDING_NEW / LIVE / PENDING_CANCEL). */
  openOrders(): ReturnType<ExecutorActor["snapshot"]>["orders"];
  /** Our resting orders at the venue. */
  venueOpenOrders(): ReturnType<VenueSimHandle["venue"]["engine"]["openOrders"]>;
  /**
   * Executor and venue agree and nothing is in flight: RUNNING, no pending action, every open order
   * LIVE, and the set of LIVE order ids equals the venue's open orders of our key.
   */
  quiescent(): boolean;
  /** Mode transitions journaled so far. */
  modes(): Extract<JournalEntry, { type: "mode" }>[];
  stop(): Promise<void>;
}

export interface Counterparty {
  readonly apiKey: string;
  /** An immediately-executable order (FAK) of the counterparty, straight into the simulator's engine. */
  take(tokenId: TokenId, side: Side, price: number, size: number): PlaceResult;
  /** A resting (GTC) order of the counterparty, for us to take. */
  rest(tokenId: TokenId, side: Side, price: number, size: number): PlaceResult;
}

/** Polls `pred` on real time (sockets and the simulator's settlement timers run on it). */
export async function until(pred: () => boolean, what: string, timeoutMs = 10_000, detail?: () => unknown): Promise<void> {
  const t0 = Date.now();
  while (!pred()) {
    if (Date.now() - t0 > timeoutMs)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${detail ? `: ${JSON.stringify(detail())}` : ""}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const LIVE_STATES = new Set(["PENDING_NEW", "LIVE", "PENDING_CANCEL"]);

export async function startRig(o: RigOptions): Promise<VenueRig> {
  const sim = await startVenueSim({
    seed: o.seed ?? 7,
    markets: 1,
    flow: false,
    testCollateral: o.collateral,
    ...(o.fees !== undefined ? { fees: { rateBps: o.fees.rateBps, exponent: o.fees.exponent ?? 1 } } : {}),
    engine: {
      settlement: {
        minedDelayMs: o.minedDelayMs,
        confirmedDelayMs: o.confirmedDelayMs,
        retryDelayMs: o.retryDelayMs,
        failProbability: 0,
        retryProbability: 0,
      },
      // Quotes stay around 0.5: no automatic tick change in this test (tick changes have their own tests).
      tickAuto: { enabled: false },
    },
  });
  const market = sim.venue.allMarkets()[0]!.info;
  const creds = sim.credentials;
  const journal = new MemoryJournal();
  const safety: SafetyRecord[] = [];
  const observations: Observation[] = [];

  let executor: ExecutorActor | undefined;
  const gateway = createGateway({
    clobUrl: sim.urls.clob,
    credentials: { key: creds.apiKey, secret: creds.secret, passphrase: creds.passphrase },
    signer: { privateKey: creds.privateKey },
    mailbox: { post: (r) => executor?.results.post(r) },
    clock: systemClock,
    syncBalances: true,
    heartbeat: { intervalMs: 1_000, lapseMs: 10_000 },
  });
  executor = new ExecutorActor({
    clock: systemClock,
    gateway,
    markets: [market],
    initial: { collateral: o.collateral as Usdc },
    journal,
    config: { clientOrderIdPrefix: "itest", ...o.executor },
  });
  const ex = executor;

  const userFeed = new UserFeed({
    url: `${sim.urls.ws}/user`,
    credentials: { apiKey: creds.apiKey, secret: creds.secret, passphrase: creds.passphrase },
    markets: [market.conditionId],
    identity: { apiKey: creds.apiKey, makerAddresses: [creds.address] },
    clock: systemClock,
    ws: { pingIntervalMs: 1_000, backoff: { initialMs: 50, maxMs: 1_000, jitter: 0 } },
    // The bot's rule: cancel-all + STOP, and the cancel-all is through before the feed reconnects.
    safety: async (info: DisconnectInfo) => {
      ex.control({ type: "stop", reason: `user feed ${info.reason}`, resumeOnResync: true });
      await gateway.whenIdle();
      safety.push({
        reason: info.reason,
        modeAfter: ex.mode(),
        openAtVenueAfter: sim.venue.engine.openOrders(creds.apiKey).length,
      });
    },
  });
  const abort = new AbortController();
  const pump = (async () => {
    for await (const e of userFeed.events(abort.signal)) {
      ex.userEvents.post(e); // handled synchronously (the pump is not inside the actor)
      const snap = ex.snapshot();
      observations.push({
        event: e,
        mode: snap.mode,
        yes: ex.inventoryOf(market.yes.tokenId),
        no: ex.inventoryOf(market.no.tokenId),
        collateral: snap.collateral,
        audit: ex.audit(),
      });
    }
  })();

  const funded = sim.venue.fund({ address: COUNTERPARTY_ADDRESS, usdc: "1000", market: market.conditionId, shares: "200" });
  if (!funded.ok) throw new Error(`funding the counterparty failed: ${funded.error}`);
  const cpKey = funded.apiKey;
  const counterparty: Counterparty = {
    apiKey: cpKey,
    take: (tokenId, side, price, size) =>
      sim.venue.engine.placeOrder({ owner: cpKey, tokenId, side, orderType: "FAK", price: price as Price, size: size as Size }),
    rest: (tokenId, side, price, size) =>
      sim.venue.engine.placeOrder({ owner: cpKey, tokenId, side, orderType: "GTC", price: price as Price, size: size as Size }),
  };

  gateway.start();
  userFeed.start();
  // Subscribed (the venue knows our listener) before anything can trade: no fill may be missed.
  await until(() => userFeed.state === "open" && sim.venue.userChannel.hasListener(creds.apiKey), "the user channel", 10_000);

  let seq = 0;
  const openOrders = () => ex.snapshot().orders.filter((v) => LIVE_STATES.has(v.state));
  const venueOpenOrders = () => sim.venue.engine.openOrders(creds.apiKey);

  return {
    sim,
    market,
    yes: market.yes.tokenId,
    no: market.no.tokenId,
    apiKey: creds.apiKey,
    executor: ex,
    gateway,
    userFeed,
    journal,
    safety,
    observations,
    counterparty,
    quote(bids, asks) {
      const set: DesiredQuoteSet = {
        conditionId: market.conditionId,
        bids: bids.map(([p, s]) => ({ price: p as Price, size: s as Size })),
        asks: asks.map(([p, s]) => ({ price: p as Price, size: s as Size })),
        seq: ++seq,
        createdAt: Date.now(),
        reason: { code: "quoting" },
        fairValue: 5_000,
      };
      ex.intents.post(set);
    },
    async restBalance(asset) {
      const path = "/balance-allowance";
      const query = asset === "COLLATERAL" ? "asset_type=COLLATERAL&signature_type=0" : `asset_type=CONDITIONAL&token_id=${asset}`;
      const ts = String(Math.floor(Date.now() / 1000));
      const res = await fetch(`${sim.urls.clob}${path}?${query}`, {
        headers: {
          POLY_ADDRESS: creds.address,
          POLY_API_KEY: creds.apiKey,
          POLY_PASSPHRASE: creds.passphrase,
          POLY_TIMESTAMP: ts,
          POLY_SIGNATURE: l2Signature(creds.secret, ts, "GET", path, ""),
        },
        signal: AbortSignal.timeout(5_000),
      });
      if (!res.ok) throw new Error(`GET ${path}: HTTP ${res.status}`);
      const body = (await res.json()) as { balance?: unknown };
      if (typeof body.balance !== "string" || !/^\d+$/.test(body.balance)) throw new Error(`GET ${path}: unexpected balance`);
      return Number(body.balance);
    },
    openOrders,
    venueOpenOrders,
    quiescent() {
      if (ex.mode() !== "RUNNING" || ex.snapshot().pendingActions !== 0) return false;
      const mine = openOrders();
      if (mine.some((v) => v.state !== "LIVE" || v.orderId === undefined)) return false;
      const ids = new Set<OrderId | undefined>(mine.map((v) => v.orderId));
      const venue = venueOpenOrders();
      return venue.length === ids.size && venue.every((v) => ids.has(v.id));
    },
    modes: () => journal.entries.filter((e): e is Extract<JournalEntry, { type: "mode" }> => e.type === "mode"),
    async stop() {
      abort.abort();
      await userFeed.stop();
      await pump.catch(() => undefined);
      await gateway.close();
      await sim.stop();
    },
  };
}
