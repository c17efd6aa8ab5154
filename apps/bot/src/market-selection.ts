/**
 * Market selection over Gamma (discovery) and the CLOB (trading metadata): explicit slugs or
 * condition ids, or the active BTC up/down markets with the most time left to trade, soonest first.
 */
import type { GammaMarket, PolymarketClient } from "@mm/ingestion";
import { marketInfoFromClob } from "@mm/protocol";
import { type ConditionId, isTickSize, type MarketInfo, type Size, type TickSize, type TokenId } from "@mm/types";

export class MarketSelectionError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`market selection failed:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "MarketSelectionError";
  }
}

export interface SelectionOptions {
  readonly client: PolymarketClient;
  /** Slugs or condition ids; empty = automatic. */
  readonly requested: readonly string[];
  readonly maxMarkets: number;
  readonly now: number;
  /** Markets ending sooner than this are not picked automatically (ms). Default 2 min. */
  readonly minTimeLeftMs?: number;
  /** Automatic selection reads at most this many Gamma pages. Default 20. */
  readonly maxPages?: number;
  readonly signal?: AbortSignal;
}

const CONDITION_ID = /^0x[0-9a-fA-F]{64}$/;
const BTC_UP_DOWN = (m: GammaMarket): boolean => /^btc-up-?(or-)?down/i.test(m.slug) || /^bitcoin up or down/i.test(m.question);

export async function selectMarkets(o: SelectionOptions): Promise<MarketInfo[]> {
  const callOpts = o.signal !== undefined ? { signal: o.signal } : {};
  const problems: string[] = [];
  let chosen: GammaMarket[] = [];
  if (o.requested.length > 0) {
    for (const want of o.requested) {
      const q = CONDITION_ID.test(want) ? { conditionIds: [want.toLowerCase() as ConditionId] } : { slug: want };
      const page = await o.client.getGammaMarketsPage(q, 10, 0, callOpts);
      const m = page.items.find((x) => x.slug === want || x.conditionId.toLowerCase() === want.toLowerCase());
      if (m === undefined) problems.push(`${want}: no such market on Gamma`);
      else if (m.closed) problems.push(`${want}: market is closed`);
      else chosen.push(m);
    }
  } else {
    const candidates: GammaMarket[] = [];
    const minLeft = o.minTimeLeftMs ?? 120_000;
    for await (const page of o.client.gammaMarketPages(
      { active: true, closed: false, order: "endDate", ascending: true },
      { ...callOpts, pageSize: 100, maxPages: o.maxPages ?? 20 },
    )) {
      for (const m of page.items) {
        if (!BTC_UP_DOWN(m) || m.closed || !m.active || m.enableOrderBook === false || m.tokenIds.length !== 2) continue;
        if (m.endTime !== undefined && m.endTime - o.now < minLeft) continue;
        candidates.push(m);
      }
      if (candidates.length >= o.maxMarkets * 4) break;
    }
    candidates.sort((a, b) => (a.endTime ?? Number.POSITIVE_INFINITY) - (b.endTime ?? Number.POSITIVE_INFINITY));
    chosen = candidates.slice(0, o.maxMarkets);
    if (chosen.length === 0) problems.push("no active BTC up/down market found on Gamma (pass --market <slug|condition id>)");
  }
  if (problems.length > 0) throw new MarketSelectionError(problems);
  const out: MarketInfo[] = [];
  for (const g of chosen) {
    try {
      out.push(await marketInfoOf(o.client, g, callOpts));
    } catch (error) {
      problems.push(`${g.slug}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  if (problems.length > 0) throw new MarketSelectionError(problems);
  return out;
}

/** Trading metadata from the CLOB market object, with the window start from Gamma. */
export async function marketInfoOf(
  client: PolymarketClient,
  g: Pick<
    GammaMarket,
    | "conditionId"
    | "startTime"
    | "endTime"
    | "slug"
    | "tokenIds"
    | "tickSize"
    | "minOrderSize"
    | "negRisk"
    | "question"
    | "outcomes"
    | "feeSchedule"
  >,
  callOpts: { readonly signal?: AbortSignal } = {},
): Promise<MarketInfo> {
  let info: MarketInfo | undefined;
  try {
    const r = marketInfoFromClob(await client.getClobMarket(g.conditionId, callOpts));
    if (r.ok) info = r.value;
  } catch {
    // fall back to Gamma's fields below
  }
  if (info === undefined) {
    const [yes, no] = g.tokenIds;
    if (yes === undefined || no === undefined || g.tickSize === undefined || !isTickSize(g.tickSize) || g.minOrderSize === undefined)
      throw new Error("neither the CLOB nor Gamma describe the market completely");
    info = {
      conditionId: g.conditionId,
      question: g.question,
      slug: g.slug,
      yes: { tokenId: yes as TokenId, label: g.outcomes[0] ?? "Yes" },
      no: { tokenId: no as TokenId, label: g.outcomes[1] ?? "No" },
      tickSize: g.tickSize as TickSize,
      minOrderSize: g.minOrderSize as Size,
      negRisk: g.negRisk,
      active: true,
      closed: false,
    };
  }
  const startTime = windowStartFromSlug(g.slug) ?? g.startTime;
  return {
    ...info,
    slug: info.slug || g.slug,
    // The charged taker schedule is Gamma's (the CLOB's base fees are caps): the executor books taker fills net of it.
    ...(g.feeSchedule !== undefined ? { feeSchedule: g.feeSchedule } : {}),
    ...(startTime !== undefined ? { startTime } : {}),
    ...(info.endTime === undefined && g.endTime !== undefined ? { endTime: g.endTime } : {}),
  };
}

/**
 * Up/down slugs end in the window's start, unix seconds (`btc-updown-15m-1763460000`). Gamma's
 * `startDate` is the market's creation time, so the slug is the better source when it parses.
 */
export function windowStartFromSlug(slug: string): number | undefined {
  const m = /-updown-\d+[mh]-(\d{9,11})$/.exec(slug);
  if (m === null) return undefined;
  const sec = Number(m[1]);
  return Number.isSafeInteger(sec) && sec > 0 ? sec * 1000 : undefined;
}
