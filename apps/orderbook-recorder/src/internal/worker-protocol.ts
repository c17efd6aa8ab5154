/** Messages between the main thread and the book workers. */
import type { TickSize } from "@mm/types";
import type { CheckpointBook } from "../segment/format.js";
import type { NatsSinkStats } from "./nats-sink.js";

export type LifecycleEvent =
  | { readonly kind: "market_resolved"; readonly market: string; readonly assetIds: readonly string[]; readonly timestamp: number }
  | {
      readonly kind: "new_market";
      readonly market: string;
      readonly assetIds: readonly string[];
      readonly slug: string | undefined;
      readonly tickSize: TickSize | undefined;
      readonly timestamp: number;
    };

export type WorkerIn =
  | { readonly type: "batch"; readonly id: number; readonly bytes: Uint8Array }
  | { readonly type: "stats"; readonly id: number }
  | { readonly type: "books"; readonly id: number }
  | { readonly type: "flush"; readonly id: number };

export interface WorkerStats {
  readonly shard: number;
  readonly batches: number;
  readonly bytes: number;
  readonly books: number;
  readonly lagMsLast: number;
  readonly lagMsMax: number;
  readonly busyMicros: number;
  readonly replayer: Record<string, unknown> & {
    frames: number;
    events: number;
    rejected: number;
    decodeErrors: number;
    notOwner: number;
    snapshots: number;
    levelChanges: number;
  };
  readonly decoder: { frames: number; events: number; rejectedEvents: number; unknownEvents: number };
  readonly nats: NatsSinkStats | undefined;
}

export type WorkerOut =
  | {
      readonly type: "ack";
      readonly shard: number;
      readonly id: number;
      readonly bytes: number;
      readonly handovers: Array<[number, number]> | undefined;
      readonly lifecycle: LifecycleEvent[] | undefined;
    }
  | { readonly type: "checkpoint"; readonly shard: number; readonly id: number; readonly books: CheckpointBook[] }
  | { readonly type: "stats"; readonly shard: number; readonly id: number; readonly stats: WorkerStats }
  | { readonly type: "books"; readonly shard: number; readonly id: number; readonly books: CheckpointBook[] }
  | { readonly type: "flushed"; readonly shard: number; readonly id: number };
