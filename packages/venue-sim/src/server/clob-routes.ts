/** CLOB REST routes (POLYMARKET.md §4, §5, §7): public market data, trading, queries, keys, heartbeats. */
import { createHash } from "node:crypto";
import { WirePostOrderBodySchema } from "@mm/protocol";
import {
  type ConditionId,
  formatPrice,
  formatSize,
  formatUsdc,
  type OrderType,
  parseConditionId,
  parseOrderId,
  parseTokenId,
  type Side,
  type TokenId,
  type TradeId,
} from "@mm/types";
import {
  batchTooLargeMessage,
  MAX_BATCH_ORDERS,
  type OrderView,
  type PlaceOrderInput,
  type PlaceResult,
  type TradeView,
  type VenueEngine,
} from "../engine/index.js";
import type { ApiCredentials, CredentialStore, L1Verifier } from "./auth.js";
import type { DepositWalletRegistry } from "./deposit-wallets.js";
import { fail, ok, type Reply, type Route, type RouteContext } from "./http-app.js";
import type { SimMarket } from "./markets.js";
import { bookSummary, clobTrade, microString, openOrder } from "./wire.js";

export const END_CURSOR = "LTE=";
const MAX_UINT256 = "115792089237316195423570985008687907853269984665640564039457584007913129639935";

/** Signature check of a signed order body: its id (the EIP-712 hash) when the signature recovers to `signer`. */
export interface SignedOrderCheck {
  readonly check: (
    order: Record<string, unknown>,
    negRisk: boolean,
  ) => { readonly ok: true; readonly orderId: string } | { readonly ok: false };
}

export interface ClobContext {
  readonly engine: VenueEngine;
  readonly credentials: CredentialStore;
  readonly now: () => number;
  readonly marketByCondition: (cid: string) => SimMarket | undefined;
  readonly marketByToken: (token: string) => SimMarket | undefined;
  readonly allMarkets: () => readonly SimMarket[];
  /** `/price` side semantics [L]: "bid-for-buy" (observed live) or "ask-for-buy" (current docs). */
  readonly priceSide: () => "bid-for-buy" | "ask-for-buy";
  readonly pageSize: number;
  readonly signedOrders: SignedOrderCheck | undefined;
  /** Order struct generation the venue accepts (§0): 1 = V1 (default), 2 = CLOB V2. */
  readonly orderVersion: 1 | 2;
  /** Deposit wallets (type-3 orders): the API key's address must own `order.signer`. */
  readonly depositWallets: DepositWalletRegistry;
  readonly l1Verifier: L1Verifier | undefined;
  /** Order submission hook: the flow engine and tests observe placements through the engine events instead. */
}

// ---- helpers -----------------------------------------------------------------------------------

export const encodeCursor = (offset: number): string => Buffer.from(String(offset)).toString("base64");

export function decodeCursor(c: string | null): number | undefined {
  if (c === null || c === "") return 0;
  if (c === END_CURSOR) return undefined;
  const n = Number(Buffer.from(c, "base64").toString("utf8"));
  return Number.isInteger(n) && n >= 0 ? n : -1;
}

function page<T>(items: readonly T[], cursor: string | null, size: number): Reply {
  const offset = decodeCursor(cursor);
  if (offset === -1) return fail(400, "invalid next_cursor");
  if (offset === undefined) return ok({ data: [], next_cursor: END_CURSOR, limit: size, count: 0 });
  const data = items.slice(offset, offset + size);
  const next = offset + size < items.length ? encodeCursor(offset + size) : END_CURSOR;
  return ok({ data, next_cursor: next, limit: size, count: data.length });
}

function parseJson(body: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(body) };
  } catch {
    return { ok: false };
  }
}

function tokenParam(ctx: ClobContext, raw: string | null | undefined): { token: TokenId } | { reply: Reply } {
  if (raw === null || raw === undefined || raw === "") return { reply: fail(400, "Invalid token id") };
  const t = parseTokenId(raw);
  if (!t.ok) return { reply: fail(400, "Invalid token id") };
  if (ctx.marketByToken(t.value) === undefined) return { reply: fail(404, "No orderbook exists for the requested token id") };
  return { token: t.value };
}

const fmtMid = (units: number): string => String(Number((units / 10_000).toFixed(5)));

function clobMarket(ctx: ClobContext, m: SimMarket) {
  const view = ctx.engine.market(m.info.conditionId);
  const tick = view?.tickSize ?? m.info.tickSize;
  const winner = view?.winner;
  const priceOf = (t: TokenId): number => {
    const b = ctx.engine.bestPrices(t);
    if (b?.bestBid !== undefined && b.bestAsk !== undefined) return (b.bestBid + b.bestAsk) / 20_000;
    const lt = ctx.engine.lastTrade(t);
    return lt === undefined ? 0.5 : lt.price / 10_000;
  };
  const closed = view?.status !== undefined && view.status !== "active";
  return {
    enable_order_book: true,
    active: !closed,
    closed,
    archived: false,
    accepting_orders: view?.acceptingOrders ?? true,
    accepting_order_timestamp: new Date(m.startTime).toISOString(),
    minimum_order_size: m.info.minOrderSize / 1_000_000,
    minimum_tick_size: tick / 10_000,
    condition_id: m.info.conditionId as string,
    question_id: m.questionId,
    question: m.info.question,
    description: m.description,
    market_slug: m.info.slug,
    end_date_iso: new Date(m.endTime).toISOString(),
    game_start_time: null,
    seconds_delay: 0,
    fpmm: "",
    // Base fees are caps the venue reports, not the charged rate (the engine charges `m.fees`). [M]
    maker_base_fee: m.fees.rateBps > 0 ? (m.info.feeRateBps ?? 0) : 0,
    taker_base_fee: m.info.feeRateBps ?? 0,
    notifications_enabled: true,
    neg_risk: m.info.negRisk,
    neg_risk_market_id: "",
    neg_risk_request_id: "",
    icon: "",
    image: "",
    rewards: { rates: null, min_size: 0, max_spread: 0 },
    is_50_50_outcome: false,
    tokens: [
      { token_id: m.info.yes.tokenId as string, outcome: m.info.yes.label, price: priceOf(m.info.yes.tokenId), winner: winner === "YES" },
      { token_id: m.info.no.tokenId as string, outcome: m.info.no.label, price: priceOf(m.info.no.tokenId), winner: winner === "NO" },
    ],
    tags: ["Crypto", "Up or Down"],
  };
}

// ---- order placement ---------------------------------------------------------------------------

type PlaceOutcome = { readonly reply: Reply; readonly result?: PlaceResult };

const DIGITS = /^\d{1,15}$/;

/** Stable 0x-64-hex id of a signed order body when no EIP-712 hasher is configured. */
function fallbackOrderId(order: Record<string, unknown>): string {
  const keys = [
    "salt",
    "maker",
    "signer",
    "taker",
    "tokenId",
    "makerAmount",
    "takerAmount",
    "side",
    "expiration",
    "nonce",
    "feeRateBps",
    "signatureType",
    "timestamp",
    "metadata",
    "builder",
  ];
  const text = keys.map((k) => `${k}=${String(order[k] ?? "")}`).join("&");
  return `0x${createHash("sha256").update(text).digest("hex")}`;
}

function placeOne(ctx: ClobContext, creds: ApiCredentials, envelope: unknown): PlaceOutcome {
  const parsed = WirePostOrderBodySchema.safeParse(envelope);
  if (!parsed.success) return { reply: fail(400, "Invalid order payload") };
  const env = parsed.data;
  const order = env.order as unknown as Record<string, unknown>;
  const isV1 = "nonce" in order && "feeRateBps" in order;
  if ((ctx.orderVersion === 2) === isV1) return { reply: fail(400, "invalid order version") };
  if (env.owner !== creds.apiKey) return { reply: fail(400, "the order owner has to be the owner of the API KEY") };
  // Deposit wallets (type 3): signer = maker = the wallet, whose owner is checked after the signature.
  const depositWallet = env.order.signatureType === 3;
  if (!depositWallet && (typeof order.signer !== "string" || order.signer.toLowerCase() !== creds.address.toLowerCase())) {
    return { reply: fail(400, "the order signer address has to be the address of the API KEY") };
  }
  const t = parseTokenId(env.order.tokenId);
  const market = t.ok ? ctx.marketByToken(t.value) : undefined;
  if (!t.ok || market === undefined) return { reply: fail(400, "Invalid token id") };
  if (!DIGITS.test(env.order.makerAmount) || !DIGITS.test(env.order.takerAmount)) return { reply: fail(400, "invalid order amounts") };
  if (!/^\d{1,12}$/.test(env.order.expiration)) return { reply: fail(400, "invalid expiration") };
  const negRisk = market.info.negRisk;
  let hashed: string;
  if (ctx.signedOrders !== undefined) {
    const checked = ctx.signedOrders.check(order, negRisk);
    if (!checked.ok) return { reply: fail(400, "invalid signature") };
    hashed = checked.orderId;
  } else {
    hashed = fallbackOrderId(order);
  }
  // A valid envelope from another user's wallet is still not this API key's order.
  if (depositWallet && !ctx.depositWallets.isOwner(env.order.signer, creds.address)) {
    return { reply: fail(400, "the order signer address has to be the address of the API KEY") };
  }
  const id = parseOrderId(hashed);
  const input: PlaceOrderInput = {
    owner: creds.apiKey,
    tokenId: t.value,
    side: env.order.side as Side,
    orderType: env.orderType as OrderType,
    makerAmount: Number(env.order.makerAmount),
    takerAmount: Number(env.order.takerAmount),
    expiration: Number(env.order.expiration),
    ...(env.postOnly === true ? { postOnly: true } : {}),
    ...(id.ok ? { orderId: id.value } : {}),
  };
  const result = ctx.engine.placeOrder(input);
  if (!result.ok) {
    const extra: Record<string, unknown> = {};
    if (result.reject.code === "fak_no_match" || result.reject.code === "fok_not_filled") extra.orderID = result.orderId;
    if (result.reject.httpStatus === 503) {
      extra.code = result.reject.code;
      extra.retry_after_seconds = 60;
    }
    const reply = fail(result.reject.httpStatus, result.reject.message, extra);
    return { reply: result.reject.httpStatus === 503 ? { ...reply, headers: { "retry-after": "60" } } : reply, result };
  }
  const buy = input.side === "BUY";
  const filled = result.makingAmount > 0 || result.takingAmount > 0;
  return {
    reply: ok({
      success: true,
      errorMsg: "",
      orderID: result.orderId,
      status: result.status,
      makingAmount: filled ? (buy ? formatUsdc(result.makingAmount) : formatSize(result.makingAmount)) : "",
      takingAmount: filled ? (buy ? formatSize(result.takingAmount) : formatUsdc(result.takingAmount)) : "",
      transactionsHashes: [],
      tradeIDs: result.tradeIds.map(String),
    }),
    result,
  };
}

// ---- routes ------------------------------------------------------------------------------------

/** Per-signer bucket cost of a JSON-array body (N per batch), 1 when unparsable. */
function arrayCost(c: RouteContext): number {
  const j = parseJson(c.body);
  return j.ok && Array.isArray(j.value) ? Math.max(1, j.value.length) : 1;
}

/** Extra cancel-bucket charge after cancel-all / cancel-market-orders: the number cancelled. */
const cancelledCount = (_c: RouteContext, r: Reply): number =>
  r.status === 200 && typeof r.body === "object" && r.body !== null && Array.isArray((r.body as { canceled?: unknown }).canceled)
    ? (r.body as { canceled: unknown[] }).canceled.length
    : 0;

export function clobRoutes(ctx: ClobContext): Route[] {
  const { engine } = ctx;
  const mustCreds = (c: RouteContext): ApiCredentials => c.creds as ApiCredentials;
  const addressOf = (o: string): string => ctx.credentials.addressOf(o);

  const bookOf = (c: RouteContext): Reply => {
    const t = tokenParam(ctx, c.query.get("token_id"));
    if ("reply" in t) return t.reply;
    const b = engine.book(t.token);
    return b === undefined ? fail(404, "No orderbook exists for the requested token id") : ok(bookSummary(b));
  };
  const priceOf = (token: TokenId, side: string): string | undefined => {
    const b = engine.bestPrices(token);
    const bidForBuy = ctx.priceSide() === "bid-for-buy";
    const wantBid = side === "BUY" ? bidForBuy : !bidForBuy;
    const p = wantBid ? b?.bestBid : b?.bestAsk;
    return p === undefined ? undefined : formatPrice(p);
  };
  const midOf = (token: TokenId): string => {
    const b = engine.bestPrices(token);
    const bid = b?.bestBid ?? 0;
    const ask = b?.bestAsk ?? 10_000;
    return fmtMid((bid + ask) / 2);
  };
  const spreadOf = (token: TokenId): string => {
    const b = engine.bestPrices(token);
    return fmtMid((b?.bestAsk ?? 10_000) - (b?.bestBid ?? 0));
  };
  const lastOf = (token: TokenId) => {
    const lt = engine.lastTrade(token);
    return lt === undefined ? { price: "0.5", side: "" as const } : { price: formatPrice(lt.price), side: lt.side };
  };
  /** POST list endpoints taking `[{token_id, side?}]`. */
  const tokenList = (c: RouteContext, max: number): { items: { token: TokenId; side: string }[] } | { reply: Reply } => {
    const j = parseJson(c.body);
    if (!j.ok || !Array.isArray(j.value)) return { reply: fail(400, "Invalid payload") };
    if (j.value.length > max) return { reply: fail(400, "Payload exceeds the limit") };
    const items: { token: TokenId; side: string }[] = [];
    for (const e of j.value as unknown[]) {
      const tok = typeof e === "object" && e !== null ? (e as Record<string, unknown>).token_id : undefined;
      const side = typeof e === "object" && e !== null ? (e as Record<string, unknown>).side : undefined;
      const t = tokenParam(ctx, typeof tok === "string" ? tok : null);
      if ("reply" in t) return t;
      items.push({ token: t.token, side: typeof side === "string" ? side : "BUY" });
    }
    return { items };
  };
  const sideParam = (c: RouteContext): string | undefined => {
    const s = c.query.get("side");
    return s === "BUY" || s === "SELL" ? s : undefined;
  };
  const tradesFor = (c: RouteContext): TradeView[] | Reply => {
    const creds = mustCreds(c);
    const q = c.query;
    const filter: { id?: TradeId; market?: ConditionId; assetId?: TokenId; before?: number; after?: number } = {};
    const id = q.get("id");
    if (id) filter.id = id as TradeId;
    const market = q.get("market");
    if (market) {
      const m = parseConditionId(market);
      if (!m.ok) return fail(400, "invalid market");
      filter.market = m.value;
    }
    const asset = q.get("asset_id");
    if (asset) {
      const a = parseTokenId(asset);
      if (!a.ok) return fail(400, "Invalid token id");
      filter.assetId = a.value;
    }
    for (const k of ["before", "after"] as const) {
      const v = q.get(k);
      if (v) {
        if (!/^\d{1,12}$/.test(v)) return fail(400, `invalid ${k}`);
        filter[k] = Number(v);
      }
    }
    let trades = engine.trades(creds.apiKey, filter);
    const makerAddress = q.get("maker_address");
    if (makerAddress) trades = trades.filter((t) => t.makers.some((m) => addressOf(m.owner).toLowerCase() === makerAddress.toLowerCase()));
    return trades;
  };

  return [
    { method: "GET", pattern: "/", auth: "none", handle: () => ok("OK") },
    { method: "GET", pattern: "/ok", auth: "none", handle: () => ok("OK") },
    { method: "GET", pattern: "/time", auth: "none", handle: () => ok(Math.floor(ctx.now() / 1000)) },
    { method: "GET", pattern: "/version", auth: "none", handle: () => ok({ version: ctx.orderVersion }) },
    { method: "GET", pattern: "/book", auth: "none", handle: bookOf },
    {
      method: "POST",
      pattern: "/books",
      auth: "none",
      handle: (c) => {
        const l = tokenList(c, 500);
        if ("reply" in l) return l.reply;
        return ok(
          l.items.flatMap((i) => {
            const b = engine.book(i.token);
            return b === undefined ? [] : [bookSummary(b)];
          }),
        );
      },
    },
    {
      method: "GET",
      pattern: "/price",
      auth: "none",
      handle: (c) => {
        const t = tokenParam(ctx, c.query.get("token_id"));
        if ("reply" in t) return t.reply;
        const side = sideParam(c);
        if (side === undefined) return fail(400, "Invalid side");
        const p = priceOf(t.token, side);
        return p === undefined ? fail(404, "No orderbook exists for the requested token id") : ok({ price: p });
      },
    },
    {
      method: "POST",
      pattern: "/prices",
      auth: "none",
      handle: (c) => {
        const l = tokenList(c, 500);
        if ("reply" in l) return l.reply;
        const out: Record<string, Record<string, string>> = {};
        for (const i of l.items) {
          const p = priceOf(i.token, i.side);
          if (p === undefined) continue;
          const entry = out[i.token] ?? {};
          entry[i.side] = p;
          out[i.token] = entry;
        }
        return ok(out);
      },
    },
    {
      method: "GET",
      pattern: "/midpoint",
      auth: "none",
      handle: (c) => {
        const t = tokenParam(ctx, c.query.get("token_id"));
        return "reply" in t ? t.reply : ok({ mid: midOf(t.token) });
      },
    },
    {
      method: "POST",
      pattern: "/midpoints",
      auth: "none",
      handle: (c) => {
        const l = tokenList(c, 500);
        if ("reply" in l) return l.reply;
        return ok(Object.fromEntries(l.items.map((i) => [i.token, midOf(i.token)])));
      },
    },
    {
      method: "GET",
      pattern: "/spread",
      auth: "none",
      handle: (c) => {
        const t = tokenParam(ctx, c.query.get("token_id"));
        return "reply" in t ? t.reply : ok({ spread: spreadOf(t.token) });
      },
    },
    {
      method: "POST",
      pattern: "/spreads",
      auth: "none",
      handle: (c) => {
        const l = tokenList(c, 500);
        if ("reply" in l) return l.reply;
        return ok(Object.fromEntries(l.items.map((i) => [i.token, spreadOf(i.token)])));
      },
    },
    {
      method: "GET",
      pattern: "/last-trade-price",
      auth: "none",
      handle: (c) => {
        const t = tokenParam(ctx, c.query.get("token_id"));
        return "reply" in t ? t.reply : ok(lastOf(t.token));
      },
    },
    {
      method: "POST",
      pattern: "/last-trades-prices",
      auth: "none",
      handle: (c) => {
        const l = tokenList(c, 500);
        if ("reply" in l) return l.reply;
        return ok(l.items.map((i) => ({ token_id: i.token, ...lastOf(i.token) })));
      },
    },
    {
      method: "GET",
      pattern: "/tick-size",
      auth: "none",
      handle: (c) => {
        const t = tokenParam(ctx, c.query.get("token_id"));
        if ("reply" in t) return t.reply;
        return ok({ minimum_tick_size: (engine.tickSize(t.token) ?? 100) / 10_000 });
      },
    },
    {
      method: "GET",
      pattern: "/neg-risk",
      auth: "none",
      handle: (c) => {
        const t = tokenParam(ctx, c.query.get("token_id"));
        return "reply" in t ? t.reply : ok({ neg_risk: ctx.marketByToken(t.token)?.info.negRisk ?? false });
      },
    },
    {
      method: "GET",
      pattern: "/fee-rate",
      auth: "none",
      handle: (c) => {
        const t = tokenParam(ctx, c.query.get("token_id"));
        return "reply" in t ? t.reply : ok({ base_fee: ctx.marketByToken(t.token)?.info.feeRateBps ?? 0 });
      },
    },
    {
      method: "GET",
      pattern: "/markets",
      auth: "none",
      handle: (c) =>
        page(
          ctx.allMarkets().map((m) => clobMarket(ctx, m)),
          c.query.get("next_cursor"),
          ctx.pageSize,
        ),
    },
    ...(["/sampling-markets", "/simplified-markets", "/sampling-simplified-markets"] as const).map(
      (pattern): Route => ({
        method: "GET",
        pattern,
        auth: "none",
        handle: (c) => {
          const full = ctx.allMarkets().map((m) => clobMarket(ctx, m));
          const items = pattern.includes("simplified")
            ? full.map((m) => ({
                condition_id: m.condition_id,
                tokens: m.tokens,
                rewards: m.rewards,
                active: m.active,
                closed: m.closed,
                archived: m.archived,
                accepting_orders: m.accepting_orders,
              }))
            : full;
          return page(items, c.query.get("next_cursor"), ctx.pageSize);
        },
      }),
    ),
    {
      method: "GET",
      pattern: "/prices-history",
      auth: "none",
      handle: (c) => {
        const q = c.query;
        const t = tokenParam(ctx, q.get("market"));
        if ("reply" in t) return t.reply;
        const interval = q.get("interval");
        const hasRange = q.has("startTs") || q.has("endTs");
        if (interval !== null && hasRange) return fail(400, "startTs/endTs and interval are mutually exclusive");
        const nowSec = Math.floor(ctx.now() / 1000);
        const spans: Record<string, number> = {
          "1h": 3600,
          "6h": 21_600,
          "1d": 86_400,
          "1w": 604_800,
          "1m": 2_592_000,
          max: Number.POSITIVE_INFINITY,
        };
        let from = 0;
        let to = nowSec;
        if (interval !== null) {
          const span = spans[interval];
          if (span === undefined) return fail(400, "invalid interval");
          from = nowSec - span;
        } else if (hasRange) {
          from = Number(q.get("startTs") ?? 0);
          to = Number(q.get("endTs") ?? nowSec);
          if (!Number.isInteger(from) || !Number.isInteger(to)) return fail(400, "invalid startTs/endTs");
        }
        const fidelity = Number(q.get("fidelity") ?? 1);
        if (!Number.isInteger(fidelity) || fidelity < 1) return fail(400, "invalid fidelity");
        const bucket = fidelity * 60;
        const m = ctx.marketByToken(t.token);
        const points = new Map<number, number>();
        for (const tr of m === undefined ? [] : engine.marketTrades(m.info.conditionId)) {
          if (tr.status === "FAILED") continue;
          const sec = Math.floor(tr.matchTime / 1000);
          if (sec < from || sec > to) continue;
          const leg = tr.taker.tokenId === t.token ? tr.taker : tr.makers.find((x) => x.tokenId === t.token);
          const p = leg !== undefined ? leg.price : 10_000 - tr.taker.price;
          points.set(Math.floor(sec / bucket) * bucket, p / 10_000);
        }
        return ok({ history: [...points].map(([ts, p]) => ({ t: ts, p })) });
      },
    },
    {
      method: "GET",
      pattern: "/clob-markets/:cid",
      auth: "none",
      handle: (c) => {
        const m = ctx.marketByCondition((c.params[0] ?? "").toLowerCase());
        if (m === undefined) return fail(404, "market not found");
        const tick = engine.market(m.info.conditionId)?.tickSize ?? m.info.tickSize;
        return ok({
          c: m.info.conditionId,
          t: [
            { t: m.info.yes.tokenId, o: m.info.yes.label },
            { t: m.info.no.tokenId, o: m.info.no.label },
          ],
          mts: tick / 10_000,
          mos: m.info.minOrderSize / 1_000_000,
          nr: m.info.negRisk,
          mbf: m.fees.rateBps > 0 ? (m.info.feeRateBps ?? 0) : 0,
          tbf: m.info.feeRateBps ?? 0,
          // Fee details: rate (decimal), exponent, taker-only. [M: field meanings from the V2 client]
          fd: m.fees.rateBps > 0 ? { r: m.fees.rateBps / 10_000, e: m.fees.exponent, to: true } : { r: 0, e: 0, to: false },
        });
      },
    },
    {
      method: "GET",
      pattern: "/markets-by-token/:token",
      auth: "none",
      handle: (c) => {
        const m = ctx.marketByToken(c.params[0] ?? "");
        return m === undefined ? fail(404, "market not found") : ok(clobMarket(ctx, m));
      },
    },
    {
      method: "GET",
      pattern: "/markets/:cid",
      auth: "none",
      handle: (c) => {
        const m = ctx.marketByCondition((c.params[0] ?? "").toLowerCase());
        return m === undefined ? fail(404, "market not found") : ok(clobMarket(ctx, m));
      },
    },
    // ---- trading (L2) ----
    {
      method: "POST",
      pattern: "/order",
      auth: "l2",
      signerCost: { bucket: "order", pre: () => 1 },
      handle: (c) => {
        const j = parseJson(c.body);
        if (!j.ok) return fail(400, "Invalid order payload");
        return placeOne(ctx, mustCreds(c), j.value).reply;
      },
    },
    {
      method: "POST",
      pattern: "/orders",
      auth: "l2",
      signerCost: { bucket: "order", pre: arrayCost },
      handle: (c) => {
        const j = parseJson(c.body);
        if (!j.ok || !Array.isArray(j.value)) return fail(400, "Invalid order payload");
        if (j.value.length > MAX_BATCH_ORDERS) return fail(400, batchTooLargeMessage(j.value.length));
        const creds = mustCreds(c);
        return ok(
          (j.value as unknown[]).map((env) => {
            const r = placeOne(ctx, creds, env).reply;
            if (r.status === 200) return r.body;
            const error = (r.body as { error: string }).error;
            // Rejected legs hide in a 200: success true, orderID "", reason in errorMsg (§5.1, GOTCHAS 26).
            return {
              success: true,
              errorMsg: error,
              orderID: "",
              status: "",
              takingAmount: "",
              makingAmount: "",
              transactionsHashes: [],
              tradeIDs: [],
            };
          }),
        );
      },
    },
    {
      method: "DELETE",
      pattern: "/order",
      auth: "l2",
      signerCost: { bucket: "cancel", pre: () => 1 },
      handle: (c) => {
        const j = parseJson(c.body);
        const id = j.ok && typeof j.value === "object" && j.value !== null ? (j.value as Record<string, unknown>).orderID : undefined;
        if (typeof id !== "string") return fail(400, "Invalid order payload");
        const r = engine.cancelOrders(mustCreds(c).apiKey, [id]);
        return ok({ canceled: r.canceled, not_canceled: r.notCanceled });
      },
    },
    {
      method: "DELETE",
      pattern: "/orders",
      auth: "l2",
      signerCost: { bucket: "cancel", pre: arrayCost },
      handle: (c) => {
        const j = parseJson(c.body);
        if (!j.ok || !Array.isArray(j.value) || j.value.some((x) => typeof x !== "string")) return fail(400, "Invalid order payload");
        if (j.value.length > 3000) return fail(400, `Too many orders in payload, max allowed: 3000`);
        const r = engine.cancelOrders(mustCreds(c).apiKey, j.value as string[]);
        return ok({ canceled: r.canceled, not_canceled: r.notCanceled });
      },
    },
    {
      method: "DELETE",
      pattern: "/cancel-all",
      auth: "l2",
      signerCost: { bucket: "cancel", pre: () => 1, post: cancelledCount },
      handle: (c) => {
        const r = engine.cancelAll(mustCreds(c).apiKey);
        return ok({ canceled: r.canceled, not_canceled: r.notCanceled });
      },
    },
    {
      method: "DELETE",
      pattern: "/cancel-market-orders",
      auth: "l2",
      signerCost: { bucket: "cancel", pre: () => 1, post: cancelledCount },
      handle: (c) => {
        const j = c.body === "" ? { ok: true as const, value: {} } : parseJson(c.body);
        if (!j.ok || typeof j.value !== "object" || j.value === null) return fail(400, "Invalid payload");
        const v = j.value as Record<string, unknown>;
        const filter: { market?: ConditionId; assetId?: TokenId } = {};
        if (typeof v.market === "string" && v.market !== "") {
          const m = parseConditionId(v.market);
          if (!m.ok) return fail(400, "invalid market");
          filter.market = m.value;
        }
        if (typeof v.asset_id === "string" && v.asset_id !== "") {
          const a = parseTokenId(v.asset_id);
          if (!a.ok) return fail(400, "Invalid token id");
          filter.assetId = a.value;
        }
        const r = engine.cancelMarketOrders(mustCreds(c).apiKey, filter);
        return ok({ canceled: r.canceled, not_canceled: r.notCanceled });
      },
    },
    {
      method: "GET",
      pattern: "/data/order/:id",
      auth: "l2",
      handle: (c) => {
        const o = engine.order(c.params[0] ?? "");
        if (o === undefined || o.owner !== mustCreds(c).apiKey) return fail(404, "order not found");
        return ok(openOrder(o, addressOf));
      },
    },
    {
      method: "GET",
      pattern: "/data/orders",
      auth: "l2",
      handle: (c) => {
        const q = c.query;
        const filter: { id?: never; market?: ConditionId; assetId?: TokenId } = {};
        const market = q.get("market");
        if (market) {
          const m = parseConditionId(market);
          if (!m.ok) return fail(400, "invalid market");
          filter.market = m.value;
        }
        const asset = q.get("asset_id");
        if (asset) {
          const a = parseTokenId(asset);
          if (!a.ok) return fail(400, "Invalid token id");
          filter.assetId = a.value;
        }
        let orders: OrderView[] = engine.openOrders(mustCreds(c).apiKey, filter);
        const id = q.get("id");
        if (id) orders = orders.filter((o) => o.id === id.toLowerCase());
        return page(
          orders.map((o) => openOrder(o, addressOf)),
          q.get("next_cursor"),
          ctx.pageSize,
        );
      },
    },
    {
      method: "GET",
      pattern: "/data/trades",
      auth: "l2",
      handle: (c) => {
        const t = tradesFor(c);
        if (!Array.isArray(t)) return t;
        const viewer = mustCreds(c).apiKey;
        return page(
          t.map((x) => clobTrade(x, viewer, addressOf)),
          c.query.get("next_cursor"),
          ctx.pageSize,
        );
      },
    },
    ...(["/balance-allowance", "/balance-allowance/update"] as const).map(
      (pattern): Route => ({
        method: "GET",
        pattern,
        auth: "l2",
        handle: (c) => {
          const type = c.query.get("asset_type");
          const creds = mustCreds(c);
          if (type === "COLLATERAL")
            return ok({ balance: microString(engine.balance(creds.apiKey, "COLLATERAL").balance), allowance: MAX_UINT256 });
          if (type === "CONDITIONAL") {
            const t = parseTokenId(c.query.get("token_id") ?? "");
            if (!t.ok) return fail(400, "Invalid token id");
            return ok({ balance: microString(engine.balance(creds.apiKey, t.value).balance), allowance: MAX_UINT256 });
          }
          return fail(400, "Invalid asset type");
        },
      }),
    ),
    ...(["/v1/heartbeats", "/heartbeats"] as const).map(
      (pattern): Route => ({
        method: "POST",
        pattern,
        auth: "l2",
        handle: (c) => {
          const j = c.body === "" ? { ok: true as const, value: {} } : parseJson(c.body);
          if (!j.ok || typeof j.value !== "object" || j.value === null) return fail(400, "Invalid payload");
          const raw = (j.value as Record<string, unknown>).heartbeat_id;
          if (raw !== undefined && raw !== null && typeof raw !== "string") return fail(400, "Invalid payload");
          const r = engine.heartbeat(mustCreds(c).apiKey, raw === undefined || raw === "" ? null : (raw as string | null));
          return r.ok ? ok({ heartbeat_id: r.heartbeatId }) : fail(400, r.error, { heartbeat_id: r.heartbeatId });
        },
      }),
    ),
    {
      method: "GET",
      pattern: "/order-scoring",
      auth: "l2",
      handle: () => ok({ scoring: false }),
    },
    // ---- keys ----
    {
      method: "POST",
      pattern: "/auth/api-key",
      auth: "none",
      handle: (c) => {
        const l1 = ctx.credentials.verifyL1(c.headers, ctx.l1Verifier);
        if (!l1.ok) return fail(401, l1.error);
        const creds = ctx.credentials.create(l1.address, l1.nonce);
        return creds === undefined
          ? fail(400, "Could not create api key")
          : ok({ apiKey: creds.apiKey, secret: creds.secret, passphrase: creds.passphrase });
      },
    },
    {
      method: "GET",
      pattern: "/auth/derive-api-key",
      auth: "none",
      handle: (c) => {
        const l1 = ctx.credentials.verifyL1(c.headers, ctx.l1Verifier);
        if (!l1.ok) return fail(401, l1.error);
        const creds = ctx.credentials.derive(l1.address, l1.nonce);
        return creds === undefined
          ? fail(400, "Could not derive api key!")
          : ok({ apiKey: creds.apiKey, secret: creds.secret, passphrase: creds.passphrase });
      },
    },
    { method: "GET", pattern: "/auth/api-keys", auth: "l2", handle: (c) => ok({ apiKeys: ctx.credentials.keysOf(mustCreds(c).address) }) },
    {
      method: "DELETE",
      pattern: "/auth/api-key",
      auth: "l2",
      handle: (c) => {
        ctx.credentials.remove(mustCreds(c).apiKey);
        return ok("OK");
      },
    },
    { method: "GET", pattern: "/auth/ban-status/closed-only", auth: "l2", handle: () => ok({ closed_only: false }) },
  ];
}
