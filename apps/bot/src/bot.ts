/**
 * The composition root: wires the libraries into a running market maker. No trading logic here.
 *
 * Startup (ARCHITECTURE.md): caches and queues → feeds → configuration (markets, balances,
 * executor, strategy) → start. In sim mode the venue simulator starts first, in-process on
 * loopback, and everything else talks to it over real HTTP and WebSocket.
 *
 * Safety path: a user-feed disconnect runs cancel-all + executor STOP (awaited) before the feed
 * reconnects; the reconnect queues `resync_needed`, the executor resyncs from REST and resumes.
 *
 * Shutdown: stop strategy → cancel-all → (settle + compare balances) → stop feeds → flush journal.
 */
import { randomUUID } from "node:crypto";
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { BookStore, ReferenceCache } from "@mm/caches";
import { ExecutorActor, type ExecutorMode, type JournalEntry, type JournalSink } from "@mm/executor";
import { type DisconnectInfo, MarketFeed, ReferenceFeed, UserFeed } from "@mm/feeds";
import { createGateway, type Gateway } from "@mm/gateway";
import { PolymarketClient } from "@mm/ingestion";
import type { ApiCredentials, MarketEvent } from "@mm/protocol";
import { JournalWriter, SqliteStorage } from "@mm/storage";
import {
  type InventoryReader,
  makeBandsStrategy,
  makeReferenceStrategy,
  type MarketInventory,
  type Strategy,
  StrategyDriver,
  StrategyDriverRouter,
} from "@mm/strategy";
import {
  type ConditionId,
  type DesiredQuoteSet,
  type GatewayResult,
  type Mailbox,
  type MarketInfo,
  type OrderGateway,
  PRICE_SCALE,
  type Size,
  type TickSize,
  type TokenId,
  type Usdc,
  type UserEvent,
} from "@mm/types";
import type { VenueSimHandle } from "@mm/venue-sim";
import type { Logger } from "pino";
import { type BotConfig, bandsOptions } from "./config.js";
import type { LiveCredentials, LiveSignatureType } from "./credentials.js";
import { DryRunGateway } from "./dry-run-gateway.js";
import type { HealthComponent } from "./http-server.js";
import { marketInfoOf, selectMarkets } from "./market-selection.js";
import { BotMetrics } from "./metrics.js";
import { PnlTracker } from "./pnl.js";
import { RunClock } from "./run-clock.js";
import { startSimVenue } from "./sim-venue.js";
import type { BotStatus, FeedHealth, MarketStatus } from "./status-view.js";
import { addressOf, deriveApiCredentials, fetchOrderVersion, VenueRest } from "./venue-rest.js";

const MODES: readonly ExecutorMode[] = ["RUNNING", "STOP", "COOLDOWN", "RESYNC"];
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export interface BotSummary {
  readonly mode: string;
  readonly markets: readonly { readonly conditionId: string; readonly slug: string }[];
  readonly ordersPlaced: number;
  readonly cancels: number;
  readonly fills: number;
  readonly rejects: number;
  readonly invariantViolations: number;
  readonly reconnects: number;
  /** USDC: realized + unrealized at the end. */
  readonly pnl: number;
  /** Settled + pending at the end: collateral (USDC) and shares per token. */
  readonly inventory: { readonly collateral: number; readonly tokens: Readonly<Record<string, number>> };
  /** End-of-run: executor inventory equals the venue's `/balance-allowance` balances. */
  readonly venueBalancesMatch: boolean;
}

export interface BotOptions {
  readonly config: Readonly<BotConfig>;
  readonly logger: Logger;
  /** Live mode only. */
  readonly credentials?: LiveCredentials;
  readonly metrics?: BotMetrics;
}

/** One executor mode change, for the status view, tests and the log. */
export interface ModeChange {
  readonly at: number;
  readonly from: ExecutorMode;
  readonly to: ExecutorMode;
  readonly reason: string;
}

export interface BalanceCheck {
  readonly match: boolean;
  readonly settledWithinMs: number | undefined;
  readonly mismatches: readonly string[];
}

/** Journal tap: persists every entry, keeps the bot's own view (mode changes, fills) and never throws into the executor. */
class JournalTap implements JournalSink {
  appended = 0;
  failures = 0;
  readonly modeChanges: ModeChange[] = [];
  constructor(
    private readonly writer: JournalWriter | undefined,
    private readonly onEntry: (e: JournalEntry) => void,
    private readonly log: Logger,
  ) {}
  /** Entries offered after the journal was closed (not persisted, not failures). */
  afterClose = 0;
  closed = false;
  append(entry: JournalEntry): void {
    if (this.closed) {
      this.afterClose++;
      this.log.debug({ seq: entry.seq, type: entry.type }, "journal entry after close (not persisted)");
      return;
    }
    if (entry.type === "mode") {
      this.modeChanges.push({ at: entry.at, from: entry.from, to: entry.to, reason: entry.reason });
      if (this.modeChanges.length > 1_000) this.modeChanges.shift();
    }
    try {
      this.writer?.append(entry);
      this.appended++;
    } catch (error) {
      this.failures++;
      if (this.failures <= 10)
        this.log.error({ err: error instanceof Error ? error.message : String(error), seq: entry.seq }, "journal append failed");
    }
    this.onEntry(entry);
  }
}

export class Bot {
  readonly runId = randomUUID();
  readonly metrics: BotMetrics;
  readonly books = new BookStore();
  readonly references = new ReferenceCache();
  readonly pnl = new PnlTracker();
  private readonly config: Readonly<BotConfig>;
  private readonly log: Logger;
  private readonly clock = new RunClock();
  /** The embedded simulator's own timers (settlement of the last fills), cancelled after it stops. */
  private readonly simClock = new RunClock();
  private readonly startedAt = Date.now();

  sim: VenueSimHandle | undefined;
  executor: ExecutorActor | undefined;
  gateway: Gateway | undefined;
  dryRun: DryRunGateway | undefined;
  marketFeed: MarketFeed | undefined;
  userFeed: UserFeed | undefined;
  referenceFeed: ReferenceFeed | undefined;
  storage: SqliteStorage | undefined;
  journal: JournalWriter | undefined;
  tap: JournalTap | undefined;
  private client: PolymarketClient | undefined;
  private rest: VenueRest | undefined;
  private readonly markets = new Map<ConditionId, MarketInfo>();
  private readonly drivers = new Map<ConditionId, StrategyDriver>();
  private readonly router = new StrategyDriverRouter();
  private readonly resolved = new Map<ConditionId, TokenId>();
  private readonly closedAt = new Map<ConditionId, number>();
  private readonly reconnectsSeen = new Map<string, number>();
  private readonly lastIntent = new Map<ConditionId, DesiredQuoteSet>();
  /** Scratch list of `onBooksDirty` (reused: no allocation per burst). */
  private readonly dirtyTokens: TokenId[] = [];
  private readonly invariantProblems = new Set<string>();
  private internalErrors = 0;
  private userEventsPumped = 0;
  private stopping = false;
  private auditTimer: NodeJS.Timeout | undefined;
  balanceCheck: BalanceCheck | undefined;

  constructor(private readonly options: BotOptions) {
    this.config = options.config;
    this.log = options.logger;
    this.metrics = options.metrics ?? new BotMetrics();
  }

  get modeLabel(): string {
    return `${this.config.mode}${this.config.dryRun ? "+dry-run" : ""}`;
  }

  /** Market info as the bot currently knows it (tick size and status change at runtime). */
  marketList(): MarketInfo[] {
    return [...this.markets.values()];
  }

  modeChanges(): readonly ModeChange[] {
    return this.tap?.modeChanges ?? [];
  }

  // ------------------------------------------------------------------------------------------
  // Startup

  async start(): Promise<void> {
    const cfg = this.config;
    // -- endpoints and credentials --------------------------------------------------------------
    let endpoints: { clob: string; gamma: string; data: string; ws: string; binance: string; binanceWs: string };
    let apiCreds: ApiCredentials;
    let privateKey: string;
    let signer: { funder?: string; signatureType?: LiveSignatureType; chainId?: number; version?: 1 | 2 | 3 } = {};
    if (cfg.mode === "sim") {
      this.sim = await startSimVenue(cfg, this.simClock);
      const u = this.sim.urls;
      endpoints = { clob: u.clob, gamma: u.gamma, data: u.data, ws: u.ws, binance: u.binance, binanceWs: u.binanceWs };
      const c = this.sim.credentials;
      apiCreds = { key: c.apiKey, secret: c.secret, passphrase: c.passphrase };
      privateKey = c.privateKey;
      this.log.info({ clob: u.clob, ws: u.ws, reference: u.binanceWs, seed: cfg.sim.seed }, "venue simulator started in-process");
    } else {
      const creds = this.options.credentials;
      if (creds === undefined) throw new Error("live mode needs credentials");
      endpoints = cfg.endpoints;
      privateKey = creds.privateKey;
      // The order format follows the venue (V1 orders are rejected since CLOB V2) unless pinned.
      const version = cfg.orderVersion ?? (await fetchOrderVersion(endpoints.clob));
      this.log.info({ orderVersion: version, source: cfg.orderVersion !== undefined ? "config" : "GET /version" }, "order version");
      signer = {
        ...(creds.funder ? { funder: creds.funder } : {}),
        signatureType: creds.signatureType,
        chainId: cfg.chainId,
        version,
      };
      if (creds.api) apiCreds = { key: creds.api.key, secret: creds.api.secret, passphrase: creds.api.passphrase };
      else {
        this.log.info("deriving API credentials via L1 from the private key");
        apiCreds = await deriveApiCredentials(endpoints.clob, privateKey, { chainId: cfg.chainId });
      }
    }
    const address = addressOf(privateKey);
    // Balances are looked up per signature type: the venue derives the funding wallet from it.
    this.rest = new VenueRest({ clobUrl: endpoints.clob, credentials: apiCreds, address, signatureType: signer.signatureType ?? 0 });
    this.client = new PolymarketClient({
      clobUrl: endpoints.clob,
      gammaUrl: endpoints.gamma,
      dataApiUrl: endpoints.data,
      userAgent: "mm-bot",
    });

    // -- journal ------------------------------------------------------------------------------
    if (cfg.journalPath !== ":memory:") mkdirSync(dirname(cfg.journalPath), { recursive: true });
    this.storage = SqliteStorage.open({ path: cfg.journalPath });
    this.journal = await JournalWriter.start({
      journal: this.storage.journal,
      sessionId: this.runId,
      meta: { app: "mm-bot", mode: cfg.mode, dryRun: cfg.dryRun, startedAt: this.startedAt },
      onError: (e) => this.log.error({ err: e.message, code: e.code }, "journal flush failed (retrying)"),
    });
    this.tap = new JournalTap(this.journal, (e) => this.onJournalEntry(e), this.log);

    // -- markets (configuration) --------------------------------------------------------------
    const selected = await selectMarkets({
      client: this.client,
      requested: cfg.markets,
      maxMarkets: cfg.maxMarkets,
      now: this.clock.now(),
    });
    for (const m of selected) {
      this.markets.set(m.conditionId, m);
      this.books.registerMarket(m);
    }
    this.log.info(
      { markets: selected.map((m) => ({ slug: m.slug, conditionId: m.conditionId, tick: m.tickSize, takerFee: m.feeSchedule })) },
      "markets selected",
    );

    // -- balances, executor, gateway -----------------------------------------------------------
    const collateral = await this.rest.balance("COLLATERAL");
    const tokens: Record<string, Size> = {};
    for (const m of selected)
      for (const t of [m.yes.tokenId, m.no.tokenId]) {
        const b = await this.rest.balance(t);
        if (b > 0) tokens[t] = b as Size;
      }
    const results: Mailbox<GatewayResult> = { post: (r) => this.executor?.results.post(r) };
    let gateway: OrderGateway;
    if (cfg.dryRun) {
      this.dryRun = new DryRunGateway(results, this.log, () => this.clock.now());
      gateway = this.dryRun;
    } else {
      this.gateway = createGateway({
        clobUrl: endpoints.clob,
        credentials: apiCreds,
        signer: { privateKey, ...signer },
        mailbox: results,
        syncBalances: true,
      });
      gateway = this.gateway;
    }
    const r = cfg.risk;
    this.executor = new ExecutorActor({
      clock: this.clock,
      gateway,
      markets: selected,
      initial: { collateral: collateral as Usdc, tokens },
      journal: this.tap,
      config: {
        settlement: cfg.settlementThreshold,
        clientOrderIdPrefix: `mm${this.runId.slice(0, 8)}`,
        limits: {
          maxPositionPerToken: Math.round(r.maxPositionPerToken * 1_000_000) as Size,
          maxGrossPosition: Math.round(r.maxGrossPosition * 1_000_000) as Size,
          maxWorkingNotional: Math.round(r.maxWorkingNotional * 1_000_000) as Usdc,
          maxLoss: Math.round(r.maxLoss * 1_000_000) as Usdc,
        },
      },
      hooks: { onMarketRefreshNeeded: (cid, reason) => void this.refreshMarket(cid, reason) },
    });

    // -- feeds ---------------------------------------------------------------------------------
    const feedLog = this.log.child({ component: "feeds" });
    const ws = endpoints.ws.replace(/\/+$/, "");
    this.marketFeed = new MarketFeed({
      url: `${ws}/market`,
      books: this.books,
      customFeatures: true,
      stallTimeoutMs: cfg.marketStallMs,
      logger: feedLog,
      onEvent: (e) => this.onMarketEvent(e),
    });
    this.marketFeed.subscribe(selected);
    this.userFeed = new UserFeed({
      url: `${ws}/user`,
      credentials: { apiKey: apiCreds.key, secret: apiCreds.secret, passphrase: apiCreds.passphrase },
      // Automatic selection follows new windows as they open: then every market of the key.
      markets: cfg.markets.length > 0 ? selected.map((m) => m.conditionId) : [],
      identity: { apiKey: apiCreds.key, makerAddresses: [address, ...(signer.funder ? [signer.funder] : [])] },
      safety: (info) => this.onUserFeedDisconnect(info),
      logger: feedLog,
    });
    this.referenceFeed = new ReferenceFeed({
      wsUrl: endpoints.binanceWs,
      restUrl: endpoints.binance,
      symbols: [cfg.reference.symbol],
      cache: this.references,
      clock: this.clock,
      logger: feedLog,
    });

    // -- strategy ------------------------------------------------------------------------------
    for (const m of selected) this.addDriver(m);

    // -- start ---------------------------------------------------------------------------------
    this.books.onDirty(() => queueMicrotask(() => this.onBooksDirty()));
    this.references.onDirty(() => queueMicrotask(() => this.router.drain(this.references.drainDirty())));
    this.gateway?.start();
    this.userFeed.start();
    this.pumpUserEvents().catch((error: unknown) =>
      this.log.error({ err: error instanceof Error ? error.message : String(error) }, "user event pump failed"),
    );
    this.referenceFeed.start();
    this.marketFeed.start();
    if (!(await this.waitFor(() => this.userFeed?.state === "open", 15_000)))
      throw new Error("the user channel did not connect within 15 s: no fills would be seen, refusing to trade");
    this.auditTimer = setInterval(() => this.audit(), 1_000);
    this.auditTimer.unref();
    if (cfg.markets.length === 0) {
      this.rollTimer = setInterval(() => void this.roll(), cfg.rollIntervalMs);
      this.rollTimer.unref();
    }
    this.log.info({ mode: this.modeLabel, runId: this.runId, journal: cfg.journalPath }, "market maker running");
  }

  private addDriver(m: MarketInfo): void {
    const driver = new StrategyDriver({
      clock: this.clock,
      strategy: this.makeStrategy(),
      market: () => this.markets.get(m.conditionId) ?? m,
      books: this.books,
      references: this.references,
      inventory: this.inventoryReader,
      output: { post: (set) => this.onIntent(set) },
      debounceMs: this.config.strategy.debounceMs,
      ...(this.sim !== undefined ? { openPrice: this.simOpenPrice(m.conditionId) } : {}),
      onProblem: (p) => this.log.warn({ market: m.slug, kind: p.kind, detail: p.detail }, "strategy problem (quotes pulled)"),
    });
    this.drivers.set(m.conditionId, driver);
    this.router.add(driver);
  }

  private readonly inventoryReader: InventoryReader = { inventory: (cid) => this.inventoryOf(cid) };

  /**
   * Automatic selection only: when fewer than `maxMarkets` selected markets are still tradable
   * (windows end, markets resolve), pick the next ones and add them at runtime (books, market
   * feed subscription, executor, strategy driver).
   */
  private async roll(): Promise<void> {
    if (this.stopping || this.rolling || this.client === undefined) return;
    const now = this.clock.now();
    const tradable = [...this.markets.values()].filter((m) => !m.closed && (m.endTime ?? Number.POSITIVE_INFINITY) > now + 120_000);
    const wanted = this.config.maxMarkets - tradable.length;
    if (wanted <= 0) return;
    this.rolling = true;
    try {
      const found = await selectMarkets({
        client: this.client,
        requested: [],
        maxMarkets: this.config.maxMarkets + this.markets.size,
        now,
      });
      const fresh = found.filter((m) => !this.markets.has(m.conditionId)).slice(0, wanted);
      for (const m of fresh) {
        if (this.stopping) return;
        this.markets.set(m.conditionId, m);
        this.books.registerMarket(m);
        this.marketFeed?.subscribe([m]);
        this.executor?.control({ type: "market", market: m });
        this.addDriver(m);
        this.log.info({ market: m.slug, conditionId: m.conditionId }, "market added (next window)");
      }
    } catch (error) {
      this.log.debug({ err: error instanceof Error ? error.message : String(error) }, "no further market to add yet");
    } finally {
      this.rolling = false;
    }
  }
  private rolling = false;
  private rollTimer: NodeJS.Timeout | undefined;

  private makeStrategy(): Strategy {
    const s = this.config.strategy;
    if (s.kind === "bands") return makeBandsStrategy(bandsOptions(s));
    const levelSizes = Array.from({ length: s.levels }, () => Math.round(s.quoteSize * 1_000_000) as Size);
    return makeReferenceStrategy({
      contract: { kind: "up", symbol: this.config.reference.symbol },
      levelSizes,
      minHalfSpread: s.minHalfSpread,
      riskAversion: s.riskAversion,
      maxLongShares: this.config.risk.maxPositionPerToken,
      maxShortShares: this.config.risk.maxPositionPerToken,
      reference: { widenAfterMs: this.config.reference.staleMs, pullAfterMs: this.config.reference.staleMs * 2 },
      joinBook: { enabled: true },
    });
  }

  /** Sim mode: the opening price of a window the bot joined after it opened (the simulator's strike). */
  private simOpenPrice(cid: ConditionId): () => number | undefined {
    return () => this.sim?.venue.market(cid)?.strike;
  }

  // ------------------------------------------------------------------------------------------
  // Event plumbing

  private onIntent(set: DesiredQuoteSet): void {
    this.lastIntent.set(set.conditionId, set);
    this.executor?.intents.post(set);
  }

  private onBooksDirty(): void {
    // One reused list (a burst is drained and routed before the next one starts).
    const tokens = this.dirtyTokens;
    while (tokens.length > 0) tokens.pop();
    this.books.drainDirty(tokens);
    for (const t of tokens) {
      const cid = this.books.marketOf(t);
      const m = cid === undefined ? undefined : this.markets.get(cid);
      const book = this.books.book(t);
      if (m === undefined || book === undefined || book.tickSize === m.tickSize) continue;
      // A tick-size change arrived on the market channel: new grid for the strategy and the planner.
      this.markets.set(m.conditionId, { ...m, tickSize: book.tickSize });
      this.log.info({ market: m.slug, from: m.tickSize, to: book.tickSize }, "tick size changed");
      this.executor?.control({ type: "tick_size", conditionId: m.conditionId, tickSize: book.tickSize as TickSize });
    }
    this.router.drain(tokens);
  }

  private onMarketEvent(e: MarketEvent): void {
    if (e.kind !== "market_resolved") return;
    const cid = e.market.toLowerCase() as ConditionId;
    const m = this.markets.get(cid) ?? [...this.markets.values()].find((x) => x.conditionId.toLowerCase() === cid);
    if (m === undefined) return;
    this.resolved.set(m.conditionId, e.winningAssetId as TokenId);
    this.closedAt.set(m.conditionId, this.clock.now());
    const closed: MarketInfo = { ...m, active: false, closed: true };
    this.markets.set(m.conditionId, closed);
    this.log.info({ market: m.slug, winner: e.winningOutcome ?? e.winningAssetId }, "market resolved: quotes pulled");
    this.executor?.control({ type: "market", market: closed });
    this.drivers.get(m.conditionId)?.recompute();
    // Resolution pays out (or leaves redeemable) positions without any fill event: rebuild the
    // executor's inventory from the venue's balances.
    setTimeout(() => {
      if (!this.stopping) this.executor?.control({ type: "resync", reason: `market ${m.slug} resolved` });
    }, 250).unref();
  }

  /** Observe every journal entry (tests, tooling). Returns an unsubscribe function. */
  onJournal(listener: (e: JournalEntry) => void): () => void {
    this.journalListeners.add(listener);
    return () => this.journalListeners.delete(listener);
  }
  private readonly journalListeners = new Set<(e: JournalEntry) => void>();

  private async refreshMarket(cid: ConditionId, reason: string): Promise<void> {
    const m = this.markets.get(cid);
    if (m === undefined || this.client === undefined || this.stopping) return;
    try {
      const fresh = await marketInfoOf(this.client, {
        conditionId: cid,
        startTime: m.startTime,
        endTime: m.endTime,
        slug: m.slug,
        tokenIds: [m.yes.tokenId, m.no.tokenId],
        tickSize: m.tickSize,
        minOrderSize: m.minOrderSize,
        negRisk: m.negRisk,
        question: m.question,
        outcomes: [m.yes.label, m.no.label],
      });
      const merged: MarketInfo = { ...fresh, active: m.active && fresh.active, closed: m.closed || fresh.closed };
      this.markets.set(cid, merged);
      this.log.info({ market: m.slug, reason, tick: merged.tickSize, minSize: merged.minOrderSize }, "market metadata refreshed");
      this.executor?.control({ type: "market", market: merged });
    } catch (error) {
      this.log.warn({ market: m.slug, reason, err: error instanceof Error ? error.message : String(error) }, "market refresh failed");
    }
  }

  private async onUserFeedDisconnect(info: DisconnectInfo): Promise<void> {
    this.metrics.reconnects.inc({ feed: "user" });
    if (this.stopping) return;
    this.log.warn({ reason: info.reason, code: info.code }, "user feed lost: cancel-all + STOP before reconnecting");
    this.executor?.control({ type: "stop", reason: `user feed ${info.reason}`, resumeOnResync: true });
    await Promise.race([this.gatewayIdle(), sleep(5_000)]);
  }

  private gatewayIdle(): Promise<void> {
    return this.gateway?.whenIdle() ?? this.dryRun?.whenIdle() ?? Promise.resolve();
  }

  private async pumpUserEvents(): Promise<void> {
    const feed = this.userFeed;
    if (feed === undefined) return;
    for (;;) {
      const e: UserEvent = await feed.take();
      if (this.stopping && e.kind === "resync_needed") continue;
      this.userEventsPumped++;
      if (e.kind === "resync_needed") this.log.info({ reason: e.reason }, "user feed resync: executor rebuilds from REST");
      this.executor?.userEvents.post(e);
    }
  }

  private onJournalEntry(e: JournalEntry): void {
    for (const l of this.journalListeners) l(e);
    switch (e.type) {
      case "user":
        if (e.event.kind === "fill") {
          this.pnl.onFill(e.event);
          this.metrics.fills.inc({ status: e.event.status });
        }
        break;
      case "action": {
        const a = e.action;
        if (a.kind === "PLACE") this.metrics.ordersPlaced.inc({ market: a.order.conditionId });
        else if (a.kind === "CANCEL") this.metrics.cancels.inc({ kind: "CANCEL" });
        else if (a.kind === "CANCEL_ALL") this.metrics.cancels.inc({ kind: "CANCEL_ALL" });
        break;
      }
      case "gateway": {
        const r = e.result;
        if (r.kind === "PLACE_REJECT" || r.kind === "ACTION_FAILED") this.metrics.rejects.inc({ reason: r.reason });
        break;
      }
      case "mode":
        this.log.info({ from: e.from, to: e.to, reason: e.reason }, `executor ${e.from} → ${e.to}`);
        break;
      case "anomaly":
        if (e.code === "internal_error") {
          this.internalErrors++;
          this.metrics.invariantViolations.inc();
          this.log.error({ detail: e.detail }, "executor internal error (STOP)");
        } else if (e.code !== "cooldown" && e.code !== "resync_requested")
          this.log.debug({ code: e.code, detail: e.detail }, "executor anomaly");
        break;
      case "risk":
        this.log.warn({ limit: e.limit, value: e.value, max: e.max }, "risk limit breached: cancel-all + STOP");
        break;
      default:
        break;
    }
  }

  /** The strategy's inventory reader: two cheap reads of the executor (no snapshot of every order on a tick). */
  private inventoryOf(cid: ConditionId): MarketInventory | undefined {
    const m = this.markets.get(cid);
    if (m === undefined || this.executor === undefined) return undefined;
    return { yes: this.executor.inventoryOf(m.yes.tokenId), no: this.executor.inventoryOf(m.no.tokenId) };
  }

  /** Periodic self-check of the executor (ledger and bookkeeping laws). */
  private audit(): void {
    const ex = this.executor;
    if (ex === undefined) return;
    for (const p of ex.audit()) {
      if (this.invariantProblems.has(p)) continue;
      this.invariantProblems.add(p);
      this.metrics.invariantViolations.inc();
      this.log.error({ problem: p }, "executor invariant violated");
    }
    const snap = ex.snapshot();
    for (const p of snap.positions) {
      if (p.settled < 0) {
        const k = `negative settled position ${p.tokenId}`;
        if (!this.invariantProblems.has(k)) {
          this.invariantProblems.add(k);
          this.metrics.invariantViolations.inc();
          this.log.error({ token: p.tokenId, settled: p.settled }, "negative settled position");
        }
      }
    }
    this.updateGauges();
  }

  private updateGauges(): void {
    const ex = this.executor;
    if (ex === undefined) return;
    const mode = ex.mode();
    const snap = ex.snapshot();
    const pos = new Map(snap.positions.map((p) => [p.tokenId as string, p]));
    for (const m of this.markets.values()) {
      this.metrics.setMode(m.slug, mode, MODES);
      for (const [outcome, t] of [
        ["YES", m.yes.tokenId],
        ["NO", m.no.tokenId],
      ] as const) {
        const p = pos.get(t);
        this.metrics.inventory.set({ market: m.slug, outcome, state: "settled" }, (p?.settled ?? 0) / 1_000_000);
        this.metrics.inventory.set({ market: m.slug, outcome, state: "pending" }, (p?.pending ?? 0) / 1_000_000);
      }
      const pnl = this.pnl.pnl([m.yes.tokenId, m.no.tokenId], (t) => this.markOf(t));
      this.metrics.pnl.set({ market: m.slug, kind: "realized" }, pnl.realized / 1_000_000);
      this.metrics.pnl.set({ market: m.slug, kind: "unrealized" }, pnl.unrealized / 1_000_000);
    }
    for (const f of this.feedHealth()) {
      if (f.lastMessageAgeMs !== undefined) this.metrics.feedAge.set({ feed: f.name }, f.lastMessageAgeMs / 1000);
      // The user feed's reconnects are counted in its safety callback; the others from socket stats.
      const seen = this.reconnectsSeen.get(f.name) ?? 0;
      if (f.name !== "user" && f.reconnects > seen) this.metrics.reconnects.inc({ feed: f.name }, f.reconnects - seen);
      this.reconnectsSeen.set(f.name, f.reconnects);
    }
  }

  /** Mark price of a token, price units: 0/1 after resolution, else the book mid, else undefined. */
  private markOf(token: string): number | undefined {
    const cid = this.books.marketOf(token as TokenId);
    const winner = cid === undefined ? undefined : this.resolved.get(cid);
    if (winner !== undefined) return winner === token ? PRICE_SCALE : 0;
    return this.books.book(token as TokenId)?.mid();
  }

  // ------------------------------------------------------------------------------------------
  // Observability

  feedHealth(): FeedHealth[] {
    const now = this.clock.now();
    const out: FeedHealth[] = [];
    const mf = this.marketFeed;
    if (mf !== undefined) {
      const shards = mf.shards();
      const last = Math.max(0, ...shards.map((s) => s.socket.lastDataAt));
      out.push({
        name: "market",
        state: shards.every((s) => s.state === "open") && shards.length > 0 ? "open" : (shards[0]?.state ?? "idle"),
        ...(last > 0 ? { lastMessageAgeMs: now - last } : {}),
        reconnects: shards.reduce((a, s) => a + s.socket.reconnects, 0),
      });
    }
    if (this.userFeed !== undefined) {
      const s = this.userFeed.socketStats;
      out.push({
        name: "user",
        state: this.userFeed.state,
        ...(s.lastMessageAt > 0 ? { lastMessageAgeMs: now - s.lastMessageAt } : {}),
        reconnects: s.reconnects,
      });
    }
    if (this.referenceFeed !== undefined) {
      const snap = this.references.reference(this.config.reference.symbol);
      const rf = this.referenceFeed;
      // "rest" = the stream is down or quiet and the feed polls REST meanwhile.
      const state = rf.mode === "ws" ? "open" : rf.mode === "rest" ? "rest-fallback" : (rf.wsState ?? "down");
      out.push({
        name: "reference",
        state,
        ...(snap !== undefined ? { lastMessageAgeMs: now - snap.receivedAt } : {}),
        reconnects: rf.socketStats?.reconnects ?? 0,
      });
    }
    return out;
  }

  health(): HealthComponent[] {
    const comps: HealthComponent[] = this.feedHealth().map((f) => ({
      name: `${f.name}-feed`,
      ok: f.state === "open",
      detail: `${f.state}, ${f.reconnects} reconnects`,
    }));
    const mode = this.executor?.mode() ?? "STOP";
    comps.push({ name: "executor", ok: mode === "RUNNING" || mode === "COOLDOWN", detail: mode });
    comps.push({
      name: "journal",
      ok: (this.journal?.stats.failedFlushes ?? 0) === 0 && (this.tap?.failures ?? 0) === 0,
      detail: `${this.journal?.stats.committed ?? 0} entries committed`,
    });
    return comps;
  }

  counters(): { ordersPlaced: number; cancels: number; fills: number; rejects: number } {
    const s = this.executor?.stats();
    if (s === undefined) return { ordersPlaced: 0, cancels: 0, fills: 0, rejects: 0 };
    return {
      ordersPlaced: s.actions.PLACE,
      cancels: s.actions.CANCEL + s.actions.CANCEL_ALL,
      fills: this.pnl.fills,
      rejects: Object.values(s.rejectsByReason).reduce((a, b) => a + b, 0),
    };
  }

  status(): BotStatus {
    const ex = this.executor;
    const snap = ex?.snapshot();
    const pos = new Map((snap?.positions ?? []).map((p) => [p.tokenId as string, p]));
    const ref = this.references.reference(this.config.reference.symbol);
    const now = this.clock.now();
    const markets: MarketStatus[] = [];
    for (const m of this.markets.values()) {
      // Finished windows leave the view a minute after they close (they stay in the summary).
      const closedAt = this.closedAt.get(m.conditionId) ?? (m.endTime !== undefined && now > m.endTime ? m.endTime : undefined);
      if (closedAt !== undefined && now - closedAt > 60_000) continue;
      const yes = this.books.book(m.yes.tokenId);
      const no = this.books.book(m.no.tokenId);
      const intent = this.lastIntent.get(m.conditionId);
      const side = (b: typeof yes) => {
        const bid = b?.topLevels("BID", 1)[0];
        const ask = b?.topLevels("ASK", 1)[0];
        return {
          ...(bid ? { bestBid: bid.price, bidSize: bid.size } : {}),
          ...(ask ? { bestAsk: ask.price, askSize: ask.size } : {}),
        };
      };
      const p = (t: string) => ({ settled: pos.get(t)?.settled ?? 0, pending: pos.get(t)?.pending ?? 0 });
      const pnl = this.pnl.pnl([m.yes.tokenId, m.no.tokenId], (t) => this.markOf(t));
      markets.push({
        label: m.slug || m.conditionId.slice(0, 12),
        executorMode: snap?.mode ?? "-",
        reason: this.resolved.has(m.conditionId) ? "resolved" : (intent?.reason.code ?? "starting"),
        yes: side(yes),
        no: side(no),
        ...(intent?.fairValue !== undefined ? { fairValue: intent.fairValue } : {}),
        ...(ref !== undefined ? { referenceMid: ref.mid, referenceAgeMs: now - ref.receivedAt } : {}),
        quotes: { bids: (intent?.bids ?? []).map((l) => l.price), asks: (intent?.asks ?? []).map((l) => l.price) },
        workingOrders: (snap?.orders ?? [])
          .filter(
            (o) => o.conditionId === m.conditionId && (o.state === "LIVE" || o.state === "PENDING_NEW" || o.state === "PENDING_CANCEL"),
          )
          .map((o) => ({
            outcome: o.tokenId === m.yes.tokenId ? ("YES" as const) : ("NO" as const),
            side: o.side,
            price: o.price,
            size: o.originalSize,
            matched: o.matchedSize,
            state: o.state,
          })),
        inventory: { yes: p(m.yes.tokenId), no: p(m.no.tokenId) },
        pnl,
        fills: this.pnl.fillsOf(m.conditionId),
      });
    }
    return { mode: this.modeLabel, uptimeMs: now - this.startedAt, markets, feeds: this.feedHealth(), counters: this.counters() };
  }

  // ------------------------------------------------------------------------------------------
  // Shutdown

  stopStrategy(): void {
    this.stopping = true;
    for (const d of this.drivers.values()) d.stop({ pull: true, detail: "shutting down" });
    this.books.onDirty(undefined);
    this.references.onDirty(undefined);
  }

  async cancelAll(): Promise<void> {
    const ex = this.executor;
    if (ex === undefined) return;
    ex.control({ type: "kill", reason: "shutdown" });
    await this.gatewayIdle();
    await this.waitFor(() => ex.snapshot().pendingActions === 0, 5_000);
  }

  /**
   * Waits until every fill of ours has settled (no pending inventory), then compares the
   * executor's inventory with the venue's wallet balances.
   */
  async checkBalances(): Promise<BalanceCheck> {
    const ex = this.executor;
    const rest = this.rest;
    if (ex === undefined || rest === undefined) {
      this.balanceCheck = { match: false, settledWithinMs: undefined, mismatches: ["not started"] };
      return this.balanceCheck;
    }
    const t0 = Date.now();
    const deadline = t0 + this.config.settleWaitMs;
    const noPending = (): boolean => {
      const s = ex.snapshot();
      return s.collateral.pending === 0 && s.positions.every((p) => p.pending === 0);
    };
    // A fill matched just before cancel-all may still be on the wire: compare only a quiet state
    // (no pending fill, no user event and no venue balance change across the comparison), and
    // retry until the deadline.
    let mismatches: string[] = [];
    let settledAt: number | undefined;
    for (;;) {
      const settled = await this.waitFor(noPending, Math.max(0, deadline - Date.now()));
      mismatches = settled ? [] : ["fills still pending at the end of the settle wait"];
      try {
        const events0 = this.userEventsPumped;
        const before = await this.venueBalances(rest);
        const snap = ex.snapshot();
        const after = await this.venueBalances(rest);
        const quiet = events0 === this.userEventsPumped && JSON.stringify([...before]) === JSON.stringify([...after]) && noPending();
        const ours = new Map<string, number>(snap.positions.map((p) => [p.tokenId as string, p.settled + p.pending]));
        ours.set("COLLATERAL", snap.collateral.settled + snap.collateral.pending);
        for (const [asset, venue] of after) {
          const mine = ours.get(asset) ?? 0;
          if (venue !== mine) mismatches.push(`${this.assetLabel(asset)}: executor ${mine}, venue ${venue}`);
        }
        if (!quiet) mismatches.push("state changed during the comparison");
      } catch (error) {
        mismatches.push(`balance query failed: ${error instanceof Error ? error.message : String(error)}`);
      }
      if (mismatches.length === 0) {
        settledAt = Date.now();
        break;
      }
      if (Date.now() >= deadline) break;
      await sleep(250);
    }
    this.balanceCheck = {
      match: mismatches.length === 0,
      settledWithinMs: settledAt === undefined ? undefined : settledAt - t0,
      mismatches,
    };
    if (mismatches.length > 0) this.log.warn({ mismatches }, "executor inventory differs from venue balances");
    else this.log.info({ settledWithinMs: this.balanceCheck.settledWithinMs }, "executor inventory matches venue balances");
    return this.balanceCheck;
  }

  /** Venue wallet balances (`/balance-allowance`): collateral and both tokens of every market traded. */
  private async venueBalances(rest: VenueRest): Promise<Map<string, number>> {
    const out = new Map<string, number>([["COLLATERAL", await rest.balance("COLLATERAL")]]);
    for (const m of this.markets.values()) for (const t of [m.yes.tokenId, m.no.tokenId]) out.set(t, await rest.balance(t));
    return out;
  }

  private assetLabel(asset: string): string {
    if (asset === "COLLATERAL") return "collateral";
    for (const m of this.markets.values()) {
      if (m.yes.tokenId === asset) return `${m.slug} YES`;
      if (m.no.tokenId === asset) return `${m.slug} NO`;
    }
    return asset;
  }

  async stopFeeds(): Promise<void> {
    this.stopping = true;
    if (this.auditTimer) clearInterval(this.auditTimer);
    if (this.rollTimer) clearInterval(this.rollTimer);
    this.audit();
    await Promise.allSettled([this.marketFeed?.stop(), this.userFeed?.stop(), this.referenceFeed?.stop()]);
    await this.gateway?.close();
    await this.client?.close();
  }

  /** Closes the journal (every accepted entry flushed) and checks that the database holds all of them. */
  async flushJournal(): Promise<void> {
    // Nothing may run into a closed journal: cancel the executor's and drivers' pending timers.
    this.clock.close();
    try {
      if (this.journal !== undefined && this.storage !== undefined) {
        if (this.tap !== undefined) this.tap.closed = true;
        await this.journal.close();
        const session = (await this.storage.journal.sessions()).find((s) => s.sessionId === this.runId);
        this.journalCheck = {
          appended: this.tap?.appended ?? 0,
          committed: this.journal.stats.committed,
          stored: session?.entries ?? 0,
          failures: (this.tap?.failures ?? 0) + this.journal.stats.failedFlushes,
        };
        const lost = this.journalCheck.appended - this.journalCheck.stored;
        if (lost !== 0) this.log.error({ ...this.journalCheck }, "journal: entries missing from the database");
        else this.log.info({ ...this.journalCheck, path: this.config.journalPath, session: this.runId }, "journal flushed");
      }
    } finally {
      await this.storage?.close();
      await this.sim?.stop();
      this.simClock.close();
    }
  }

  /** Set by `flushJournal`: entries handed to the journal vs rows in the database for this run. */
  journalCheck: { appended: number; committed: number; stored: number; failures: number } | undefined;

  summary(): BotSummary {
    const ex = this.executor;
    const snap = ex?.snapshot();
    const c = this.counters();
    const tokens: Record<string, number> = {};
    for (const p of snap?.positions ?? []) {
      const q = p.settled + p.pending;
      if (q !== 0) tokens[p.tokenId] = q / 1_000_000;
    }
    let pnl = 0;
    for (const m of this.markets.values()) {
      const x = this.pnl.pnl([m.yes.tokenId, m.no.tokenId], (t) => this.markOf(t));
      pnl += x.realized + x.unrealized;
    }
    const reconnects = this.feedHealth().reduce((a, f) => a + f.reconnects, 0);
    return {
      mode: this.modeLabel,
      markets: [...this.markets.values()].map((m) => ({ conditionId: m.conditionId, slug: m.slug })),
      ordersPlaced: c.ordersPlaced,
      cancels: c.cancels,
      fills: c.fills,
      rejects: c.rejects,
      invariantViolations: this.invariantProblems.size + this.internalErrors + (this.tap?.failures ?? 0),
      reconnects,
      pnl: Math.round(pnl) / 1_000_000,
      inventory: {
        collateral: ((snap?.collateral.settled ?? 0) + (snap?.collateral.pending ?? 0)) / 1_000_000,
        tokens,
      },
      venueBalancesMatch: this.balanceCheck?.match ?? false,
    };
  }

  /** Executor user events handed over so far (tests). */
  get userEventsDelivered(): number {
    return this.userEventsPumped;
  }

  private async waitFor(pred: () => boolean, timeoutMs: number): Promise<boolean> {
    const t0 = Date.now();
    while (!pred()) {
      if (Date.now() - t0 > timeoutMs) return false;
      await sleep(20);
    }
    return true;
  }
}

export { MODES as EXECUTOR_MODES };
