/**
 * The journal: every input the executor receives and every decision it makes, as plain
 * JSON-serializable entries (storage persists them; the backtester compares live and replayed runs).
 */
import type { DesiredQuoteSet, GatewayAction, GatewayResult, MarketInfo, Residual, UserEvent } from "@mm/types";
import type { ExecutorConfig } from "./config.js";
import type { ControlCommand } from "./messages.js";

export type ExecutorMode = "RUNNING" | "STOP" | "COOLDOWN" | "RESYNC";

export interface PlanSummary {
  readonly conditionId: string;
  readonly intentSeq: number;
  readonly tickSize: number;
  readonly planned: number;
  readonly residuals: readonly Residual[];
  readonly kept: number;
  readonly cancels: number;
  readonly places: number;
  readonly deferred: readonly { readonly key: string; readonly reason: string }[];
  readonly invalidLevels: number;
}

export type JournalBody =
  /** First entry: everything needed to rebuild an identical executor for a replay. */
  | {
      readonly type: "start";
      readonly config: ExecutorConfig;
      readonly markets: readonly MarketInfo[];
      readonly initial: { readonly collateral: number; readonly tokens: Readonly<Record<string, number>> };
    }
  | { readonly type: "intent"; readonly intent: DesiredQuoteSet; readonly superseded: boolean }
  | { readonly type: "user"; readonly event: UserEvent }
  | { readonly type: "gateway"; readonly result: GatewayResult }
  | { readonly type: "timer"; readonly timer: string; readonly conditionId?: string }
  | { readonly type: "control"; readonly command: ControlCommand }
  | { readonly type: "action"; readonly action: GatewayAction }
  | { readonly type: "plan"; readonly plan: PlanSummary }
  | { readonly type: "mode"; readonly from: ExecutorMode; readonly to: ExecutorMode; readonly reason: string }
  | { readonly type: "risk"; readonly limit: string; readonly value: number; readonly max: number }
  | { readonly type: "anomaly"; readonly code: string; readonly detail: string };

export type JournalEntry = { readonly seq: number; readonly at: number } & JournalBody;

export interface JournalSink {
  append(entry: JournalEntry): void;
}

export const noopJournal: JournalSink = { append: () => {} };

/** Keeps entries in memory (tests, the status view); `limit` bounds it (oldest dropped). */
export class MemoryJournal implements JournalSink {
  readonly entries: JournalEntry[] = [];
  dropped = 0;
  constructor(private readonly limit = Number.POSITIVE_INFINITY) {}
  append(entry: JournalEntry): void {
    this.entries.push(entry);
    if (this.entries.length > this.limit) {
      this.entries.shift();
      this.dropped++;
    }
  }
}
