// @mm/executor: the single writer of orders, inventory and reservations (Planner → Reconciler → OrderGateway).
export { ExecutorActor, type ExecutorHooks, type ExecutorOptions, type ExecutorSnapshot, type OrderView } from "./actor.js";
export {
  DEFAULT_EXECUTOR_CONFIG,
  resolveExecutorConfig,
  type ExecutorConfig,
  type ExecutorConfigInput,
  type RiskLimits,
} from "./config.js";
export {
  MemoryJournal,
  noopJournal,
  type ExecutorMode,
  type JournalBody,
  type JournalEntry,
  type JournalSink,
  type PlanSummary,
} from "./journal.js";
export type { ControlCommand, ExecutorMessage, TimerName } from "./messages.js";
export { buyCost, plan, sellProceeds, type LockedExposure, type PlannerInput, type PlannerLimits, type PlanResult } from "./planner.js";
export { orderKey, reconcile, type DeferReason, type PlaceBudget, type ReconcileInput, type ReconcileResult } from "./reconciler.js";
export { emptyStats, type ExecutorStats } from "./stats.js";
