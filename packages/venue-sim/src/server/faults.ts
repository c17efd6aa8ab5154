/**
 * Fault injection state shared by the HTTP routes and the WS channels. Every fault is explicit
 * and counted; random ones (duplicate / reorder) draw from a seeded generator.
 */
import { Rng } from "../reference/rng.js";

/** What to do to matching HTTP requests. */
export type HttpFaultKind =
  /** 429 `{"error":"Too Many Requests"}` with Retry-After. */
  | "429"
  /** 5xx with `{"error": message}` (status default 500). */
  | "5xx"
  /** 425 Too Early (matching-engine restart). */
  | "425"
  /** The request is EXECUTED, then the response is withheld until the client gives up (socket destroyed after `holdMs`). */
  | "timeout"
  /** The request is executed, then the connection is reset without a response. */
  | "drop";

export interface HttpFault {
  readonly kind: HttpFaultKind;
  /** Route key "METHOD /path" (e.g. "POST /order"); absent ⇒ every non-admin route. */
  readonly route?: string;
  /** How many requests it applies to (default 1); Infinity for "until cleared". */
  readonly count?: number;
  readonly status?: number;
  readonly message?: string;
  readonly retryAfterSec?: number;
  /** For "timeout": how long to hold the socket before destroying it (default 30 s). */
  readonly holdMs?: number;
}

interface ActiveHttpFault extends HttpFault {
  remaining: number;
}

export type Channel = "market" | "user";

export interface FrameFaults {
  /** Stop delivering data frames silently; PING/PONG keeps working. */
  frozen: boolean;
  /** Probability that a frame is sent twice. */
  duplicateProbability: number;
  /** Probability that a frame is swapped with the next one in the same flush. */
  reorderProbability: number;
  /** Extra delay before frames are written (ms). */
  delayMs: number;
}

const noFrameFaults = (): FrameFaults => ({ frozen: false, duplicateProbability: 0, reorderProbability: 0, delayMs: 0 });

export class FaultState {
  private httpFaults: ActiveHttpFault[] = [];
  readonly frames: Record<Channel, FrameFaults> = { market: noFrameFaults(), user: noFrameFaults() };
  readonly rng: Rng;
  /** Faults applied so far, by kind (observability for tests). */
  readonly applied = new Map<string, number>();

  constructor(seed: number) {
    this.rng = new Rng((seed ^ 0xfa017) >>> 0);
  }

  addHttpFault(f: HttpFault): void {
    this.httpFaults.push({ ...f, remaining: f.count ?? 1 });
  }

  clearHttpFaults(): void {
    this.httpFaults = [];
  }

  /** Takes the first pending fault matching `route`, if any. */
  takeHttpFault(route: string): HttpFault | undefined {
    const i = this.httpFaults.findIndex((f) => f.route === undefined || f.route === route);
    if (i < 0) return undefined;
    const f = this.httpFaults[i] as ActiveHttpFault;
    f.remaining -= 1;
    if (f.remaining <= 0) this.httpFaults.splice(i, 1);
    this.count(`http:${f.kind}`);
    return f;
  }

  setFrameFaults(channel: Channel, patch: Partial<FrameFaults>): void {
    Object.assign(this.frames[channel], patch);
  }

  resetFrameFaults(channel?: Channel): void {
    for (const c of channel === undefined ? (["market", "user"] as const) : [channel]) Object.assign(this.frames[c], noFrameFaults());
  }

  count(kind: string): void {
    this.applied.set(kind, (this.applied.get(kind) ?? 0) + 1);
  }

  /** Applies duplicate/reorder to a flush's frames (in place semantics: returns the list to write). */
  shape(channel: Channel, frames: string[]): string[] {
    const f = this.frames[channel];
    if (f.duplicateProbability <= 0 && f.reorderProbability <= 0) return frames;
    const out: string[] = [];
    for (const fr of frames) {
      out.push(fr);
      if (f.duplicateProbability > 0 && this.rng.chance(f.duplicateProbability)) {
        out.push(fr);
        this.count(`${channel}:duplicate`);
      }
    }
    if (f.reorderProbability > 0) {
      for (let i = 0; i + 1 < out.length; i++) {
        if (this.rng.chance(f.reorderProbability)) {
          const a = out[i] as string;
          out[i] = out[i + 1] as string;
          out[i + 1] = a;
          this.count(`${channel}:reorder`);
          i++;
        }
      }
    }
    return out;
  }
}
