/**
 * SYNC: the venue's truth for the executor's RESYNC. Reads every page of `GET /data/orders` and of
 * `GET /data/trades` since the watermark, optionally balances, normalized to @mm/types by
 * @mm/protocol's REST normalizers.
 *
 * Trades are queried WITHOUT market/asset filters: the venue filters those on the taker order, so
 * our maker fills against the complementary token would be missed (GOTCHAS #32). Our legs are
 * extracted by @mm/protocol (taker leg when `trader_side` is TAKER, `maker_orders[]` legs whose
 * owner is our API key or whose maker address is ours) and filtered here by condition id.
 *
 * Venue records are untrusted: a malformed open order fails the whole SYNC (skipping it would
 * hide a live order from the executor); so does a malformed trade. A trade in which none of the
 * legs is ours is skipped.
 */
import { normalizeClobTradesPage, normalizeOpenOrdersPage, type NormalizeError, type OwnIdentity } from "@mm/protocol";
import {
  type ConditionId,
  err,
  ok,
  type RejectReason,
  type Result,
  type Size,
  type SyncAction,
  type SyncResult,
  type Usdc,
  type UserFillEvent,
  type VenueOpenOrder,
} from "@mm/types";
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

interface Page<T> {
  readonly items: T[];
  readonly rejected: readonly { readonly index: number; readonly error: NormalizeError }[];
  readonly cursor: { readonly next: string | undefined; readonly end: boolean };
}

/** Every page of a cursor-paginated CLOB list, normalized page by page. */
async function fetchAllPages<T>(
  call: Caller,
  route: "getOrders" | "getTrades",
  path: string,
  query: Readonly<Record<string, string>>,
  normalize: (body: unknown) => Result<Page<T>, NormalizeError>,
  tolerate: (e: NormalizeError) => boolean,
): Promise<Result<T[], SyncFailure>> {
  const out: T[] = [];
  const seen = new Set<string>();
  let cursor: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const q: Record<string, string> = { ...query };
    if (cursor !== undefined) q.next_cursor = cursor;
    const r = await call({ route, method: "GET", path, query: q });
    if (r.kind !== "ok") return err(failure(r, `GET ${path}`));
    const p = normalize(r.body);
    if (!p.ok) return err({ reason: "unknown", message: `GET ${path}: ${p.error.reason}: ${p.error.detail}` });
    const bad = p.value.rejected.find((x) => !tolerate(x.error));
    if (bad !== undefined) {
      return err({ reason: "unknown", message: `GET ${path}: malformed record #${bad.index}: ${bad.error.reason}: ${bad.error.detail}` });
    }
    out.push(...p.value.items);
    const { next, end } = p.value.cursor;
    if (end || next === undefined) return ok(out);
    if (seen.has(next)) return err({ reason: "unknown", message: `GET ${path}: repeated cursor ${next.slice(0, 40)}` });
    seen.add(next);
    cursor = next;
  }
  return err({ reason: "unknown", message: `GET ${path}: more than ${MAX_PAGES} pages` });
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
  const own: OwnIdentity = { apiKey: identity.apiKey, makerAddresses: identity.addresses };

  const orders = await fetchAllPages(call, "getOrders", VENUE_PATHS.openOrders, {}, normalizeOpenOrdersPage, () => false);
  if (!orders.ok) return orders;
  const openOrders: VenueOpenOrder[] = orders.value.filter((o) => keep(o.conditionId));

  const since = Number.isFinite(action.tradesSince) && action.tradesSince > 0 ? Math.floor(action.tradesSince) : 0;
  const trades = await fetchAllPages(
    call,
    "getTrades",
    VENUE_PATHS.trades,
    since > 0 ? { after: String(since) } : {},
    (body) => normalizeClobTradesPage(body, own),
    (e) => e.reason === "no_own_leg",
  );
  if (!trades.ok) return trades;
  const fills: UserFillEvent[] = [];
  const seen = new Set<string>();
  for (const f of trades.value) {
    const key = `${f.tradeId}:${f.orderId}:${f.status}`;
    // The venue's `after` may be inclusive or exclusive; the watermark is inclusive.
    if (!keep(f.conditionId) || seen.has(key) || f.matchTime < since * 1000) continue;
    seen.add(key);
    fills.push(f);
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
