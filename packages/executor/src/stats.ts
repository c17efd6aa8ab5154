/** The executor's metrics as a plain object (the bot maps it onto prom-client; tests read it directly). */
import type { ExecutorMode } from "./journal.js";

export interface ExecutorStats {
  messages: number;
  intentsReceived: number;
  /** Intents overwritten in the single slot before being applied (law I). */
  intentsSuperseded: number;
  /** Intents applied whose seq differed from the previous one. */
  intentChanges: number;
  plans: number;
  actions: { PLACE: number; CANCEL: number; CANCEL_ALL: number; SYNC: number };
  /** PLACE + CANCEL emitted while applying a new intent (churn = this ÷ intentChanges). */
  actionsOnIntentChange: number;
  /** PLACE + CANCEL emitted on replans caused by fills, acks, timers. */
  actionsOnEvents: number;
  rejectsByReason: Record<string, number>;
  fills: number;
  duplicateFills: number;
  failedReversals: number;
  /** Taker fees the venue withheld from our fills, micro-USDC (value), and the shares withheld from taker BUYs. */
  takerFeesUsdc: number;
  takerFeeShares: number;
  orphanEvents: number;
  adoptedOrders: number;
  unknownEvents: number;
  invalidEvents: number;
  anomalies: number;
  /** Journal entries the sink refused (thrown); the executor carries on. */
  journalErrors: number;
  riskBreaches: Record<string, number>;
  resyncs: number;
  modeTimeMs: Record<ExecutorMode, number>;
}

export function emptyStats(): ExecutorStats {
  return {
    messages: 0,
    intentsReceived: 0,
    intentsSuperseded: 0,
    intentChanges: 0,
    plans: 0,
    actions: { PLACE: 0, CANCEL: 0, CANCEL_ALL: 0, SYNC: 0 },
    actionsOnIntentChange: 0,
    actionsOnEvents: 0,
    rejectsByReason: {},
    fills: 0,
    duplicateFills: 0,
    failedReversals: 0,
    takerFeesUsdc: 0,
    takerFeeShares: 0,
    orphanEvents: 0,
    adoptedOrders: 0,
    unknownEvents: 0,
    invalidEvents: 0,
    anomalies: 0,
    journalErrors: 0,
    riskBreaches: {},
    resyncs: 0,
    modeTimeMs: { RUNNING: 0, STOP: 0, COOLDOWN: 0, RESYNC: 0 },
  };
}
