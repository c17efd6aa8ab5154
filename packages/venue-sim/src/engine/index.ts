/**
 * The venue engine: a pure, deterministic, synchronous Polymarket venue core (matching, accounts,
 * settlement lifecycle, heartbeats, resolution). No sockets, no JSON, no wire format: the server
 * maps `EngineEvent`s onto the market/user channels and REST.
 *
 * Quick use:
 * ```ts
 * const engine = new VenueEngine({ clock: new ManualClock(0), config: { seed: 7 } });
 * engine.addMarket(info);                          // @mm/types MarketInfo (yes/no tokens, tick, min size)
 * // engine.addMarket(info, { rateBps: 720, exponent: 1 }); // a taker fee schedule (default: none)
 * engine.deposit("key-a", usdc("100"));            // collateral, micro-USDC
 * engine.split("key-b", info.conditionId, size("50")); // 50 YES + 50 NO for 50 USDC
 * const off = engine.subscribe((e) => publish(e)); // events are delivered after each call completes
 * engine.placeOrder({ owner: "key-a", tokenId: info.yes.tokenId, side: "BUY", price: price("0.55"),
 *                     size: size("10"), orderType: "GTC" });
 * ```
 */
export { VenueEngine, DEFAULT_ENGINE_CONFIG } from "./engine.js";
export {
  batchTooLargeMessage,
  CANCEL_NOT_FOUND_REASON,
  FAK_KILL_MESSAGE,
  FOK_KILL_MESSAGE,
  HEARTBEAT_INVALID_MESSAGE,
  MAX_BATCH_ORDERS,
  Rejects,
  STATUS_CANCELED_MARKET_RESOLVED,
} from "./errors.js";
export {
  amountDecimals,
  costCeil,
  costFloor,
  deriveFromAmounts,
  FILL_LOT,
  limitOrderAmounts,
  marketOrderAmounts,
  nearestTick,
  type DerivedOrder,
  type OrderAmounts,
} from "./amounts.js";
export { SeededRng } from "./rng.js";
export { wireOrderLevels } from "./views.js";
export type {
  AssetBalance,
  BestPrices,
  BookEngineEvent,
  BookSnapshot,
  CancelCause,
  CancelResult,
  CollectedFees,
  EngineConfig,
  EngineEvent,
  EngineListener,
  EngineOptions,
  EngineReject,
  HeartbeatLapsedEngineEvent,
  HeartbeatResult,
  LastTrade,
  LastTradeEngineEvent,
  Level,
  LevelChange,
  MakerLeg,
  MarketResolvedEngineEvent,
  MarketStatus,
  MarketView,
  MatchType,
  OpenOrdersFilter,
  OrderEngineEvent,
  OrderStatus,
  OrderView,
  OwnerId,
  Payout,
  PlaceOrderInput,
  PlaceResult,
  PlaceStatus,
  RejectCode,
  SettlementConfig,
  TickAutoConfig,
  TickSizeEngineEvent,
  TradeEngineEvent,
  TradeFault,
  TradeLeg,
  TradesFilter,
  TradeView,
  TradingMode,
  TradingModeEngineEvent,
} from "./types.js";
