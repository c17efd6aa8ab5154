import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type ConditionId, price, size, type TokenId } from "@mm/types";
import type { MarketRecord, TradeRecord } from "../src/index.js";

export interface TempDir {
  readonly dir: string;
  file(name: string): string;
  remove(): void;
}

export function tempDir(prefix = "mm-storage-"): TempDir {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, file: (name) => join(dir, name), remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export const sha256File = (path: string): string => createHash("sha256").update(readFileSync(path)).digest("hex");

/** A deterministic valid condition id for index `i`. */
export const cid = (i: number): ConditionId => `0x${i.toString(16).padStart(64, "0")}` as ConditionId;
export const tid = (i: number): TokenId => `${1_000_000 + i}` as TokenId;

export function market(i: number, overrides: Partial<MarketRecord> = {}): MarketRecord {
  return {
    conditionId: cid(i),
    question: `Will thing ${i} happen?`,
    slug: `thing-${i}`,
    yes: { tokenId: tid(2 * i), label: "Yes" },
    no: { tokenId: tid(2 * i + 1), label: "No" },
    tickSize: 100,
    minOrderSize: size("5"),
    negRisk: false,
    endTime: 1_800_000_000_000,
    active: true,
    closed: false,
    updatedAt: 1_700_000_000_000,
    ...overrides,
  };
}

export function trade(i: number, overrides: Partial<TradeRecord> = {}): TradeRecord {
  return {
    key: `0xtx${i}:${tid(0)}:BUY`,
    conditionId: cid(1),
    tokenId: tid(2),
    side: "BUY",
    price: price("0.55"),
    size: size("10.5"),
    timestamp: 1_700_000_000_000 + i * 1_000,
    source: "data-api",
    txHash: `0xtx${i}`,
    ...overrides,
  };
}
