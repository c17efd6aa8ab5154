import type { ConditionId, TickSize, TokenId } from "@mm/types";
import type { Database } from "./database.js";
import type { MarketField, MarketRecord, MarketUpsertResult } from "./records.js";
import type { MarketRepository } from "./repositories.js";
import {
  checkBoolean,
  checkConditionId,
  checkOptionalSafeInt,
  checkSafeInt,
  checkString,
  checkTick,
  checkTokenId,
  invalid,
} from "./internal/validate.js";

interface MarketRow {
  condition_id: string;
  question: string;
  slug: string;
  tick_size: number;
  min_order_size: number;
  neg_risk: number;
  start_time: number | null;
  end_time: number | null;
  active: number;
  closed: number;
  fee_rate_bps: number | null;
  winner_token_id: string | null;
  updated_at: number;
  yes_token: string;
  yes_label: string;
  no_token: string;
  no_label: string;
}

const SELECT = `
SELECT m.*, y.token_id AS yes_token, y.label AS yes_label, n.token_id AS no_token, n.label AS no_label
FROM markets m
JOIN tokens y ON y.condition_id = m.condition_id AND y.outcome = 'YES'
JOIN tokens n ON n.condition_id = m.condition_id AND n.outcome = 'NO'`;

function fromRow(r: MarketRow): MarketRecord {
  return {
    conditionId: r.condition_id as ConditionId,
    question: r.question,
    slug: r.slug,
    yes: { tokenId: r.yes_token as TokenId, label: r.yes_label },
    no: { tokenId: r.no_token as TokenId, label: r.no_label },
    tickSize: r.tick_size as TickSize,
    minOrderSize: r.min_order_size as MarketRecord["minOrderSize"],
    negRisk: r.neg_risk === 1,
    ...(r.end_time === null ? {} : { endTime: r.end_time }),
    ...(r.start_time === null ? {} : { startTime: r.start_time }),
    active: r.active === 1,
    closed: r.closed === 1,
    ...(r.fee_rate_bps === null ? {} : { feeRateBps: r.fee_rate_bps }),
    ...(r.winner_token_id === null ? {} : { winnerTokenId: r.winner_token_id as TokenId }),
    updatedAt: r.updated_at,
  };
}

export function validateMarket(m: MarketRecord): void {
  const what = `market ${String(m?.conditionId)}`;
  checkConditionId(m.conditionId, what);
  checkString(m.question, `${what} question`, 10_000, true);
  checkString(m.slug, `${what} slug`, 1_000, true);
  checkTokenId(m.yes?.tokenId, `${what} yes token`);
  checkTokenId(m.no?.tokenId, `${what} no token`);
  if (m.yes.tokenId === m.no.tokenId) throw invalid(`${what}: YES and NO tokens are the same`);
  checkString(m.yes.label, `${what} yes label`, 1_000, true);
  checkString(m.no.label, `${what} no label`, 1_000, true);
  checkTick(m.tickSize, `${what} tick size`);
  checkSafeInt(m.minOrderSize, `${what} min order size`);
  checkBoolean(m.negRisk, `${what} negRisk`);
  checkBoolean(m.active, `${what} active`);
  checkBoolean(m.closed, `${what} closed`);
  checkOptionalSafeInt(m.endTime, `${what} endTime`);
  checkOptionalSafeInt(m.startTime, `${what} startTime`);
  checkOptionalSafeInt(m.feeRateBps, `${what} feeRateBps`);
  if (m.winnerTokenId !== undefined && m.winnerTokenId !== m.yes.tokenId && m.winnerTokenId !== m.no.tokenId) {
    throw invalid(`${what}: winner token is neither of the market's tokens`);
  }
  checkSafeInt(m.updatedAt, `${what} updatedAt`);
}

const FIELDS: readonly MarketField[] = [
  "question",
  "slug",
  "yes",
  "no",
  "tickSize",
  "minOrderSize",
  "negRisk",
  "endTime",
  "startTime",
  "active",
  "closed",
  "feeRateBps",
  "winnerTokenId",
];

/** Fields in which `next` differs from `prev`. */
export function diffMarkets(prev: MarketRecord, next: MarketRecord): MarketField[] {
  const changed: MarketField[] = [];
  for (const f of FIELDS) {
    const a = prev[f];
    const b = next[f];
    if (f === "yes" || f === "no") {
      const x = prev[f];
      const y = next[f];
      if (x.tokenId !== y.tokenId || x.label !== y.label) changed.push(f);
    } else if (a !== b) {
      changed.push(f);
    }
  }
  return changed;
}

export class SqliteMarketRepository implements MarketRepository {
  private readonly byId;
  private readonly byToken;
  private readonly all;
  private readonly open;
  private readonly write;
  private readonly deleteTokens;
  private readonly insertToken;

  constructor(private readonly db: Database) {
    const c = db.connection;
    this.byId = c.prepare(`${SELECT} WHERE m.condition_id = ?`);
    this.byToken = c.prepare(`${SELECT} WHERE m.condition_id = (SELECT condition_id FROM tokens WHERE token_id = ?)`);
    this.all = c.prepare(`${SELECT} ORDER BY m.condition_id`);
    this.open = c.prepare(`${SELECT} WHERE m.closed = 0 ORDER BY m.condition_id`);
    this.write = c.prepare(`
INSERT INTO markets (condition_id, question, slug, tick_size, min_order_size, neg_risk, start_time, end_time, active, closed,
                     fee_rate_bps, winner_token_id, updated_at)
VALUES (@condition_id, @question, @slug, @tick_size, @min_order_size, @neg_risk, @start_time, @end_time, @active, @closed,
        @fee_rate_bps, @winner_token_id, @updated_at)
ON CONFLICT (condition_id) DO UPDATE SET
  question = excluded.question, slug = excluded.slug, tick_size = excluded.tick_size, min_order_size = excluded.min_order_size,
  neg_risk = excluded.neg_risk, start_time = excluded.start_time, end_time = excluded.end_time, active = excluded.active,
  closed = excluded.closed, fee_rate_bps = excluded.fee_rate_bps, winner_token_id = excluded.winner_token_id,
  updated_at = excluded.updated_at`);
    this.deleteTokens = c.prepare("DELETE FROM tokens WHERE condition_id = ?");
    this.insertToken = c.prepare("INSERT INTO tokens (token_id, condition_id, outcome, label) VALUES (?, ?, ?, ?)");
  }

  async upsert(markets: readonly MarketRecord[]): Promise<MarketUpsertResult[]> {
    for (const m of markets) validateMarket(m);
    return this.db.transaction(() => {
      const results: MarketUpsertResult[] = [];
      for (const m of markets) {
        const row = this.byId.get(m.conditionId) as MarketRow | undefined;
        const previous = row === undefined ? undefined : fromRow(row);
        const changedFields = previous === undefined ? [] : diffMarkets(previous, m);
        if (previous !== undefined && changedFields.length === 0) {
          results.push({ conditionId: m.conditionId, change: "unchanged", changedFields, previous });
          continue;
        }
        this.write.run({
          condition_id: m.conditionId,
          question: m.question,
          slug: m.slug,
          tick_size: m.tickSize,
          min_order_size: m.minOrderSize,
          neg_risk: m.negRisk ? 1 : 0,
          start_time: m.startTime ?? null,
          end_time: m.endTime ?? null,
          active: m.active ? 1 : 0,
          closed: m.closed ? 1 : 0,
          fee_rate_bps: m.feeRateBps ?? null,
          winner_token_id: m.winnerTokenId ?? null,
          updated_at: m.updatedAt,
        });
        if (previous === undefined || changedFields.includes("yes") || changedFields.includes("no")) {
          this.deleteTokens.run(m.conditionId);
          this.insertToken.run(m.yes.tokenId, m.conditionId, "YES", m.yes.label);
          this.insertToken.run(m.no.tokenId, m.conditionId, "NO", m.no.label);
        }
        results.push(
          previous === undefined
            ? { conditionId: m.conditionId, change: "inserted", changedFields }
            : { conditionId: m.conditionId, change: "updated", changedFields, previous },
        );
      }
      return results;
    }, "market upsert failed");
  }

  async get(conditionId: ConditionId): Promise<MarketRecord | undefined> {
    const row = this.db.run(() => this.byId.get(conditionId) as MarketRow | undefined, "market read failed");
    return row === undefined ? undefined : fromRow(row);
  }

  async getByToken(tokenId: TokenId): Promise<MarketRecord | undefined> {
    const row = this.db.run(() => this.byToken.get(tokenId) as MarketRow | undefined, "market read failed");
    return row === undefined ? undefined : fromRow(row);
  }

  async list(filter: { readonly openOnly?: boolean } = {}): Promise<MarketRecord[]> {
    const stmt = filter.openOnly ? this.open : this.all;
    return this.db.run(() => stmt.all() as MarketRow[], "market list failed").map(fromRow);
  }
}
