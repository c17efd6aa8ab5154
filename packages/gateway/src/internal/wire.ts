/**
 * Tolerant readers for the few response shapes the worker branches on (order responses, cancel
 * responses, error bodies). Venue bodies are untrusted: anything unexpected becomes `undefined`
 * and the caller treats the call as ambiguous, never as success.
 */
import type { VenueOrderStatus } from "@mm/types";

export function safeJson(text: string): unknown {
  if (text.length === 0 || text.length > 16 * 1024 * 1024) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

const isRecord = (x: unknown): x is Record<string, unknown> => typeof x === "object" && x !== null && !Array.isArray(x);

/** The venue's error text: `{"error": "..."}` (or `errorMsg`/`message`), else the raw text, truncated. */
export function errorText(body: unknown, raw: string): string {
  if (isRecord(body)) {
    for (const k of ["error", "errorMsg", "message"]) {
      const v = body[k];
      if (typeof v === "string" && v.length > 0) return v.slice(0, 500);
    }
  }
  return raw.slice(0, 500);
}

export interface OrderResponseLeg {
  readonly success: boolean;
  readonly errorMsg: string;
  readonly orderId: string;
  readonly status: string;
}

export function readOrderResponse(x: unknown): OrderResponseLeg | undefined {
  if (!isRecord(x)) return undefined;
  const success = x.success;
  if (typeof success !== "boolean") return undefined;
  const errorMsg = typeof x.errorMsg === "string" ? x.errorMsg : "";
  const orderId = typeof x.orderID === "string" ? x.orderID : typeof x.orderId === "string" ? x.orderId : "";
  const status = typeof x.status === "string" ? x.status : "";
  return { success, errorMsg, orderId, status };
}

export function venueOrderStatus(s: string): VenueOrderStatus | undefined {
  switch (s.toLowerCase()) {
    case "live":
      return "live";
    case "matched":
      return "matched";
    case "delayed":
      return "delayed";
    case "unmatched":
      return "unmatched";
    default:
      return undefined;
  }
}

export interface CancelResponse {
  readonly canceled: readonly string[];
  readonly notCanceled: ReadonlyMap<string, string>;
}

export function readCancelResponse(x: unknown): CancelResponse | undefined {
  if (!isRecord(x)) return undefined;
  const c = x.canceled;
  if (!Array.isArray(c) || !c.every((v) => typeof v === "string")) return undefined;
  const notCanceled = new Map<string, string>();
  const nc = x.not_canceled;
  if (isRecord(nc)) for (const [k, v] of Object.entries(nc)) notCanceled.set(k.toLowerCase(), typeof v === "string" ? v : String(v));
  else if (nc !== undefined && nc !== null) return undefined;
  return { canceled: (c as string[]).map((s) => s.toLowerCase()), notCanceled };
}

export { isRecord };
