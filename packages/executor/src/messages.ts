/** What the executor's one mailbox carries. */
import type { ConditionId, DesiredQuoteSet, GatewayResult, MarketInfo, TickSize, UserEvent } from "@mm/types";

export type ControlCommand =
  /** Cancel-all + STOP. `resumeOnResync` (user-feed disconnect) lets the next completed RESYNC resume. */
  | { readonly type: "stop"; readonly reason: string; readonly resumeOnResync?: boolean }
  /** Cancel-all + STOP, latched until `resume`. */
  | { readonly type: "kill"; readonly reason: string }
  /** Leave STOP: RESYNC first, then RUNNING. */
  | { readonly type: "resume" }
  /** Rebuild from the venue (REST) before trading again. */
  | { readonly type: "resync"; readonly reason: string }
  /** Add a market or refresh its metadata (tick size, min size). */
  | { readonly type: "market"; readonly market: MarketInfo }
  | { readonly type: "tick_size"; readonly conditionId: ConditionId; readonly tickSize: TickSize };

/** `balance_recheck`: a RESYNC after a balance correction made while some fills were still unsettled. */
export type TimerName = "cooldown_end" | "sync_retry" | "market_resume" | "balance_recheck";

export type ExecutorMessage =
  | { readonly kind: "intent"; readonly intent: DesiredQuoteSet }
  | { readonly kind: "user"; readonly event: UserEvent }
  | { readonly kind: "gateway"; readonly result: GatewayResult }
  | { readonly kind: "timer"; readonly timer: TimerName; readonly conditionId?: ConditionId }
  | { readonly kind: "control"; readonly command: ControlCommand };
