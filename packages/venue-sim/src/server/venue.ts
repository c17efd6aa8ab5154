/**
 * The simulated venue: one VenueEngine behind the CLOB REST server (with the market and user
 * WebSocket channels on `/ws/market` and `/ws/user`), a Gamma server, a Data-API server and a
 * Binance-like reference server, all on loopback. Engine events are mapped onto the wire here.
 */
import type { Server } from "node:http";
import {
  type Clock,
  type ConditionId,
  type MarketInfo,
  type Outcome,
  parseConditionId,
  parseSize,
  parseTickSize,
  parseTradeId,
  parseUsdc,
  systemClock,
  type TokenId,
  type Usdc,
} from "@mm/types";
import { WebSocketServer } from "ws";
import { type EngineEvent, type EngineOptions, type TradeFault, type TradingMode, VenueEngine } from "../engine/index.js";
import { ReferenceServer, type ReferenceSymbolOptions } from "../reference/server.js";
import { type ApiCredentials, CredentialStore, deriveCredentials, type L1Verifier } from "./auth.js";
import { clobRoutes, type SignedOrderCheck } from "./clob-routes.js";
import { DepositWalletRegistry } from "./deposit-wallets.js";
import { eip712L1Verifier, eip712OrderCheck } from "./signing.js";
import { type Channel, FaultState, type FrameFaults, type HttpFault } from "./faults.js";
import { dataRoutes, gammaRoutes } from "./gamma-data-routes.js";
import { fail, HttpApp, ok, type Route } from "./http-app.js";
import { closeServer, listen } from "./http-kit.js";
import { MarketChannel } from "./market-channel.js";
import type { SimMarket } from "./markets.js";
import { type BucketSpec, DEFAULT_RATE_LIMITS, RateLimiter, SignerLimiter, type SignerLimits } from "./rate-limit.js";
import { UserChannel } from "./user-channel.js";
import {
  bestBidAskEvent,
  bookEvent,
  lastTradePriceEvent,
  priceChangeFrame,
  tickSizeChangeEvent,
  userOrderEvent,
  userTradeEvent,
} from "./wire.js";

/** Hardhat / Anvil account #0: a well-known TEST key (never holds real funds). */
export const TEST_PRIVATE_KEY = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
export const TEST_ADDRESS = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266";

export interface VenueOptions {
  readonly seed: number;
  readonly clock?: Clock;
  readonly host?: string;
  /** CLOB port (also serving `/ws/market` and `/ws/user`); 0 = ephemeral. Other servers are always ephemeral. */
  readonly port?: number;
  readonly engine?: EngineOptions["config"];
  /** Collateral credited to the test account, micro-USDC (default 10,000 USDC). */
  readonly testCollateral?: number;
  /** Market-channel knobs. */
  readonly marketWs?: { readonly idleTimeoutMs?: number; readonly maxAssetsPerConnection?: number; readonly arrayFraming?: boolean };
  readonly userWs?: { readonly idleTimeoutMs?: number; readonly arrayFraming?: boolean };
  /** false disables rate limiting; an object overrides per-route limits. */
  readonly rateLimits?: false | Readonly<Record<string, BucketSpec>>;
  /** WebSocket upgrades allowed per window across both channels (reconnect storms ⇒ HTTP 429); off by default. */
  readonly wsUpgradeLimit?: BucketSpec;
  /** Per-signer order/cancel buckets (off by default; "warn" adds `Poly-RateLimit-Warning: true`). */
  readonly signerLimits?: SignerLimits;
  /** Data-API visibility lag, ms (default 0 in tests; the venue lags 1–3 min). */
  readonly dataLagMs?: number;
  readonly priceSide?: "bid-for-buy" | "ask-for-buy";
  readonly pageSize?: number;
  /** Max L2 timestamp skew in seconds (default 0 = unchecked, since tests may run on virtual time). */
  readonly maxSkewSec?: number;
  /**
   * EIP-712 checks (default true): order signatures must recover to `signer` (ids are the order
   * hashes) and L1 headers must carry a valid ClobAuth signature. false accepts any well-formed
   * signature (ids then hash the order fields).
   */
  readonly verifySignatures?: boolean;
  /** Overrides of the default checks. */
  readonly signedOrders?: SignedOrderCheck;
  readonly l1Verifier?: L1Verifier;
  /** Chain id of the EIP-712 domains (default 137). */
  readonly chainId?: number;
  /** Accepted order generation: 1 = V1 structs (default), 2 = CLOB V2 (V1 bodies ⇒ "invalid order version"). */
  readonly orderVersion?: 1 | 2;
  /**
   * Deposit wallets for signature-type-3 (POLY_1271) V2 orders: wallet address → owner EOA (more
   * via `venue.depositWallets.register`). A type-3 order must be signed by the wallet's owner and
   * sent with that owner's API key.
   */
  readonly depositWallets?: Readonly<Record<string, string>>;
  /** Reference symbols and path parameters; step interval in ms (0 = manual `reference.step()`). */
  readonly reference?: { readonly symbols?: readonly ReferenceSymbolOptions[]; readonly intervalMs?: number };
}

export interface VenueUrls {
  readonly clob: string;
  readonly gamma: string;
  readonly data: string;
  /** Market channel at `${ws}/market`, user channel at `${ws}/user`. */
  readonly ws: string;
  readonly binance: string;
  readonly binanceWs: string;
}

export interface TestCredentials {
  readonly apiKey: string;
  readonly secret: string;
  readonly passphrase: string;
  readonly address: string;
  readonly privateKey: string;
}

/** A fault to inject (programmatically or as the JSON body of `POST /admin/faults`). */
export type FaultSpec =
  | ({ readonly type: "http" } & HttpFault)
  | { readonly type: "clear" }
  | { readonly type: "close"; readonly channel: Channel | "binance" | "all" }
  | { readonly type: "freeze"; readonly channel: Channel | "binance"; readonly frozen?: boolean }
  | ({ readonly type: "frames"; readonly channel: Channel } & Partial<Omit<FrameFaults, "frozen">>)
  | { readonly type: "trading_mode"; readonly mode: TradingMode }
  | { readonly type: "tick_size"; readonly market: string; readonly tickSize: string }
  | { readonly type: "resolve"; readonly market: string; readonly winner: Outcome }
  | { readonly type: "trade_fault"; readonly fault: TradeFault; readonly tradeId?: string; readonly count?: number }
  | { readonly type: "array_framing"; readonly channel: Channel; readonly enabled: boolean }
  | { readonly type: "reject_upgrades"; readonly count: number };

export class Venue {
  readonly clock: Clock;
  /** Deposit wallet → owner EOA, for type-3 orders. */
  readonly depositWallets: DepositWalletRegistry;
  readonly engine: VenueEngine;
  readonly faults: FaultState;
  readonly credentials: CredentialStore;
  readonly reference: ReferenceServer;
  readonly marketChannel: MarketChannel;
  readonly userChannel: UserChannel;
  readonly clob: HttpApp;
  readonly gamma: HttpApp;
  readonly data: HttpApp;
  readonly testCredentials: TestCredentials;
  private readonly markets = new Map<string, SimMarket>();
  private readonly tokenToMarket = new Map<string, SimMarket>();
  private readonly wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, maxPayload: 1_000_000 });
  private readonly lastBest = new Map<string, string>();
  private readonly host: string;
  private readonly port: number;
  private dataLagMs: number;
  private priceSide: "bid-for-buy" | "ask-for-buy";
  private upgradeRejections = 0;
  private readonly upgradeLimiter: RateLimiter | undefined;
  /** Token buckets of the CLOB routes (undefined when rate limiting is off). */
  readonly limiter: RateLimiter | undefined;
  /** Per-signer order/cancel buckets (undefined unless `signerLimits` is set). */
  readonly signerLimiter: SignerLimiter | undefined;
  private unsubscribeEngine: (() => void) | undefined;
  private urls_: VenueUrls | undefined;

  constructor(readonly options: VenueOptions) {
    this.clock = options.clock ?? systemClock;
    this.host = options.host ?? "127.0.0.1";
    this.port = options.port ?? 0;
    this.dataLagMs = options.dataLagMs ?? 0;
    this.priceSide = options.priceSide ?? "bid-for-buy";
    this.engine = new VenueEngine({ clock: this.clock, config: { seed: options.seed, ...(options.engine ?? {}) } });
    this.faults = new FaultState(options.seed);
    this.credentials = new CredentialStore("venue-sim", options.maxSkewSec ?? 0);
    this.depositWallets = new DepositWalletRegistry(options.depositWallets ?? {});
    const creds = deriveCredentials(TEST_ADDRESS, "0", "venue-sim");
    this.credentials.add(creds);
    this.testCredentials = { ...creds, privateKey: TEST_PRIVATE_KEY };
    this.engine.deposit(creds.apiKey, (options.testCollateral ?? 10_000_000_000) as Usdc);
    this.reference = new ReferenceServer({
      clock: this.clock,
      seed: options.seed,
      host: this.host,
      ...(options.reference?.symbols !== undefined ? { symbols: options.reference.symbols } : {}),
      ...(options.reference?.intervalMs !== undefined ? { intervalMs: options.reference.intervalMs } : {}),
    });
    this.marketChannel = new MarketChannel({
      clock: this.clock,
      faults: this.faults,
      idleTimeoutMs: options.marketWs?.idleTimeoutMs ?? 15_000,
      maxAssetsPerConnection: options.marketWs?.maxAssetsPerConnection ?? 0,
      arrayFraming: options.marketWs?.arrayFraming ?? false,
      bookFrame: (t) => {
        const b = this.engine.book(t as TokenId);
        return b === undefined ? undefined : JSON.stringify(bookEvent(b));
      },
      isKnownAsset: (t) => this.tokenToMarket.has(t),
    });
    this.userChannel = new UserChannel({
      clock: this.clock,
      faults: this.faults,
      credentials: this.credentials,
      idleTimeoutMs: options.userWs?.idleTimeoutMs ?? 15_000,
      arrayFraming: options.userWs?.arrayFraming ?? false,
    });
    const now = (): number => this.clock.now();
    const limiter =
      options.rateLimits === false ? undefined : new RateLimiter({ ...DEFAULT_RATE_LIMITS, ...(options.rateLimits ?? {}) }, now);
    this.limiter = limiter;
    const common = { faults: this.faults, credentials: this.credentials, now };
    const all = (): readonly SimMarket[] => [...this.markets.values()];
    this.upgradeLimiter = options.wsUpgradeLimit === undefined ? undefined : new RateLimiter({ "WS upgrade": options.wsUpgradeLimit }, now);
    this.signerLimiter = options.signerLimits === undefined ? undefined : new SignerLimiter(options.signerLimits, now);
    this.clob = new HttpApp({
      ...common,
      name: "clob",
      limiter,
      signerLimiter: this.signerLimiter,
      routes: [
        ...clobRoutes({
          engine: this.engine,
          credentials: this.credentials,
          now,
          marketByCondition: (c) => this.markets.get(c),
          marketByToken: (t) => this.tokenToMarket.get(t),
          allMarkets: all,
          priceSide: () => this.priceSide,
          pageSize: options.pageSize ?? 100,
          orderVersion: options.orderVersion ?? 1,
          depositWallets: this.depositWallets,
          signedOrders:
            options.signedOrders ??
            (options.verifySignatures === false ? undefined : eip712OrderCheck(options.chainId ?? 137, this.depositWallets)),
          l1Verifier:
            options.l1Verifier ?? (options.verifySignatures === false ? undefined : eip712L1Verifier(now, options.chainId ?? 137)),
        }),
        ...this.adminRoutes(),
      ],
    });
    const gd = { engine: this.engine, credentials: this.credentials, now, allMarkets: all, dataLagMs: () => this.dataLagMs };
    this.gamma = new HttpApp({ ...common, name: "gamma", limiter: undefined, routes: gammaRoutes(gd) });
    this.data = new HttpApp({ ...common, name: "data", limiter: undefined, routes: dataRoutes(gd) });
    this.clob.server.on("upgrade", (req, socket, head) => {
      const path = (req.url ?? "").split("?")[0];
      if (this.upgradeLimiter !== undefined && this.upgradeLimiter.take("WS upgrade") > 0) {
        this.faults.count("ws:upgrade_rate_limited");
        socket.end("HTTP/1.1 429 Too Many Requests\r\nRetry-After: 1\r\nConnection: close\r\nContent-Length: 0\r\n\r\n");
        return;
      }
      if (this.upgradeRejections > 0) {
        this.upgradeRejections--;
        this.faults.count("ws:upgrade_429");
        socket.end("HTTP/1.1 429 Too Many Requests\r\nRetry-After: 1\r\nConnection: close\r\nContent-Length: 0\r\n\r\n");
        return;
      }
      if (path !== "/ws/market" && path !== "/ws/user") {
        socket.end("HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n");
        return;
      }
      this.wss.handleUpgrade(req, socket, head, (ws) => {
        if (path === "/ws/market") this.marketChannel.accept(ws);
        else this.userChannel.accept(ws);
      });
    });
    this.unsubscribeEngine = this.engine.subscribe((e) => this.onEngineEvent(e));
  }

  get urls(): VenueUrls {
    if (this.urls_ === undefined) throw new Error("venue not started");
    return this.urls_;
  }

  /** Registers a market with the engine; announces it with `new_market` to custom-feature sockets. */
  addMarket(m: SimMarket): void {
    this.engine.addMarket(m.info, m.fees);
    this.markets.set(m.info.conditionId, m);
    this.tokenToMarket.set(m.info.yes.tokenId, m);
    this.tokenToMarket.set(m.info.no.tokenId, m);
    this.marketChannel.publishCustom([], JSON.stringify(this.newMarketEvent(m.info, m)));
  }

  market(conditionId: string): SimMarket | undefined {
    return this.markets.get(conditionId);
  }

  allMarkets(): SimMarket[] {
    return [...this.markets.values()];
  }

  async start(): Promise<VenueUrls> {
    const [clobPort, gammaPort, dataPort] = [
      await listen(this.clob.server, this.host, this.port),
      await listen(this.gamma.server, this.host, 0),
      await listen(this.data.server, this.host, 0),
    ];
    await this.reference.start();
    this.marketChannel.start();
    this.userChannel.start();
    const h = this.host;
    this.urls_ = {
      clob: `http://${h}:${clobPort}`,
      gamma: `http://${h}:${gammaPort}`,
      data: `http://${h}:${dataPort}`,
      ws: `ws://${h}:${clobPort}/ws`,
      binance: this.reference.url,
      binanceWs: this.reference.wsUrl,
    };
    return this.urls_;
  }

  async stop(): Promise<void> {
    this.unsubscribeEngine?.();
    this.unsubscribeEngine = undefined;
    this.marketChannel.stop();
    this.userChannel.stop();
    // Settlement / expiry / heartbeat timers must not outlive the venue on a shared clock.
    this.engine.dispose();
    this.wss.close();
    for (const app of [this.clob, this.gamma, this.data]) app.releaseHeld();
    await Promise.all([
      closeServer(this.clob.server as Server),
      closeServer(this.gamma.server),
      closeServer(this.data.server),
      this.reference.stop(),
    ]);
  }

  /** Requests received per route key ("POST /order") on the CLOB server (limited and faulted ones included). */
  requestCount(route: string): number {
    return this.clob.requestCounts.get(route) ?? 0;
  }

  /** Zeroes the per-route request counters of every HTTP server (between test phases). */
  resetRequestCounts(): void {
    for (const app of [this.clob, this.gamma, this.data]) app.requestCounts.clear();
    this.limiter?.limited.clear();
  }

  /**
   * Credits collateral to an account (by API key, or by address: its nonce-0 key is created if
   * needed) and optionally splits `shares` of `market` into YES + NO so the account can SELL.
   */
  fund(req: {
    apiKey?: string;
    address?: string;
    usdc?: string;
    market?: string;
    shares?: string;
  }): { ok: true; apiKey: string } | { ok: false; error: string } {
    let apiKey = req.apiKey;
    if (apiKey === undefined && req.address !== undefined) {
      if (!/^0x[0-9a-fA-F]{40}$/.test(req.address)) return { ok: false, error: "invalid address" };
      apiKey = (this.credentials.derive(req.address, "0") ?? this.credentials.create(req.address, "0"))?.apiKey;
    }
    if (apiKey === undefined || this.credentials.get(apiKey) === undefined) return { ok: false, error: "unknown account" };
    if (req.usdc !== undefined) {
      const u = parseUsdc(req.usdc);
      if (!u.ok) return { ok: false, error: `usdc: ${u.error.reason}` };
      this.engine.deposit(apiKey, u.value);
    }
    if (req.shares !== undefined) {
      const m = parseConditionId(req.market ?? "");
      const sz = parseSize(req.shares);
      if (!m.ok || this.markets.get(m.value) === undefined) return { ok: false, error: "unknown market" };
      if (!sz.ok) return { ok: false, error: `shares: ${sz.error.reason}` };
      if (!this.engine.split(apiKey, m.value, sz.value)) return { ok: false, error: "not enough collateral to split" };
    }
    return { ok: true, apiKey };
  }

  // ---- faults ----------------------------------------------------------------------------------

  applyFault(f: FaultSpec): { readonly ok: true; readonly detail?: unknown } | { readonly ok: false; readonly error: string } {
    switch (f.type) {
      case "http": {
        const { type: _t, ...rest } = f;
        if (!["429", "5xx", "425", "timeout", "drop"].includes(rest.kind)) return { ok: false, error: "unknown http fault kind" };
        this.faults.addHttpFault(rest);
        return { ok: true };
      }
      case "clear":
        this.faults.clearHttpFaults();
        this.faults.resetFrameFaults();
        this.reference.frozen = false;
        return { ok: true };
      case "close": {
        let n = 0;
        if (f.channel === "market" || f.channel === "all") n += this.marketChannel.dropConnections();
        if (f.channel === "user" || f.channel === "all") n += this.userChannel.dropConnections();
        if (f.channel === "binance" || f.channel === "all") n += this.reference.dropConnections();
        return { ok: true, detail: { closed: n } };
      }
      case "freeze":
        if (f.channel === "binance") this.reference.frozen = f.frozen ?? true;
        else this.faults.setFrameFaults(f.channel, { frozen: f.frozen ?? true });
        return { ok: true };
      case "frames": {
        const patch: Partial<FrameFaults> = {};
        if (f.duplicateProbability !== undefined) patch.duplicateProbability = f.duplicateProbability;
        if (f.reorderProbability !== undefined) patch.reorderProbability = f.reorderProbability;
        if (f.delayMs !== undefined) patch.delayMs = f.delayMs;
        this.faults.setFrameFaults(f.channel, patch);
        return { ok: true };
      }
      case "array_framing":
        if (f.channel === "market") (this.marketChannel as unknown as { o: { arrayFraming: boolean } }).o.arrayFraming = f.enabled;
        else (this.userChannel as unknown as { o: { arrayFraming: boolean } }).o.arrayFraming = f.enabled;
        return { ok: true };
      case "trading_mode":
        if (!["normal", "cancel-only", "post-only", "disabled"].includes(f.mode)) return { ok: false, error: "unknown mode" };
        this.engine.setTradingMode(f.mode);
        return { ok: true };
      case "tick_size": {
        const c = parseConditionId(f.market);
        const t = parseTickSize(f.tickSize);
        if (!c.ok || this.markets.get(c.value) === undefined) return { ok: false, error: "unknown market" };
        if (!t.ok) return { ok: false, error: t.error.reason };
        this.engine.setTickSize(c.value, t.value);
        return { ok: true };
      }
      case "resolve": {
        const c = parseConditionId(f.market);
        if (!c.ok || this.markets.get(c.value) === undefined) return { ok: false, error: "unknown market" };
        if (f.winner !== "YES" && f.winner !== "NO") return { ok: false, error: "winner must be YES or NO" };
        this.engine.resolveMarket(c.value as ConditionId, f.winner);
        return { ok: true };
      }
      case "trade_fault": {
        if (!["RETRY", "FAIL", "FAIL_NOW"].includes(f.fault)) return { ok: false, error: "unknown trade fault" };
        if (f.tradeId !== undefined) {
          const id = parseTradeId(f.tradeId);
          if (!id.ok || !this.engine.injectTradeFault(id.value, f.fault)) return { ok: false, error: "unknown or already settled trade" };
          return { ok: true };
        }
        this.engine.injectNextTradeFaults(f.fault, f.count ?? 1);
        return { ok: true };
      }
      case "reject_upgrades":
        this.upgradeRejections = Math.max(0, Math.floor(f.count));
        return { ok: true };
      default:
        return { ok: false, error: "unknown fault type" };
    }
  }

  private adminRoutes(): Route[] {
    return [
      {
        method: "POST",
        pattern: "/admin/faults",
        auth: "none",
        admin: true,
        handle: (c) => {
          let spec: unknown;
          try {
            spec = JSON.parse(c.body);
          } catch {
            return fail(400, "invalid JSON");
          }
          if (typeof spec !== "object" || spec === null || typeof (spec as { type?: unknown }).type !== "string")
            return fail(400, "expected {type: …}");
          const r = this.applyFault(spec as FaultSpec);
          return r.ok ? ok({ ok: true, detail: r.detail ?? null }) : fail(400, r.error);
        },
      },
      {
        method: "GET",
        pattern: "/admin/stats",
        auth: "none",
        admin: true,
        handle: () =>
          ok({
            requests: Object.fromEntries(this.clob.requestCounts),
            rateLimited: Object.fromEntries(this.limiter?.limited ?? []),
            signerOverLimit: this.signerLimiter?.overLimit ?? null,
            gammaRequests: Object.fromEntries(this.gamma.requestCounts),
            dataRequests: Object.fromEntries(this.data.requestCounts),
            connections: {
              market: this.marketChannel.connectionCount,
              user: this.userChannel.connectionCount,
              binance: this.reference.connectionCount,
            },
            faults: Object.fromEntries(this.faults.applied),
            idleDrops: { market: this.marketChannel.idleDrops, user: this.userChannel.idleDrops },
            frames: { market: this.marketChannel.frames, user: this.userChannel.frames },
          }),
      },
      {
        method: "POST",
        pattern: "/admin/fund",
        auth: "none",
        admin: true,
        handle: (c) => {
          let b: Record<string, unknown>;
          try {
            b = JSON.parse(c.body || "{}") as Record<string, unknown>;
          } catch {
            return fail(400, "invalid JSON");
          }
          const r = this.fund({
            ...(typeof b.apiKey === "string" ? { apiKey: b.apiKey } : {}),
            ...(typeof b.address === "string" ? { address: b.address } : {}),
            ...(typeof b.usdc === "string" ? { usdc: b.usdc } : {}),
            ...(typeof b.market === "string" ? { market: b.market } : {}),
            ...(typeof b.shares === "string" ? { shares: b.shares } : {}),
          });
          return r.ok ? ok({ ok: true, apiKey: r.apiKey }) : fail(400, r.error);
        },
      },
      {
        method: "POST",
        pattern: "/admin/reset-stats",
        auth: "none",
        admin: true,
        handle: () => {
          this.resetRequestCounts();
          return ok({ ok: true });
        },
      },
      {
        method: "POST",
        pattern: "/admin/data-lag",
        auth: "none",
        admin: true,
        handle: (c) => {
          const n = Number((JSON.parse(c.body || "{}") as { ms?: unknown }).ms);
          if (!Number.isFinite(n) || n < 0) return fail(400, "ms must be ≥ 0");
          this.dataLagMs = n;
          return ok({ ok: true });
        },
      },
    ];
  }

  // ---- engine events → wire --------------------------------------------------------------------

  private newMarketEvent(info: MarketInfo, m: SimMarket) {
    return {
      event_type: "new_market" as const,
      id: m.gammaId,
      question: info.question,
      market: info.conditionId as string,
      slug: info.slug,
      description: m.description,
      assets_ids: [info.yes.tokenId as string, info.no.tokenId as string],
      outcomes: [info.yes.label, info.no.label],
      event_message: { id: m.eventId, ticker: m.eventSlug, slug: m.eventSlug, title: m.eventTitle, description: m.description },
      timestamp: String(this.clock.now()),
      tags: ["Crypto"],
      condition_id: info.conditionId as string,
      active: true,
      clob_token_ids: [info.yes.tokenId as string, info.no.tokenId as string],
      order_price_min_tick_size: String(info.tickSize / 10_000),
      group_item_title: "",
    };
  }

  private publishBooks(m: SimMarket): void {
    for (const t of [m.info.yes.tokenId, m.info.no.tokenId]) {
      if (!this.marketChannel.hasSubscribers(t)) continue;
      const b = this.engine.book(t);
      if (b !== undefined) this.marketChannel.publish([t], JSON.stringify(bookEvent(b)));
    }
  }

  private publishBestBidAsk(m: SimMarket, timestamp: number): void {
    if (this.marketChannel.customConnections === 0) {
      if (this.lastBest.size > 0) this.lastBest.clear();
      return;
    }
    for (const t of [m.info.yes.tokenId, m.info.no.tokenId]) {
      const b = this.engine.bestPrices(t);
      const key = `${b?.bestBid ?? "-"}|${b?.bestAsk ?? "-"}`;
      if (this.lastBest.get(t) === key) continue;
      this.lastBest.set(t, key);
      if (this.marketChannel.hasSubscribers(t)) {
        this.marketChannel.publish([t], JSON.stringify(bestBidAskEvent(m.info.conditionId, t, b?.bestBid, b?.bestAsk, timestamp)), true);
      }
    }
  }

  private onEngineEvent(e: EngineEvent): void {
    switch (e.kind) {
      case "book": {
        const m = this.markets.get(e.conditionId);
        if (m === undefined) return;
        const tokens = [m.info.yes.tokenId, m.info.no.tokenId];
        if (e.cause === "place" || e.cause === "cancel") {
          if (
            e.changes.length > 0 &&
            (this.marketChannel.hasSubscribers(tokens[0] as string) || this.marketChannel.hasSubscribers(tokens[1] as string))
          ) {
            this.marketChannel.publish(tokens, priceChangeFrame(e.conditionId, e.changes, e.timestamp, e.seq));
          }
        } else {
          this.publishBooks(m);
        }
        this.publishBestBidAsk(m, e.timestamp);
        return;
      }
      case "last_trade": {
        const m = this.markets.get(e.conditionId);
        if (m === undefined) return;
        this.marketChannel.publish([m.info.yes.tokenId, m.info.no.tokenId], JSON.stringify(lastTradePriceEvent(e)));
        return;
      }
      case "tick_size": {
        for (const t of e.tokenIds) {
          this.marketChannel.publish([t], JSON.stringify(tickSizeChangeEvent(e.conditionId, t, e.oldTickSize, e.newTickSize, e.timestamp)));
        }
        const m = this.markets.get(e.conditionId);
        if (m !== undefined) this.publishBooks(m);
        return;
      }
      case "market_resolved": {
        const m = this.markets.get(e.conditionId);
        if (m === undefined) return;
        const info = m.info;
        this.marketChannel.publishCustom(
          [info.yes.tokenId, info.no.tokenId],
          JSON.stringify({
            event_type: "market_resolved",
            id: m.gammaId,
            question: info.question,
            market: info.conditionId,
            slug: info.slug,
            description: m.description,
            assets_ids: [info.yes.tokenId, info.no.tokenId],
            outcomes: [info.yes.label, info.no.label],
            winning_asset_id: e.winningTokenId,
            winning_outcome: e.winner === "YES" ? info.yes.label : info.no.label,
            event_message: { id: m.eventId, ticker: m.eventSlug, slug: m.eventSlug, title: m.eventTitle, description: m.description },
            timestamp: String(e.timestamp),
            tags: ["Crypto"],
          }),
        );
        return;
      }
      case "order": {
        const owner = e.order.owner;
        if (!this.userChannel.hasListener(owner)) return;
        this.userChannel.deliver(owner, e.order.conditionId, JSON.stringify(userOrderEvent(e, (o) => this.credentials.addressOf(o))));
        return;
      }
      case "trade": {
        const t = e.trade;
        const viewers = new Set<string>([t.taker.owner]);
        for (const mk of t.makers) viewers.add(mk.owner);
        for (const v of viewers) {
          if (!this.userChannel.hasListener(v)) continue;
          this.userChannel.deliver(
            v,
            t.conditionId,
            JSON.stringify(userTradeEvent(t, v, e.timestamp, (o) => this.credentials.addressOf(o))),
          );
        }
        return;
      }
      default:
        return;
    }
  }
}

export type { ApiCredentials };
