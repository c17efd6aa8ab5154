/**
 * Decoding of user-channel `order` / `trade` objects (and the CLOB REST records that share their
 * shape) into `UserOrderMessage` / `UserTradeMessage`. Tolerates every documented variant: empty
 * strings on kill frames, `matchtime` vs `match_time`, seconds vs ms, missing `maker_orders[].side`.
 */
import type { Price, Size, TradeStatus } from "@mm/types";
import { toEpochMs } from "../internal/time.js";
import type { MakerLeg, UserOrderMessage, UserTradeMessage } from "./events.js";
import { fail, intField, type Obj, optString, preview, reqPrice, reqSide, reqSize, reqString, stringArray } from "./fields.js";

const CANCELED_PREFIX = "CANCELED_";

/** Wire trade status → lifecycle status: MATCHED_NOT_BROADCASTED → MATCHED; `TRADE_STATUS_X` → X. */
export function normalizeTradeStatus(raw: string): TradeStatus | undefined {
  let s = raw.toUpperCase();
  if (s.startsWith("TRADE_STATUS_")) s = s.slice("TRADE_STATUS_".length);
  switch (s) {
    case "MATCHED":
    case "MATCHED_NOT_BROADCASTED":
      return "MATCHED";
    case "MINED":
      return "MINED";
    case "CONFIRMED":
      return "CONFIRMED";
    case "RETRYING":
      return "RETRYING";
    case "FAILED":
      return "FAILED";
    default:
      return undefined;
  }
}

function orderEventType(v: unknown): UserOrderMessage["eventType"] | undefined {
  return v === "PLACEMENT" || v === "UPDATE" || v === "CANCELLATION" ? v : undefined;
}

/** `order` event → UserOrderMessage, or undefined with `fieldError` set. */
export function decodeUserOrder(o: Obj): UserOrderMessage | undefined {
  const id = reqString(o, "id");
  if (id === undefined) return undefined;
  const eventType = orderEventType(o.type);
  if (eventType === undefined)
    return fail(
      o.type === undefined ? "missing_field" : "invalid_field",
      `type: expected PLACEMENT, UPDATE or CANCELLATION (${preview(o.type)})`,
    );
  const market = reqString(o, "market");
  if (market === undefined) return undefined;
  const assetId = reqString(o, "asset_id");
  if (assetId === undefined) return undefined;
  const side = reqSide(o, "side");
  if (side === undefined) return undefined;
  const price = reqPrice(o, "price");
  if (price < 0) return undefined;
  const originalSize = reqSize(o, "original_size");
  if (originalSize < 0) return undefined;
  const sizeMatched = reqSize(o, "size_matched", true);
  if (sizeMatched < 0) return undefined;
  const status = typeof o.status === "string" ? o.status : "";
  const createdAt = toEpochMs(o.created_at);
  const timestamp = toEpochMs(o.timestamp) ?? createdAt;
  if (timestamp === undefined) return fail("missing_field", `timestamp: expected ms or seconds (${preview(o.timestamp)})`);
  return {
    kind: "user_order",
    id,
    eventType,
    status,
    cancelReason: status.startsWith(CANCELED_PREFIX) ? status.slice(CANCELED_PREFIX.length) : undefined,
    market,
    assetId,
    side,
    price: price as Price,
    originalSize: originalSize as Size,
    sizeMatched: sizeMatched as Size,
    orderType: optString(o, "order_type"),
    owner: optString(o, "owner") ?? optString(o, "order_owner"),
    makerAddress: optString(o, "maker_address"),
    outcome: optString(o, "outcome"),
    associateTrades: stringArray(o.associate_trades) ?? [],
    createdAt,
    timestamp,
  };
}

function decodeMakerLeg(m: unknown, index: number): MakerLeg | undefined {
  if (typeof m !== "object" || m === null) return fail("invalid_field", `maker_orders[${index}]: expected an object`);
  const o = m as Obj;
  const orderId = reqString(o, "order_id");
  if (orderId === undefined) return undefined;
  const owner = typeof o.owner === "string" ? o.owner : "";
  const assetId = reqString(o, "asset_id");
  if (assetId === undefined) return undefined;
  const price = reqPrice(o, "price");
  if (price < 0) return undefined;
  const matchedAmount = reqSize(o, "matched_amount");
  if (matchedAmount < 0) return undefined;
  const sideRaw = o.side;
  const side = sideRaw === "BUY" || sideRaw === "SELL" ? sideRaw : undefined;
  const fee = intField(o.fee_rate_bps, 0);
  return {
    orderId,
    owner,
    makerAddress: optString(o, "maker_address"),
    assetId,
    price: price as Price,
    matchedAmount: matchedAmount as Size,
    side,
    feeRateBps: Math.max(fee, 0),
    outcome: optString(o, "outcome"),
  };
}

/** `trade` event or CLOB `/data/trades` record → UserTradeMessage, or undefined with `fieldError` set. */
export function decodeUserTrade(o: Obj): UserTradeMessage | undefined {
  const id = reqString(o, "id");
  if (id === undefined) return undefined;
  const market = reqString(o, "market");
  if (market === undefined) return undefined;
  const assetId = reqString(o, "asset_id");
  if (assetId === undefined) return undefined;
  const side = reqSide(o, "side");
  if (side === undefined) return undefined;
  const price = reqPrice(o, "price");
  if (price < 0) return undefined;
  const size = reqSize(o, "size");
  if (size < 0) return undefined;
  const rawStatus = typeof o.status === "string" ? o.status : "";
  const rawLegs = o.maker_orders;
  let makerOrders: MakerLeg[] = [];
  if (Array.isArray(rawLegs)) {
    makerOrders = new Array<MakerLeg>(rawLegs.length);
    for (let i = 0; i < rawLegs.length; i++) {
      const leg = decodeMakerLeg(rawLegs[i], i);
      if (leg === undefined) return undefined;
      makerOrders[i] = leg;
    }
  } else if (rawLegs !== undefined && rawLegs !== null) {
    return fail("invalid_field", "maker_orders: expected an array");
  }
  const ts = toEpochMs(o.timestamp);
  const lastUpdate = toEpochMs(o.last_update);
  const match = toEpochMs(o.match_time) ?? toEpochMs(o.matchtime);
  const timestamp = ts ?? lastUpdate ?? match;
  if (timestamp === undefined) return fail("missing_field", "timestamp: none of timestamp, last_update, match_time is usable");
  const fee = intField(o.fee_rate_bps, 0);
  const ts2 = o.trader_side;
  const bucket = o.bucket_index;
  return {
    kind: "user_trade",
    id,
    takerOrderId: typeof o.taker_order_id === "string" ? o.taker_order_id : "",
    rawStatus,
    status: normalizeTradeStatus(rawStatus),
    market,
    assetId,
    side,
    price: price as Price,
    size: size as Size,
    feeRateBps: Math.max(fee, 0),
    traderSide: ts2 === "TAKER" || ts2 === "MAKER" ? ts2 : undefined,
    owner: optString(o, "owner"),
    tradeOwner: optString(o, "trade_owner"),
    makerAddress: optString(o, "maker_address"),
    outcome: optString(o, "outcome"),
    bucketIndex: typeof bucket === "number" && Number.isInteger(bucket) ? bucket : undefined,
    transactionHash: optString(o, "transaction_hash"),
    makerOrders,
    matchTime: match ?? timestamp,
    timestamp,
  };
}
