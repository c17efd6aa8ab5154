/**
 * VenueEngine: markets, accounts, matching, settlement lifecycle, heartbeats and resolution behind
 * one synchronous API driven by an injected Clock.
 */
import type { ConditionId, MarketInfo, OrderId, Outcome, Size, TickSize, TokenId, TradeId, Usdc } from "@mm/types";
import type {
  AssetBalance,
  BestPrices,
  BookSnapshot,
  CancelResult,
  EngineConfig,
  EngineEvent,
  EngineListener,
  EngineOptions,
  HeartbeatResult,
  LastTrade,
  MarketView,
  OpenOrdersFilter,
  OrderView,
  OwnerId,
  PlaceOrderInput,
  PlaceResult,
  TradeFault,
  TradesFilter,
  TradeView,
  TradingMode,
} from "./types.js";

export const DEFAULT_ENGINE_CONFIG: EngineConfig = {
  seed: 1,
  reserveUnsettled: true,
  gtdThresholdSec: 60,
  heartbeatTimeoutMs: 10_000,
  heartbeatBufferMs: 5_000,
  minMarketableNotional: 1_000_000 as Usdc,
  settlement: { minedDelayMs: 2_000, confirmedDelayMs: 4_000, retryDelayMs: 3_000, failProbability: 0, retryProbability: 0 },
  tickAuto: { enabled: true, upper: 9_600, lower: 400, revert: false },
  placementForTakers: true,
};

const notYet = (what: string): never => {
  throw new Error(`VenueEngine.${what}: being implemented`);
};

/**
 * The venue core. Every mutating call runs to completion synchronously and THEN delivers the events
 * it produced, in order, to the subscribers (so a listener may call back into the engine). Timers
 * (settlement, GTD expiry, heartbeat lapse) run on the Clock and deliver their events the same way.
 * Books of a market's two tokens are one YES-space book: a YES bid at p is the NO ask at 1 − p.
 */
export class VenueEngine {
  readonly config: EngineConfig;

  constructor(options: EngineOptions) {
    const c = options.config ?? {};
    this.config = {
      ...DEFAULT_ENGINE_CONFIG,
      ...c,
      settlement: { ...DEFAULT_ENGINE_CONFIG.settlement, ...(c.settlement ?? {}) },
      tickAuto: { ...DEFAULT_ENGINE_CONFIG.tickAuto, ...(c.tickAuto ?? {}) },
    };
    void options.clock;
  }

  // ---- events ----------------------------------------------------------------------------------

  /** Adds a listener; returns the unsubscribe function. Events come in `seq` order. */
  subscribe(_listener: EngineListener): () => void {
    return notYet("subscribe");
  }

  /** Keeps every event in memory (tests, determinism checks); returns the live array. */
  recordEvents(): readonly EngineEvent[] {
    return notYet("recordEvents");
  }

  // ---- markets ---------------------------------------------------------------------------------

  /** Registers a binary market (its two tokens, tick, min size, neg-risk, fee bps, labels). Throws on a duplicate id. */
  addMarket(_info: MarketInfo): void {
    notYet("addMarket");
  }

  markets(): readonly MarketView[] {
    return notYet("markets");
  }

  market(_conditionId: ConditionId): MarketView | undefined {
    return notYet("market");
  }

  /** The market a token belongs to. */
  marketOfToken(_tokenId: TokenId): MarketView | undefined {
    return notYet("marketOfToken");
  }

  /** Current tick of a token's market. */
  tickSize(_tokenId: TokenId): TickSize | undefined {
    return notYet("tickSize");
  }

  /** Manual tick-size change (fault injection / tests); emits `tick_size` (automatic: false). */
  setTickSize(_conditionId: ConditionId, _tick: TickSize): void {
    notYet("setTickSize");
  }

  /** Stops (false) or resumes (true) accepting orders on one market ("market closed" rejects). */
  setAcceptingOrders(_conditionId: ConditionId, _accepting: boolean): void {
    notYet("setAcceptingOrders");
  }

  /**
   * Resolves a market: cancels its open orders (status CANCELED_MARKET_RESOLVED), settles its
   * unsettled trades at once (their injected faults still apply), then pays 1 collateral per
   * winning share to every holder and zeroes both tokens. Emits `market_resolved` with payouts.
   */
  resolveMarket(_conditionId: ConditionId, _winner: Outcome): void {
    notYet("resolveMarket");
  }

  // ---- venue modes -----------------------------------------------------------------------------

  /** Venue-wide mode; cancels are always accepted. Emits `trading_mode`. */
  setTradingMode(_mode: TradingMode): void {
    notYet("setTradingMode");
  }

  tradingMode(): TradingMode {
    return notYet("tradingMode");
  }

  // ---- accounts --------------------------------------------------------------------------------

  /** Credits collateral (a funded sim account / test). */
  deposit(_owner: OwnerId, _amount: Usdc): void {
    notYet("deposit");
  }

  /** Splits collateral into `size` YES + `size` NO of a market (CTF split). Returns false if short. */
  split(_owner: OwnerId, _conditionId: ConditionId, _size: Size): boolean {
    return notYet("split");
  }

  /** Merges `size` YES + `size` NO back into collateral. Returns false if short. */
  merge(_owner: OwnerId, _conditionId: ConditionId, _size: Size): boolean {
    return notYet("merge");
  }

  /** Balance of COLLATERAL or of a token for an owner (zeros for unknown owners). */
  balance(_owner: OwnerId, _asset: "COLLATERAL" | TokenId): AssetBalance {
    return notYet("balance");
  }

  /** Owners known to the engine, in creation order. */
  owners(): readonly OwnerId[] {
    return notYet("owners");
  }

  // ---- orders ----------------------------------------------------------------------------------

  /** Validates, matches and (GTC/GTD) rests one order. Never throws on bad input: rejects instead. */
  placeOrder(_input: PlaceOrderInput): PlaceResult {
    return notYet("placeOrder");
  }

  /** Places orders one after another (the server enforces MAX_BATCH_ORDERS). */
  placeOrders(inputs: readonly PlaceOrderInput[]): PlaceResult[] {
    return inputs.map((i) => this.placeOrder(i));
  }

  /** Cancels the unfilled remainder of the owner's orders; others land in `notCanceled`. */
  cancelOrders(_owner: OwnerId, _orderIds: readonly string[]): CancelResult {
    return notYet("cancelOrders");
  }

  cancelAll(_owner: OwnerId): CancelResult {
    return notYet("cancelAll");
  }

  /** `DELETE /cancel-market-orders`: both filters optional (none ⇒ all the owner's orders). */
  cancelMarketOrders(_owner: OwnerId, _filter: { readonly market?: ConditionId; readonly assetId?: TokenId }): CancelResult {
    return notYet("cancelMarketOrders");
  }

  /** Any order by id, open or terminal (the server decides what `/data/order/{id}` shows). */
  order(_orderId: string): OrderView | undefined {
    return notYet("order");
  }

  /** Open orders of an owner, oldest first. */
  openOrders(_owner: OwnerId, _filter?: OpenOrdersFilter): OrderView[] {
    return notYet("openOrders");
  }

  // ---- trades ----------------------------------------------------------------------------------

  /** Trades where the owner is taker or has a maker leg, oldest first (taker-filter quirk by default). */
  trades(_owner: OwnerId, _filter?: TradesFilter): TradeView[] {
    return notYet("trades");
  }

  trade(_tradeId: TradeId): TradeView | undefined {
    return notYet("trade");
  }

  /** All trades of a market, oldest first (Data-API style feeds). */
  marketTrades(_conditionId: ConditionId): TradeView[] {
    return notYet("marketTrades");
  }

  /** Forces a settlement fault on a not-yet-settled trade; false if unknown or already MINED/terminal. */
  injectTradeFault(_tradeId: TradeId, _fault: TradeFault): boolean {
    return notYet("injectTradeFault");
  }

  /** Applies `fault` to the next `count` trades created. */
  injectNextTradeFaults(_fault: TradeFault, _count?: number): void {
    notYet("injectNextTradeFaults");
  }

  // ---- market data -----------------------------------------------------------------------------

  /** Aggregated book of a token, best-first, at most `depth` levels per side. */
  book(_tokenId: TokenId, _depth?: number): BookSnapshot | undefined {
    return notYet("book");
  }

  bestPrices(_tokenId: TokenId): BestPrices | undefined {
    return notYet("bestPrices");
  }

  lastTrade(_tokenId: TokenId): LastTrade | undefined {
    return notYet("lastTrade");
  }

  // ---- heartbeats ------------------------------------------------------------------------------

  /**
   * `POST /v1/heartbeats`: `null`/"" starts (or restarts) the owner's chain and returns a new id;
   * the current id extends it and returns the next id; anything else fails with the correct id.
   * Once started, no valid heartbeat within timeout + buffer cancels all the owner's orders.
   */
  heartbeat(_owner: OwnerId, _heartbeatId: string | null): HeartbeatResult {
    return notYet("heartbeat");
  }
}
