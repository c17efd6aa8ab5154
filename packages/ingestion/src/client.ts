/**
 * `PolymarketClient`: public REST market data from the CLOB, Gamma and the Data API.
 *
 * - One undici `Agent` with keep-alive pools per origin; `close()` releases the sockets.
 * - Retries 5xx / 425 / 429 (honouring Retry-After) / network errors / timeouts with exponential
 *   backoff and jitter; never retries another 4xx. Failures are `PolymarketApiError`s carrying the
 *   status and the venue's message.
 * - Every method takes `{ signal }`; aborting cancels the in-flight request and any backoff wait and
 *   rejects with the signal's reason (never swallowed, never wrapped).
 * - Payloads are validated with @mm/protocol's wire schemas element by element: a malformed element
 *   is returned in `rejected` with a reason, the rest of the page is kept.
 */
import {
  END_CURSOR,
  CLOB_PATHS,
  DATA_API_PATHS,
  GAMMA_PATHS,
  HOSTS,
  toEpochMs,
  START_CURSOR,
  WireClobBookSchema,
  WireClobMarketSchema,
  WireDataTradeSchema,
  WireGammaEventSchema,
  WireGammaMarketSchema,
  WirePricesHistorySchema,
  type WireClobMarket,
  type WireGammaEvent,
} from "@mm/protocol";
import { type Clock, type ConditionId, type Result, type Side, systemClock, type TokenId } from "@mm/types";
import type { z } from "zod";
import { PolymarketApiError } from "./errors.js";
import { JsonTransport, type QueryValue, type RetryInfo, type TransportStats } from "./internal/transport.js";
import type { GammaEvent, GammaMarket, OrderBookSnapshot, PricePoint, PublicTrade, RejectedItem } from "./model.js";
import { normalizeBook, normalizeDataTrade, normalizeGammaMarket, priceFromJsonNumber } from "./normalize.js";
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from "./retry.js";

export interface PolymarketClientOptions {
  readonly clobUrl?: string;
  readonly gammaUrl?: string;
  readonly dataApiUrl?: string;
  readonly clock?: Clock;
  readonly retry?: Partial<RetryPolicy>;
  /** Per-attempt timeout. Default 10 s. */
  readonly timeoutMs?: number;
  /** Bound of one response body. Default 32 MiB. */
  readonly maxResponseBytes?: number;
  /** Keep-alive connections per origin. Default 16. */
  readonly connectionsPerOrigin?: number;
  readonly keepAliveTimeoutMs?: number;
  readonly userAgent?: string;
  /** Observability hook, called before each backoff wait. */
  readonly onRetry?: (info: RetryInfo) => void;
}

export interface CallOptions {
  readonly signal?: AbortSignal;
}

export interface ListResult<T> {
  readonly items: T[];
  readonly rejected: RejectedItem[];
}

export interface ClobMarketsPage extends ListResult<WireClobMarket> {
  readonly nextCursor: string;
}

export interface GammaMarketsQuery {
  readonly active?: boolean;
  readonly closed?: boolean;
  readonly archived?: boolean;
  readonly conditionIds?: readonly ConditionId[];
  readonly tokenIds?: readonly TokenId[];
  readonly slug?: string;
  readonly tagId?: number;
  readonly order?: string;
  readonly ascending?: boolean;
}

export interface GammaEventsQuery {
  readonly active?: boolean;
  readonly closed?: boolean;
  readonly archived?: boolean;
  readonly slug?: string;
  readonly tagId?: number;
  readonly order?: string;
  readonly ascending?: boolean;
}

export interface PageWalkOptions extends CallOptions {
  /** Items per request. Default 100 (Gamma), the venue's default for the CLOB. */
  readonly pageSize?: number;
  /** Loop guard: a walk that would need more pages than this FAILS with `pagination`. Default 10,000. */
  readonly maxPages?: number;
  /** Page budget: the walk ENDS quietly after this many pages (bounded discovery). Default: no budget. */
  readonly stopAfterPages?: number;
}

export interface DataTradesQuery {
  /** Condition ids (sent comma-separated). */
  readonly markets?: readonly ConditionId[];
  readonly user?: string;
  readonly side?: Side;
  /** The Data API's default is true (taker rows only). */
  readonly takerOnly?: boolean;
  /** Default 100, max 10,000. */
  readonly limit?: number;
  readonly offset?: number;
}

export interface PriceHistoryQuery {
  readonly tokenId: TokenId;
  /** "1h" | "6h" | "1d" | "1w" | "1m" | "max"; exclusive with startTs/endTs. */
  readonly interval?: string;
  /** Unix seconds. */
  readonly startTs?: number;
  readonly endTs?: number;
  /** Resolution in minutes. */
  readonly fidelity?: number;
}

/** `/books` accepts at most this many tokens per request. */
export const MAX_BOOKS_PER_REQUEST = 500;

const trimSlash = (u: string): string => u.replace(/\/+$/, "");

function describeIssues(e: z.ZodError): string {
  return e.issues
    .slice(0, 3)
    .map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`)
    .join("; ");
}

function idOf(v: unknown, key: string): string | undefined {
  if (typeof v === "object" && v !== null) {
    const id = (v as Record<string, unknown>)[key];
    if (typeof id === "string" || typeof id === "number") return String(id);
  }
  return undefined;
}

/** Validates each element with `schema` and normalizes it; keeps the good ones, reports the rest. */
function eachElement<W, T>(
  list: readonly unknown[],
  schema: z.ZodType<W>,
  normalize: (w: W) => Result<T, string>,
  idKey: string,
): ListResult<T> {
  const items: T[] = [];
  const rejected: RejectedItem[] = [];
  list.forEach((raw, index) => {
    const parsed = schema.safeParse(raw);
    if (!parsed.success) {
      rejected.push({ index, id: idOf(raw, idKey), reason: describeIssues(parsed.error) });
      return;
    }
    const n = normalize(parsed.data);
    if (n.ok) items.push(n.value);
    else rejected.push({ index, id: idOf(raw, idKey), reason: n.error });
  });
  return { items, rejected };
}

const identity = <T>(w: T): Result<T, string> => ({ ok: true, value: w });

function normalizeGammaEvent(e: WireGammaEvent): Result<GammaEvent, string> {
  const markets = eachElement(e.markets ?? [], WireGammaMarketSchema, normalizeGammaMarket, "id");
  return {
    ok: true,
    value: {
      id: e.id,
      slug: e.slug ?? "",
      title: e.title ?? "",
      active: e.active ?? false,
      closed: e.closed ?? false,
      negRisk: e.negRisk ?? false,
      markets: markets.items,
      rejectedMarkets: markets.rejected,
    },
  };
}

export class PolymarketClient {
  readonly clobUrl: string;
  readonly gammaUrl: string;
  readonly dataApiUrl: string;
  private readonly transport: JsonTransport;

  constructor(options: PolymarketClientOptions = {}) {
    this.clobUrl = trimSlash(options.clobUrl ?? HOSTS.clob);
    this.gammaUrl = trimSlash(options.gammaUrl ?? HOSTS.gamma);
    this.dataApiUrl = trimSlash(options.dataApiUrl ?? HOSTS.dataApi);
    const retry = { ...DEFAULT_RETRY_POLICY, ...options.retry };
    if (!(retry.maxAttempts >= 1 && retry.baseDelayMs >= 0 && retry.maxDelayMs >= 0)) throw new RangeError("invalid retry policy");
    this.transport = new JsonTransport({
      clock: options.clock ?? systemClock,
      retry,
      timeoutMs: options.timeoutMs ?? 10_000,
      maxResponseBytes: options.maxResponseBytes ?? 32 * 1024 * 1024,
      connectionsPerOrigin: options.connectionsPerOrigin ?? 16,
      keepAliveTimeoutMs: options.keepAliveTimeoutMs ?? 30_000,
      userAgent: options.userAgent ?? "@mm/ingestion",
      onRetry: options.onRetry,
    });
  }

  get stats(): TransportStats {
    return this.transport.stats;
  }

  /** Releases the keep-alive sockets. */
  close(): Promise<void> {
    return this.transport.close();
  }

  private get(origin: string, path: string, query: Record<string, QueryValue> | undefined, o: CallOptions): Promise<unknown> {
    return this.transport.request({ origin, method: "GET", path, ...(query === undefined ? {} : { query }), signal: o.signal });
  }

  private invalid(method: string, origin: string, path: string, detail: string): PolymarketApiError {
    return new PolymarketApiError({ reason: "invalid_response", method, url: `${origin}${path}`, attempts: 1, retryable: false, detail });
  }

  private expectArray(body: unknown, method: string, origin: string, path: string): unknown[] {
    if (!Array.isArray(body)) throw this.invalid(method, origin, path, "expected a JSON array");
    return body;
  }

  // ---- CLOB ------------------------------------------------------------------------------------

  /** One page of `GET /markets` (cursor `MA==` or empty for the first page). */
  async getClobMarketsPage(cursor: string = START_CURSOR, o: CallOptions = {}): Promise<ClobMarketsPage> {
    const body = await this.get(this.clobUrl, CLOB_PATHS.markets, { next_cursor: cursor }, o);
    if (typeof body !== "object" || body === null || !Array.isArray((body as { data?: unknown }).data)) {
      throw this.invalid("GET", this.clobUrl, CLOB_PATHS.markets, "expected { data: [...], next_cursor }");
    }
    const { data, next_cursor } = body as { data: unknown[]; next_cursor?: unknown };
    if (typeof next_cursor !== "string") throw this.invalid("GET", this.clobUrl, CLOB_PATHS.markets, "next_cursor missing");
    return { ...eachElement(data, WireClobMarketSchema, identity, "condition_id"), nextCursor: next_cursor };
  }

  /**
   * Walks every `GET /markets` page from the first to `next_cursor == "LTE="`, yielding each page once.
   * A cursor seen twice fails with `pagination` (GOTCHAS 18) instead of looping.
   */
  async *clobMarketPages(o: PageWalkOptions = {}): AsyncGenerator<ClobMarketsPage> {
    const seen = new Set<string>();
    let cursor = START_CURSOR;
    const maxPages = o.maxPages ?? 10_000;
    for (let pages = 0; ; pages++) {
      if (o.stopAfterPages !== undefined && pages >= o.stopAfterPages) return;
      if (pages >= maxPages) throw this.paginationError(CLOB_PATHS.markets, `more than ${maxPages} pages`);
      seen.add(cursor);
      const page = await this.getClobMarketsPage(cursor, o);
      yield page;
      if (page.nextCursor === END_CURSOR || page.nextCursor === "") return;
      if (seen.has(page.nextCursor)) throw this.paginationError(CLOB_PATHS.markets, `cursor "${page.nextCursor}" repeated`);
      cursor = page.nextCursor;
    }
  }

  /** `GET /markets/{condition_id}`. */
  async getClobMarket(conditionId: ConditionId, o: CallOptions = {}): Promise<WireClobMarket> {
    const path = CLOB_PATHS.market(conditionId);
    const body = await this.get(this.clobUrl, path, undefined, o);
    const parsed = WireClobMarketSchema.safeParse(body);
    if (!parsed.success) throw this.invalid("GET", this.clobUrl, path, describeIssues(parsed.error));
    return parsed.data;
  }

  /** `GET /book?token_id=` → best-first snapshot. */
  async getBook(tokenId: TokenId, o: CallOptions = {}): Promise<OrderBookSnapshot> {
    const body = await this.get(this.clobUrl, CLOB_PATHS.book, { token_id: tokenId }, o);
    const parsed = WireClobBookSchema.safeParse(body);
    if (!parsed.success) throw this.invalid("GET", this.clobUrl, CLOB_PATHS.book, describeIssues(parsed.error));
    const book = normalizeBook(parsed.data);
    if (!book.ok) throw this.invalid("GET", this.clobUrl, CLOB_PATHS.book, book.error);
    return book.value;
  }

  /**
   * `POST /books` for any number of tokens, split into requests of at most 500 (`batchSize`), sent
   * sequentially (the venue rate-limits `/books` separately). Books are returned in response order.
   */
  async getBooks(
    tokenIds: readonly TokenId[],
    o: CallOptions & { readonly batchSize?: number } = {},
  ): Promise<ListResult<OrderBookSnapshot>> {
    const batchSize = o.batchSize ?? MAX_BOOKS_PER_REQUEST;
    if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > MAX_BOOKS_PER_REQUEST) {
      throw new RangeError(`batchSize must be an integer in [1, ${MAX_BOOKS_PER_REQUEST}]`);
    }
    const items: OrderBookSnapshot[] = [];
    const rejected: RejectedItem[] = [];
    for (let start = 0; start < tokenIds.length; start += batchSize) {
      const batch = tokenIds.slice(start, start + batchSize);
      const body = await this.transport.request({
        origin: this.clobUrl,
        method: "POST",
        path: CLOB_PATHS.books,
        body: batch.map((token_id) => ({ token_id })),
        signal: o.signal,
      });
      const r = eachElement(this.expectArray(body, "POST", this.clobUrl, CLOB_PATHS.books), WireClobBookSchema, normalizeBook, "asset_id");
      items.push(...r.items);
      rejected.push(...r.rejected.map((x) => ({ ...x, index: x.index + start })));
    }
    return { items, rejected };
  }

  /** `GET /prices-history` for one token. */
  async getPriceHistory(q: PriceHistoryQuery, o: CallOptions = {}): Promise<ListResult<PricePoint>> {
    const body = await this.get(
      this.clobUrl,
      CLOB_PATHS.pricesHistory,
      { market: q.tokenId, interval: q.interval, startTs: q.startTs, endTs: q.endTs, fidelity: q.fidelity },
      o,
    );
    const parsed = WirePricesHistorySchema.safeParse(body);
    if (!parsed.success) throw this.invalid("GET", this.clobUrl, CLOB_PATHS.pricesHistory, describeIssues(parsed.error));
    const items: PricePoint[] = [];
    const rejected: RejectedItem[] = [];
    parsed.data.history.forEach((pt, index) => {
      const timestamp = toEpochMs(pt.t);
      const price = priceFromJsonNumber(pt.p);
      if (timestamp === undefined || price === undefined)
        rejected.push({ index, id: undefined, reason: `invalid point t=${pt.t} p=${pt.p}` });
      else items.push({ timestamp, price });
    });
    return { items, rejected };
  }

  // ---- Gamma -----------------------------------------------------------------------------------

  private gammaQuery(q: GammaMarketsQuery & GammaEventsQuery, limit: number, offset: number): Record<string, QueryValue> {
    return {
      limit,
      offset,
      active: q.active,
      closed: q.closed,
      archived: q.archived,
      slug: q.slug,
      tag_id: q.tagId,
      order: q.order,
      ascending: q.ascending,
      condition_ids: q.conditionIds,
      clob_token_ids: q.tokenIds,
    };
  }

  /** One page of Gamma `GET /markets` (offset pagination). */
  async getGammaMarketsPage(q: GammaMarketsQuery = {}, limit = 100, offset = 0, o: CallOptions = {}): Promise<ListResult<GammaMarket>> {
    const body = await this.get(this.gammaUrl, GAMMA_PATHS.markets, this.gammaQuery(q, limit, offset), o);
    return eachElement(
      this.expectArray(body, "GET", this.gammaUrl, GAMMA_PATHS.markets),
      WireGammaMarketSchema,
      normalizeGammaMarket,
      "id",
    );
  }

  /** One page of Gamma `GET /events`; each event's markets are decoded (bad ones listed per event). */
  async getGammaEventsPage(q: GammaEventsQuery = {}, limit = 100, offset = 0, o: CallOptions = {}): Promise<ListResult<GammaEvent>> {
    const body = await this.get(this.gammaUrl, GAMMA_PATHS.events, this.gammaQuery(q, limit, offset), o);
    const list = this.expectArray(body, "GET", this.gammaUrl, GAMMA_PATHS.events);
    return eachElement(list, WireGammaEventSchema, normalizeGammaEvent, "id");
  }

  /** Walks Gamma `/markets` pages (offset) until a short page; every item once (deduplicated by id). */
  gammaMarketPages(q: GammaMarketsQuery = {}, o: PageWalkOptions = {}): AsyncGenerator<ListResult<GammaMarket>> {
    return this.offsetWalk(
      GAMMA_PATHS.markets,
      (limit, offset) => this.getGammaMarketsPage(q, limit, offset, o),
      (m) => m.id,
      o,
    );
  }

  /** Walks Gamma `/events` pages (offset) until a short page; every item once (deduplicated by id). */
  gammaEventPages(q: GammaEventsQuery = {}, o: PageWalkOptions = {}): AsyncGenerator<ListResult<GammaEvent>> {
    return this.offsetWalk(
      GAMMA_PATHS.events,
      (limit, offset) => this.getGammaEventsPage(q, limit, offset, o),
      (e) => e.id,
      o,
    );
  }

  private async *offsetWalk<T>(
    path: string,
    fetchPage: (limit: number, offset: number) => Promise<ListResult<T>>,
    id: (t: T) => string,
    o: PageWalkOptions,
  ): AsyncGenerator<ListResult<T>> {
    const limit = o.pageSize ?? 100;
    const maxPages = o.maxPages ?? 10_000;
    const seen = new Set<string>();
    for (let page = 0, offset = 0; ; page++) {
      if (o.stopAfterPages !== undefined && page >= o.stopAfterPages) return;
      if (page >= maxPages) throw this.paginationError(path, `more than ${maxPages} pages`);
      const r = await fetchPage(limit, offset);
      const received = r.items.length + r.rejected.length;
      const fresh = r.items.filter((t) => !seen.has(id(t)));
      if (received > 0 && fresh.length === 0 && r.items.length > 0) {
        // The server ignored the offset and served a page we already have (GOTCHAS 18).
        throw this.paginationError(path, `offset ${offset} returned only already-seen items`);
      }
      for (const t of fresh) seen.add(id(t));
      yield { items: fresh, rejected: r.rejected };
      if (received < limit) return;
      offset += received;
    }
  }

  /**
   * One page of Gamma's keyset `GET /markets/keyset` (the replacement of the offset list; ≤ 100 per
   * page). The cursor goes back as `after_cursor`; `nextCursor` is undefined on the last page.
   */
  async getGammaMarketsKeysetPage(
    q: GammaMarketsQuery = {},
    limit = 100,
    afterCursor?: string,
    o: CallOptions = {},
  ): Promise<ListResult<GammaMarket> & { readonly nextCursor: string | undefined }> {
    return this.keysetPage(GAMMA_PATHS.marketsKeyset, "markets", q, limit, afterCursor, o, WireGammaMarketSchema, normalizeGammaMarket);
  }

  /** One page of Gamma's keyset `GET /events/keyset` (≤ 500 per page). */
  async getGammaEventsKeysetPage(
    q: GammaEventsQuery = {},
    limit = 100,
    afterCursor?: string,
    o: CallOptions = {},
  ): Promise<ListResult<GammaEvent> & { readonly nextCursor: string | undefined }> {
    return this.keysetPage(GAMMA_PATHS.eventsKeyset, "events", q, limit, afterCursor, o, WireGammaEventSchema, normalizeGammaEvent);
  }

  /** Walks `/markets/keyset` to the last page; a repeated cursor or a page of only seen items fails with `pagination`. */
  gammaMarketKeysetPages(q: GammaMarketsQuery = {}, o: PageWalkOptions = {}): AsyncGenerator<ListResult<GammaMarket>> {
    return this.keysetWalk(
      GAMMA_PATHS.marketsKeyset,
      (limit, cursor) => this.getGammaMarketsKeysetPage(q, limit, cursor, o),
      (m) => m.id,
      o,
    );
  }

  /** Walks `/events/keyset` to the last page, like `gammaMarketKeysetPages`. */
  gammaEventKeysetPages(q: GammaEventsQuery = {}, o: PageWalkOptions = {}): AsyncGenerator<ListResult<GammaEvent>> {
    return this.keysetWalk(
      GAMMA_PATHS.eventsKeyset,
      (limit, cursor) => this.getGammaEventsKeysetPage(q, limit, cursor, o),
      (e) => e.id,
      o,
    );
  }

  private async keysetPage<W, T>(
    path: string,
    key: "markets" | "events",
    q: GammaMarketsQuery & GammaEventsQuery,
    limit: number,
    afterCursor: string | undefined,
    o: CallOptions,
    schema: z.ZodType<W>,
    normalize: (w: W) => Result<T, string>,
  ): Promise<ListResult<T> & { readonly nextCursor: string | undefined }> {
    const { offset: _offset, ...query } = this.gammaQuery(q, limit, 0);
    const body = await this.get(this.gammaUrl, path, { ...query, after_cursor: afterCursor }, o);
    const list = typeof body === "object" && body !== null ? (body as Record<string, unknown>)[key] : undefined;
    if (!Array.isArray(list)) throw this.invalid("GET", this.gammaUrl, path, `expected { ${key}: [...], next_cursor? }`);
    const next = (body as { next_cursor?: unknown }).next_cursor;
    if (next !== undefined && next !== null && typeof next !== "string")
      throw this.invalid("GET", this.gammaUrl, path, "next_cursor is not a string");
    return { ...eachElement(list, schema, normalize, "id"), nextCursor: typeof next === "string" && next.length > 0 ? next : undefined };
  }

  private async *keysetWalk<T>(
    path: string,
    fetchPage: (limit: number, cursor: string | undefined) => Promise<ListResult<T> & { readonly nextCursor: string | undefined }>,
    id: (t: T) => string,
    o: PageWalkOptions,
  ): AsyncGenerator<ListResult<T>> {
    const limit = o.pageSize ?? 100;
    const maxPages = o.maxPages ?? 10_000;
    const seenIds = new Set<string>();
    const seenCursors = new Set<string>();
    let cursor: string | undefined;
    for (let page = 0; ; page++) {
      if (o.stopAfterPages !== undefined && page >= o.stopAfterPages) return;
      if (page >= maxPages) throw this.paginationError(path, `more than ${maxPages} pages`);
      const r = await fetchPage(limit, cursor);
      const fresh = r.items.filter((t) => !seenIds.has(id(t)));
      if (page > 0 && r.items.length > 0 && fresh.length === 0) {
        // GOTCHAS 18: the cursor was ignored and the same page came back.
        throw this.paginationError(path, `after_cursor "${cursor}" returned only already-seen items`);
      }
      for (const t of fresh) seenIds.add(id(t));
      yield { items: fresh, rejected: r.rejected };
      if (r.nextCursor === undefined) return;
      if (seenCursors.has(r.nextCursor)) throw this.paginationError(path, `cursor "${r.nextCursor}" repeated`);
      seenCursors.add(r.nextCursor);
      cursor = r.nextCursor;
    }
  }

  private paginationError(path: string, detail: string): PolymarketApiError {
    return new PolymarketApiError({ reason: "pagination", method: "GET", url: path, attempts: 1, retryable: false, detail });
  }

  // ---- Data API --------------------------------------------------------------------------------

  /** Data-API `GET /trades` (public prints; timestamps normalized to ms). Newest first as served. */
  async getTrades(q: DataTradesQuery = {}, o: CallOptions = {}): Promise<ListResult<PublicTrade>> {
    const body = await this.get(
      this.dataApiUrl,
      DATA_API_PATHS.trades,
      {
        market: q.markets === undefined || q.markets.length === 0 ? undefined : q.markets.join(","),
        user: q.user,
        side: q.side,
        takerOnly: q.takerOnly,
        limit: q.limit,
        offset: q.offset,
      },
      o,
    );
    return eachElement(
      this.expectArray(body, "GET", this.dataApiUrl, DATA_API_PATHS.trades),
      WireDataTradeSchema,
      normalizeDataTrade,
      "transactionHash",
    );
  }
}
