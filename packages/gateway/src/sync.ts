/**
 * SYNC: the venue's truth for the executor's RESYNC. Reads every page of `GET /data/orders` and of
 * `GET /data/trades` since the watermark, optionally balances, and normalizes them to @mm/types.
 *
 * Trades are queried WITHOUT market/asset filters: the venue filters those on the taker order, so
 * our maker fills against the complementary token would be missed (GOTCHAS #32). Our legs are
 * then extracted locally (taker leg when we were the taker, `maker_orders[]` legs whose owner is
 * our API key or whose maker address is ours) and filtered by condition id.
 *
 * Venue records are untrusted: a malformed open order fails the whole SYNC (skipping it would
 * hide a live order from the executor); a trade with an unknown status or malformed leg also fails.
 */
import {
  type ConditionId,
  err,
  ok,
  type OrderType,
  parseConditionId,
  parseOrderId,
  parsePrice,
  parseSize,
  parseTokenId,
  parseTradeId,
  type RejectReason,
  type Result,
  type Side,
  type Size,
  type SyncAction,
  type SyncResult,
  type TradeStatus,
  type Usdc,
  type UserFillEvent,
  type VenueOpenOrder,
} from "@mm/types";
import { END_CURSOR } from "@mm/protocol";
import type { CallOutcome } from "./gateway-core.js";
import { isRecord } from "./internal/wire.js";
import { VENUE_PATHS } from "./routes.js";
import type { VenueRequest } from "./transport.js";

export interface SyncIdentity {
  /** Our API key (the `owner` of our orders and maker legs). */
  readonly apiKey: string;
  /** Our addresses (funder / maker and signer), matched case-insensitively against `maker_address`. */
  readonly addresses: readonly string[];
  /** Sent as `signature_type` on balance queries. */
  readonly signatureType?: number;
}

export interface SyncFailure {
  readonly reason: RejectReason;
  readonly message: string;
}

type SyncValue = Omit<SyncResult, "kind" | "actionId" | "at">;
type Caller = (req: VenueRequest) => Promise<CallOutcome>;

const MAX_PAGES = 1_000;

function failure(out: Exclude<CallOutcome, { kind: "ok" }>, what: string): SyncFailure {
  switch (out.kind) {
    case "rejected":
    case "not_executed":
      return { reason: out.reason, message: `${what}: ${out.message}` };
    case "ambiguous":
      return { reason: "server_error", message: `${what}: ${out.message}` };
    default:
      return { reason: "unknown", message: `${what}: ${out.kind}` };
  }
}

/** Every page of a cursor-paginated CLOB list. */
export async function fetchAllPages(
  call: Caller,
  route: "getOrders" | "getTrades",
  path: string,
  query: Readonly<Record<string, string>>,
): Promise<Result<unknown[], SyncFailure>> {
  const out: unknown[] = [];
  const seen = new Set<string>();
  let cursor: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const q: Record<string, string> = { ...query };
    if (cursor !== undefined) q.next_cursor = cursor;
    const r = await call({ route, method: "GET", path, query: q });
    if (r.kind !== "ok") return err(failure(r, `GET ${path}`));
    if (!isRecord(r.body) || !Array.isArray(r.body.data)) return err({ reason: "unknown", message: `GET ${path}: unreadable page` });
    out.push(...r.body.data);
    const next = r.body.next_cursor;
    if (next === undefined || next === null || next === "" || next === END_CURSOR) return ok(out);
    if (typeof next !== "string" || seen.has(next)) return err({ reason: "unknown", message: `GET ${path}: bad or repeated cursor` });
    seen.add(next);
    cursor = next;
  }
  return err({ reason: "unknown", message: `GET ${path}: more than ${MAX_PAGES} pages` });
}

/** Unix seconds or ms (by magnitude), numeric string or number, or ISO text → epoch ms. */
export function toEpochMs(x: unknown): number | undefined {
  if (typeof x === "number" && Number.isFinite(x) && x >= 0) return x < 1e11 ? Math.round(x * 1000) : Math.round(x);
  if (typeof x === "string" && x !== "") {
    if (/^\d+(\.\d+)?$/.test(x)) return toEpochMs(Number(x));
    const t = Date.parse(x);
    if (Number.isFinite(t)) return t;
  }
  return undefined;
}

export function normalizeTradeStatus(s: unknown): TradeStatus | undefined {
  if (typeof s !== "string") return undefined;
  const u = s.toUpperCase().replace(/^TRADE_STATUS_/, "");
  switch (u) {
    case "MATCHED":
    case "MATCHED_NOT_BROADCASTED":
      return "MATCHED";
    case "MINED":
    case "CONFIRMED":
    case "RETRYING":
    case "FAILED":
      return u;
    default:
      return undefined;
  }
}

const side = (x: unknown): Side | undefined => (x === "BUY" || x === "SELL" ? x : undefined);
const orderType = (x: unknown): OrderType | undefined =>
  typeof x === "string" && ["GTC", "GTD", "FOK", "FAK"].includes(x.toUpperCase()) ? (x.toUpperCase() as OrderType) : undefined;

export function normalizeOpenOrder(x: unknown): VenueOpenOrder | undefined {
  if (!isRecord(x)) return undefined;
  const id = parseOrderId(x.id as string);
  const cond = parseConditionId(x.market as string);
  const tok = parseTokenId(x.asset_id as string);
  const s = side(x.side);
  const p = parsePrice(x.price);
  const orig = parseSize(x.original_size);
  const matched = x.size_matched === "" ? ok(0 as Size) : parseSize(x.size_matched);
  const created = toEpochMs(x.created_at);
  if (!id.ok || !cond.ok || !tok.ok || s === undefined || !p.ok || !orig.ok || !matched.ok || created === undefined) return undefined;
  if (typeof x.status !== "string") return undefined;
  return {
    orderId: id.value,
    conditionId: cond.value,
    tokenId: tok.value,
    side: s,
    price: p.value,
    originalSize: orig.value,
    sizeMatched: matched.value,
    status: x.status,
    orderType: orderType(x.order_type) ?? "GTC",
    createdAt: created,
  };
}

/**
 * Our legs of one venue trade record. Returns undefined when the record is malformed; [] when
 * none of it is ours.
 */
export function fillsFromTrade(x: unknown, identity: SyncIdentity): UserFillEvent[] | undefined {
  if (!isRecord(x)) return undefined;
  const tid = parseTradeId(x.id as string);
  const cond = parseConditionId(x.market as string);
  const status = normalizeTradeStatus(x.status);
  const matchTime = toEpochMs(x.match_time ?? x.matchtime);
  if (!tid.ok || !cond.ok || status === undefined || matchTime === undefined) return undefined;
  const timestamp = toEpochMs(x.last_update) ?? matchTime;
  const addresses = new Set(identity.addresses.map((a) => a.toLowerCase()));
  const fee = Number(typeof x.fee_rate_bps === "string" ? x.fee_rate_bps : 0);
  const out: UserFillEvent[] = [];
  const seen = new Set<string>();
  const takerSide = side(x.side);
  const takerToken = parseTokenId(x.asset_id as string);
  if (takerSide === undefined || !takerToken.ok) return undefined;

  const ownTaker =
    x.trader_side === "TAKER" ||
    (x.trader_side === undefined &&
      (x.owner === identity.apiKey || (typeof x.maker_address === "string" && addresses.has(x.maker_address.toLowerCase()))));
  if (ownTaker) {
    const oid = parseOrderId(x.taker_order_id as string);
    const p = parsePrice(x.price);
    const sz = parseSize(x.size);
    if (!oid.ok || !p.ok || !sz.ok) return undefined;
    seen.add(oid.value);
    out.push({
      kind: "fill",
      tradeId: tid.value,
      orderId: oid.value,
      conditionId: cond.value,
      tokenId: takerToken.value,
      side: takerSide,
      price: p.value,
      size: sz.value,
      status,
      role: "TAKER",
      feeRateBps: Number.isFinite(fee) ? fee : 0,
      matchTime,
      timestamp,
    });
  }
  const makers = Array.isArray(x.maker_orders) ? x.maker_orders : [];
  for (const m of makers) {
    if (!isRecord(m)) return undefined;
    const mine = m.owner === identity.apiKey || (typeof m.maker_address === "string" && addresses.has(m.maker_address.toLowerCase()));
    if (!mine) continue;
    const oid = parseOrderId(m.order_id as string);
    const tok = parseTokenId(m.asset_id as string);
    const p = parsePrice(m.price);
    const sz = parseSize(m.matched_amount);
    if (!oid.ok || !tok.ok || !p.ok || !sz.ok) return undefined;
    if (seen.has(oid.value)) continue;
    seen.add(oid.value);
    // Same token: the maker took the other side. Complementary token (mint/merge): same side as the taker.
    const inferred: Side = tok.value === takerToken.value ? (takerSide === "BUY" ? "SELL" : "BUY") : takerSide;
    const mfee = Number(typeof m.fee_rate_bps === "string" ? m.fee_rate_bps : 0);
    out.push({
      kind: "fill",
      tradeId: tid.value,
      orderId: oid.value,
      conditionId: cond.value,
      tokenId: tok.value,
      side: side(m.side) ?? inferred,
      price: p.value,
      size: sz.value,
      status,
      role: "MAKER",
      feeRateBps: Number.isFinite(mfee) ? mfee : 0,
      matchTime,
      timestamp,
    });
  }
  return out;
}

function parseMicro(x: unknown): number | undefined {
  if (typeof x !== "string" || !/^\d{1,16}$/.test(x)) return undefined;
  const n = Number(x);
  return Number.isSafeInteger(n) ? n : undefined;
}

async function fetchBalance(call: Caller, query: Record<string, string>): Promise<Result<number, SyncFailure>> {
  const r = await call({ route: "getBalance", method: "GET", path: VENUE_PATHS.balanceAllowance, query });
  if (r.kind !== "ok") return err(failure(r, "GET /balance-allowance"));
  const b = isRecord(r.body) ? parseMicro(r.body.balance) : undefined;
  return b === undefined ? err({ reason: "unknown", message: "GET /balance-allowance: unreadable balance" }) : ok(b);
}

export async function fetchSync(
  action: SyncAction,
  identity: SyncIdentity,
  withBalances: boolean,
  call: Caller,
): Promise<Result<SyncValue, SyncFailure>> {
  const wanted = new Set<ConditionId>(action.conditionIds);
  const keep = (c: ConditionId): boolean => wanted.size === 0 || wanted.has(c);

  const orders = await fetchAllPages(call, "getOrders", VENUE_PATHS.openOrders, {});
  if (!orders.ok) return orders;
  const openOrders: VenueOpenOrder[] = [];
  for (const raw of orders.value) {
    const o = normalizeOpenOrder(raw);
    if (o === undefined)
      return err({ reason: "unknown", message: `malformed open order from venue: ${JSON.stringify(raw).slice(0, 200)}` });
    if (keep(o.conditionId)) openOrders.push(o);
  }

  const since = Number.isFinite(action.tradesSince) && action.tradesSince > 0 ? Math.floor(action.tradesSince) : 0;
  const trades = await fetchAllPages(call, "getTrades", VENUE_PATHS.trades, since > 0 ? { after: String(since) } : {});
  if (!trades.ok) return trades;
  const fills: UserFillEvent[] = [];
  const seen = new Set<string>();
  for (const raw of trades.value) {
    const legs = fillsFromTrade(raw, identity);
    if (legs === undefined) return err({ reason: "unknown", message: `malformed trade from venue: ${JSON.stringify(raw).slice(0, 200)}` });
    for (const f of legs) {
      const key = `${f.tradeId}:${f.orderId}`;
      // The venue's `after` may be inclusive or exclusive; the watermark is inclusive.
      if (!keep(f.conditionId) || seen.has(key) || f.matchTime < since * 1000) continue;
      seen.add(key);
      fills.push(f);
    }
  }

  if (!withBalances) return ok({ openOrders, fills });
  const sigType: Record<string, string> = identity.signatureType !== undefined ? { signature_type: String(identity.signatureType) } : {};
  const collateral = await fetchBalance(call, { asset_type: "COLLATERAL", ...sigType });
  if (!collateral.ok) return collateral;
  const tokenIds = new Set<string>([...openOrders.map((o) => o.tokenId), ...fills.map((f) => f.tokenId)]);
  const tokens: Record<string, Size> = {};
  for (const t of tokenIds) {
    const b = await fetchBalance(call, { asset_type: "CONDITIONAL", token_id: t, ...sigType });
    if (!b.ok) return b;
    tokens[t] = b.value as Size;
  }
  return ok({ openOrders, fills, balances: { collateral: collateral.value as Usdc, tokens } });
}
