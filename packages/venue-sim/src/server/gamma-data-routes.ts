/**
 * Gamma (`/markets`, `/events`, with JSON-encoded string fields `outcomes`, `outcomePrices`,
 * `clobTokenIds`) and Data-API (`/trades`, seconds timestamps, numbers, lag knob) routes.
 */
import type { VenueEngine } from "../engine/index.js";
import type { CredentialStore } from "./auth.js";
import { fail, ok, type Route } from "./http-app.js";
import type { SimMarket } from "./markets.js";

export interface GammaDataContext {
  readonly engine: VenueEngine;
  readonly credentials: CredentialStore;
  readonly now: () => number;
  readonly allMarkets: () => readonly SimMarket[];
  /** Data-API trades become visible this long after matching (venue: ~1–3 min). */
  readonly dataLagMs: () => number;
}

const iso = (ms: number): string => new Date(ms).toISOString();

function gammaMarket(ctx: GammaDataContext, m: SimMarket) {
  const view = ctx.engine.market(m.info.conditionId);
  const b = ctx.engine.bestPrices(m.info.yes.tokenId);
  const bid = (b?.bestBid ?? 0) / 10_000;
  const ask = (b?.bestAsk ?? 10_000) / 10_000;
  const last = ctx.engine.lastTrade(m.info.yes.tokenId);
  const yesPrice =
    view?.winner !== undefined
      ? view.winner === "YES"
        ? 1
        : 0
      : b?.bestBid !== undefined && b.bestAsk !== undefined
        ? (bid + ask) / 2
        : 0.5;
  const closed = view !== undefined && view.status !== "active";
  let volume = 0;
  for (const t of ctx.engine.marketTrades(m.info.conditionId)) volume += t.taker.usdc / 1_000_000;
  return {
    id: m.gammaId,
    question: m.info.question,
    conditionId: m.info.conditionId as string,
    questionID: m.questionId,
    slug: m.info.slug,
    description: m.description,
    resolutionSource: "https://data.chain.link/streams/btc-usd",
    startDate: iso(m.startTime),
    endDate: iso(m.endTime),
    endDateIso: iso(m.endTime).slice(0, 10),
    startDateIso: iso(m.startTime).slice(0, 10),
    eventStartTime: iso(m.startTime),
    active: !closed,
    closed,
    archived: false,
    acceptingOrders: view?.acceptingOrders ?? true,
    acceptingOrdersTimestamp: iso(m.startTime),
    enableOrderBook: true,
    orderPriceMinTickSize: (view?.tickSize ?? m.info.tickSize) / 10_000,
    orderMinSize: m.info.minOrderSize / 1_000_000,
    negRisk: m.info.negRisk,
    outcomes: JSON.stringify([m.info.yes.label, m.info.no.label]),
    outcomePrices: JSON.stringify([String(Number(yesPrice.toFixed(4))), String(Number((1 - yesPrice).toFixed(4)))]),
    clobTokenIds: JSON.stringify([m.info.yes.tokenId, m.info.no.tokenId]),
    bestBid: bid,
    bestAsk: ask,
    spread: Number((ask - bid).toFixed(4)),
    lastTradePrice: last === undefined ? 0 : last.price / 10_000,
    volume: String(volume),
    volumeNum: volume,
    liquidity: "0",
    liquidityNum: 0,
    ...gammaFees(m),
    umaResolutionStatuses: "[]",
  };
}

/**
 * Gamma's fee fields as recorded on fee-enabled markets (`fixtures/nautilus_rust/gamma_market_sports_*`):
 * `feesEnabled`, `feeType`, `makerBaseFee`/`takerBaseFee` (caps, 1000), and the `feeSchedule`
 * {exponent, rate, rebateRate, takerOnly} the venue charges by. Fee-free markets carry
 * `feesEnabled: false`, `feeType: null` and no schedule.
 */
function gammaFees(m: SimMarket) {
  const base = m.info.feeRateBps ?? 0;
  if (m.fees.rateBps <= 0) return { feesEnabled: base > 0, feeType: null, makerBaseFee: 0, takerBaseFee: base };
  return {
    feesEnabled: true,
    // Recorded: "sports_fees_v2" on sports markets; the crypto name follows the pattern. [L]
    feeType: "crypto_fees_v2",
    makerBaseFee: base,
    takerBaseFee: base,
    feeSchedule: {
      exponent: m.fees.exponent,
      rate: m.fees.rateBps / 10_000,
      // Informational: the sim pays no maker rebates (crypto rebate share per public docs). [L]
      rebateRate: 0.2,
      takerOnly: true,
    },
  };
}

function gammaEvent(ctx: GammaDataContext, m: SimMarket) {
  const market = gammaMarket(ctx, m);
  return {
    id: m.eventId,
    ticker: m.eventSlug,
    slug: m.eventSlug,
    title: m.eventTitle,
    description: m.description,
    startDate: market.startDate,
    endDate: market.endDate,
    active: market.active,
    closed: market.closed,
    archived: false,
    negRisk: false,
    enableNegRisk: false,
    negRiskAugmented: false,
    markets: [market],
  };
}

/** Applies Gamma's common list filters (`id`, `slug`, `condition_ids`, `clob_token_ids`, `active`, `closed`) and offset paging. */
function filterMarkets(ctx: GammaDataContext, q: URLSearchParams): SimMarket[] | string {
  let ms = [...ctx.allMarkets()];
  const ids = q.getAll("id");
  if (ids.length > 0) ms = ms.filter((m) => ids.includes(m.gammaId));
  const slugs = q.getAll("slug");
  if (slugs.length > 0) ms = ms.filter((m) => slugs.includes(m.info.slug));
  const cids = q.getAll("condition_ids").flatMap((s) => s.split(","));
  if (cids.length > 100) return "too many condition_ids";
  if (cids.length > 0) ms = ms.filter((m) => cids.includes(m.info.conditionId));
  const toks = q.getAll("clob_token_ids").flatMap((s) => s.split(","));
  if (toks.length > 0) ms = ms.filter((m) => toks.includes(m.info.yes.tokenId) || toks.includes(m.info.no.tokenId));
  for (const k of ["active", "closed"] as const) {
    const v = q.get(k);
    if (v === "true" || v === "false") {
      ms = ms.filter((m) => {
        const view = ctx.engine.market(m.info.conditionId);
        const closed = view !== undefined && view.status !== "active";
        return (k === "closed" ? closed : !closed) === (v === "true");
      });
    }
  }
  return ms;
}

function paging(q: URLSearchParams, max: number): { limit: number; offset: number } | string {
  const limit = q.get("limit") === null ? max : Number(q.get("limit"));
  const offset = q.get("offset") === null ? 0 : Number(q.get("offset"));
  if (!Number.isInteger(limit) || limit < 0 || !Number.isInteger(offset) || offset < 0 || offset > 10_000) return "invalid limit/offset";
  return { limit: Math.min(limit, max), offset };
}

const keysetCursor = (offset: number): string => Buffer.from(String(offset)).toString("base64");

/** Keyset paging (`/markets/keyset` ≤ 100, `/events/keyset` ≤ 500): `next_cursor` absent on the last page, `offset` rejected. */
function keyset<T>(q: URLSearchParams, items: readonly T[], max: number): { page: T[]; next?: string } | string {
  if (q.has("offset")) return "offset is not supported by keyset pagination";
  const limit = q.get("limit") === null ? max : Number(q.get("limit"));
  if (!Number.isInteger(limit) || limit < 1) return "invalid limit";
  const raw = q.get("next_cursor") ?? q.get("after_cursor");
  const start = raw === null || raw === "" ? 0 : Number(Buffer.from(raw, "base64").toString("utf8"));
  if (!Number.isInteger(start) || start < 0) return "invalid cursor";
  const size = Math.min(limit, max);
  const page = items.slice(start, start + size);
  return start + size < items.length ? { page, next: keysetCursor(start + size) } : { page };
}

export function gammaRoutes(ctx: GammaDataContext): Route[] {
  return [
    {
      method: "GET",
      pattern: "/markets/keyset",
      auth: "none",
      handle: (c) => {
        const ms = filterMarkets(ctx, c.query);
        if (typeof ms === "string") return fail(400, ms);
        const k = keyset(c.query, ms, 100);
        if (typeof k === "string") return fail(400, k);
        return ok({ markets: k.page.map((m) => gammaMarket(ctx, m)), ...(k.next !== undefined ? { next_cursor: k.next } : {}) });
      },
    },
    {
      method: "GET",
      pattern: "/events/keyset",
      auth: "none",
      handle: (c) => {
        const ms = filterMarkets(ctx, c.query);
        if (typeof ms === "string") return fail(400, ms);
        const k = keyset(c.query, ms, 500);
        if (typeof k === "string") return fail(400, k);
        return ok({ events: k.page.map((m) => gammaEvent(ctx, m)), ...(k.next !== undefined ? { next_cursor: k.next } : {}) });
      },
    },
    {
      method: "GET",
      pattern: "/markets",
      auth: "none",
      handle: (c) => {
        const ms = filterMarkets(ctx, c.query);
        const p = paging(c.query, 500);
        if (typeof ms === "string") return fail(400, ms);
        if (typeof p === "string") return fail(400, p);
        return ok(ms.slice(p.offset, p.offset + p.limit).map((m) => gammaMarket(ctx, m)));
      },
    },
    {
      method: "GET",
      pattern: "/markets/:id",
      auth: "none",
      handle: (c) => {
        const m = ctx.allMarkets().find((x) => x.gammaId === c.params[0] || x.info.slug === c.params[0]);
        return m === undefined ? fail(404, "not found") : ok(gammaMarket(ctx, m));
      },
    },
    {
      method: "GET",
      pattern: "/events",
      auth: "none",
      handle: (c) => {
        const ms = filterMarkets(ctx, c.query);
        const p = paging(c.query, 500);
        if (typeof ms === "string") return fail(400, ms);
        if (typeof p === "string") return fail(400, p);
        return ok(ms.slice(p.offset, p.offset + p.limit).map((m) => gammaEvent(ctx, m)));
      },
    },
    {
      method: "GET",
      pattern: "/events/:id",
      auth: "none",
      handle: (c) => {
        const m = ctx.allMarkets().find((x) => x.eventId === c.params[0] || x.eventSlug === c.params[0]);
        return m === undefined ? fail(404, "not found") : ok(gammaEvent(ctx, m));
      },
    },
  ];
}

export function dataRoutes(ctx: GammaDataContext): Route[] {
  return [
    {
      method: "GET",
      pattern: "/trades",
      auth: "none",
      handle: (c) => {
        const q = c.query;
        const limit = q.get("limit") === null ? 100 : Number(q.get("limit"));
        const offset = q.get("offset") === null ? 0 : Number(q.get("offset"));
        if (!Number.isInteger(limit) || limit < 0 || limit > 10_000 || !Number.isInteger(offset) || offset < 0 || offset > 10_000) {
          return fail(400, "invalid limit/offset");
        }
        const user = q.get("user")?.toLowerCase();
        const marketFilter = (q.get("market") ?? "").split(",").filter((s) => s.length > 0);
        const side = q.get("side");
        const takerOnly = q.get("takerOnly") !== "false";
        const cutoff = ctx.now() - ctx.dataLagMs();
        const rows: Record<string, unknown>[] = [];
        for (const m of ctx.allMarkets()) {
          if (marketFilter.length > 0 && !marketFilter.includes(m.info.conditionId)) continue;
          for (const t of ctx.engine.marketTrades(m.info.conditionId)) {
            if (t.matchTime > cutoff || t.status === "FAILED") continue;
            const legs = takerOnly ? [t.taker] : [t.taker, ...t.makers];
            for (const leg of legs) {
              const wallet = ctx.credentials.addressOf(leg.owner);
              if (user !== undefined && wallet.toLowerCase() !== user) continue;
              if ((side === "BUY" || side === "SELL") && leg.side !== side) continue;
              rows.push({
                proxyWallet: wallet,
                side: leg.side,
                asset: leg.tokenId,
                conditionId: t.conditionId,
                size: leg.size / 1_000_000,
                price: leg.price / 10_000,
                timestamp: Math.floor(t.matchTime / 1000),
                title: m.info.question,
                slug: m.info.slug,
                icon: "",
                eventSlug: m.eventSlug,
                outcome: leg.outcomeLabel,
                outcomeIndex: leg.outcome === "YES" ? 0 : 1,
                name: "",
                pseudonym: "",
                bio: "",
                profileImage: "",
                profileImageOptimized: "",
                transactionHash: t.transactionHash,
              });
            }
          }
        }
        rows.sort((a, b) => (b.timestamp as number) - (a.timestamp as number));
        return ok(rows.slice(offset, offset + limit));
      },
    },
  ];
}
