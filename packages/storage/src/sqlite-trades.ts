import type { Clock, ConditionId, Price, Side, Size, TokenId } from "@mm/types";
import type { Database } from "./database.js";
import type { TradeRecord, TradeUpsertSummary, TradeWatermark } from "./records.js";
import type { TradeRepository, TradeWatermarkRepository } from "./repositories.js";
import { checkConditionId, checkSafeInt, checkString, checkTokenId, invalid } from "./internal/validate.js";

interface TradeRow {
  trade_key: string;
  condition_id: string;
  token_id: string;
  side: string;
  price: number;
  size: number;
  ts: number;
  source: string;
  tx_hash: string | null;
}

interface WatermarkRow {
  condition_id: string;
  ts: number;
  trade_key: string | null;
  updated_at: number;
}

function fromRow(r: TradeRow): TradeRecord {
  return {
    key: r.trade_key,
    conditionId: r.condition_id as ConditionId,
    tokenId: r.token_id as TokenId,
    side: r.side as Side,
    price: r.price as Price,
    size: r.size as Size,
    timestamp: r.ts,
    source: r.source,
    ...(r.tx_hash === null ? {} : { txHash: r.tx_hash }),
  };
}

function watermarkFromRow(r: WatermarkRow): TradeWatermark {
  return {
    conditionId: r.condition_id as ConditionId,
    timestamp: r.ts,
    ...(r.trade_key === null ? {} : { tradeKey: r.trade_key }),
    updatedAt: r.updated_at,
  };
}

export function validateTrade(t: TradeRecord): void {
  checkString(t.key, "trade key", 512);
  const what = `trade ${t.key}`;
  checkConditionId(t.conditionId, what);
  checkTokenId(t.tokenId, what);
  if (t.side !== "BUY" && t.side !== "SELL") throw invalid(`${what}: side must be BUY or SELL, got ${String(t.side)}`);
  checkSafeInt(t.price, `${what} price`, 0, 10_000);
  checkSafeInt(t.size, `${what} size`);
  checkSafeInt(t.timestamp, `${what} timestamp`);
  checkString(t.source, `${what} source`, 64);
  if (t.txHash !== undefined) checkString(t.txHash, `${what} txHash`, 256);
}

const sameTrade = (a: TradeRecord, b: TradeRecord): boolean =>
  a.conditionId === b.conditionId &&
  a.tokenId === b.tokenId &&
  a.side === b.side &&
  a.price === b.price &&
  a.size === b.size &&
  a.timestamp === b.timestamp &&
  a.source === b.source &&
  a.txHash === b.txHash;

/** Newer wins; at equal timestamps the larger key wins (deterministic across runs). */
const isAhead = (ts: number, key: string | undefined, than: TradeWatermark): boolean =>
  ts > than.timestamp || (ts === than.timestamp && (key ?? "") > (than.tradeKey ?? ""));

export class SqliteTradeWatermarkRepository implements TradeWatermarkRepository {
  private readonly byId;
  private readonly all;
  private readonly write;

  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
  ) {
    const c = db.connection;
    this.byId = c.prepare("SELECT * FROM trade_watermarks WHERE condition_id = ?");
    this.all = c.prepare("SELECT * FROM trade_watermarks ORDER BY condition_id");
    this.write = c.prepare(
      `INSERT INTO trade_watermarks (condition_id, ts, trade_key, updated_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (condition_id) DO UPDATE SET ts = excluded.ts, trade_key = excluded.trade_key, updated_at = excluded.updated_at`,
    );
  }

  /** Synchronous core, usable inside another repository's transaction. */
  advanceSync(conditionId: ConditionId, timestamp: number, tradeKey: string | undefined): TradeWatermark {
    const row = this.byId.get(conditionId) as WatermarkRow | undefined;
    const current = row === undefined ? undefined : watermarkFromRow(row);
    if (current !== undefined && !isAhead(timestamp, tradeKey, current)) return current;
    const updatedAt = this.clock.now();
    this.write.run(conditionId, timestamp, tradeKey ?? null, updatedAt);
    return { conditionId, timestamp, ...(tradeKey === undefined ? {} : { tradeKey }), updatedAt };
  }

  async get(conditionId: ConditionId): Promise<TradeWatermark | undefined> {
    const row = this.db.run(() => this.byId.get(conditionId) as WatermarkRow | undefined, "watermark read failed");
    return row === undefined ? undefined : watermarkFromRow(row);
  }

  async advance(conditionId: ConditionId, timestamp: number, tradeKey?: string): Promise<TradeWatermark> {
    checkConditionId(conditionId, "watermark");
    checkSafeInt(timestamp, "watermark timestamp");
    if (tradeKey !== undefined) checkString(tradeKey, "watermark trade key", 512);
    return this.db.transaction(() => this.advanceSync(conditionId, timestamp, tradeKey), "watermark advance failed");
  }

  async list(): Promise<TradeWatermark[]> {
    return this.db.run(() => this.all.all() as WatermarkRow[], "watermark list failed").map(watermarkFromRow);
  }
}

export class SqliteTradeRepository implements TradeRepository {
  private readonly byKey;
  private readonly insert;
  private readonly update;
  private readonly recentStmt;
  private readonly countAll;
  private readonly countMarket;

  constructor(
    private readonly db: Database,
    private readonly watermarks: SqliteTradeWatermarkRepository,
  ) {
    const c = db.connection;
    this.byKey = c.prepare("SELECT * FROM trades WHERE trade_key = ?");
    this.insert = c.prepare(
      `INSERT INTO trades (trade_key, condition_id, token_id, side, price, size, ts, source, tx_hash)
       VALUES (@key, @conditionId, @tokenId, @side, @price, @size, @timestamp, @source, @txHash)`,
    );
    this.update = c.prepare(
      `UPDATE trades SET condition_id = @conditionId, token_id = @tokenId, side = @side, price = @price, size = @size,
       ts = @timestamp, source = @source, tx_hash = @txHash WHERE trade_key = @key`,
    );
    this.recentStmt = c.prepare("SELECT * FROM trades WHERE condition_id = ? AND ts >= ? ORDER BY ts DESC, trade_key DESC LIMIT ?");
    this.countAll = c.prepare("SELECT count(*) FROM trades").pluck();
    this.countMarket = c.prepare("SELECT count(*) FROM trades WHERE condition_id = ?").pluck();
  }

  private upsertSync(trades: readonly TradeRecord[]): TradeUpsertSummary {
    let inserted = 0;
    let updated = 0;
    let unchanged = 0;
    for (const t of trades) {
      const row = this.byKey.get(t.key) as TradeRow | undefined;
      const params = { ...t, txHash: t.txHash ?? null };
      if (row === undefined) {
        this.insert.run(params);
        inserted++;
      } else if (sameTrade(fromRow(row), t)) {
        unchanged++;
      } else {
        this.update.run(params);
        updated++;
      }
    }
    return { inserted, updated, unchanged };
  }

  async upsert(trades: readonly TradeRecord[]): Promise<TradeUpsertSummary> {
    for (const t of trades) validateTrade(t);
    return this.db.transaction(() => this.upsertSync(trades), "trade upsert failed");
  }

  async record(
    conditionId: ConditionId,
    trades: readonly TradeRecord[],
  ): Promise<{ summary: TradeUpsertSummary; watermark?: TradeWatermark }> {
    checkConditionId(conditionId, "trade batch");
    let newest: TradeRecord | undefined;
    for (const t of trades) {
      validateTrade(t);
      if (t.conditionId !== conditionId) throw invalid(`trade ${t.key} belongs to ${t.conditionId}, not ${conditionId}`);
      if (newest === undefined || t.timestamp > newest.timestamp || (t.timestamp === newest.timestamp && t.key > newest.key)) newest = t;
    }
    return this.db.transaction(() => {
      const summary = this.upsertSync(trades);
      if (newest === undefined) return { summary };
      return { summary, watermark: this.watermarks.advanceSync(conditionId, newest.timestamp, newest.key) };
    }, "trade record failed");
  }

  async recent(conditionId: ConditionId, sinceMs: number, limit = 1_000): Promise<TradeRecord[]> {
    checkSafeInt(limit, "limit", 1, 1_000_000);
    return this.db.run(() => this.recentStmt.all(conditionId, sinceMs, limit) as TradeRow[], "trade read failed").map(fromRow);
  }

  async get(key: string): Promise<TradeRecord | undefined> {
    const row = this.db.run(() => this.byKey.get(key) as TradeRow | undefined, "trade read failed");
    return row === undefined ? undefined : fromRow(row);
  }

  async count(conditionId?: ConditionId): Promise<number> {
    return this.db.run(
      () => Number(conditionId === undefined ? this.countAll.get() : this.countMarket.get(conditionId)),
      "trade count failed",
    );
  }
}
