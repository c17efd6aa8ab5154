/** Why a wire record could not become a domain value. */
export type NormalizeReason =
  | "invalid_record"
  | "invalid_id"
  | "invalid_number"
  | "unknown_status"
  | "unknown_order_type"
  | "no_identity"
  | "no_own_leg"
  | "not_binary"
  | "invalid_tick_size"
  | "missing_field";

export interface NormalizeError {
  readonly reason: NormalizeReason;
  readonly detail: string;
}

export const normErr = (reason: NormalizeReason, detail: string): { ok: false; error: NormalizeError } => ({
  ok: false,
  error: { reason, detail },
});
