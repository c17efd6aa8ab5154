/**
 * Per-connection write batching: frames queued during one turn of the event loop are written in a
 * single corked burst (one syscall for many frames), optionally as one JSON-array frame (the
 * pre-2025-09 framing). Faults (freeze / duplicate / reorder / delay) are applied here.
 */
import type { Socket } from "node:net";
import { WebSocket } from "ws";
import type { Channel, FaultState } from "./faults.js";
import { encodeTextFrames } from "./frames.js";

/** Slow consumers whose unsent bytes exceed this are disconnected (the venue does not buffer forever). */
export const MAX_BUFFERED_BYTES = 64 * 1024 * 1024;

/** Channel-wide frame counters shared by every outbox of a channel. */
export interface FrameCounters {
  sent: number;
  dropped: number;
}

export class Outbox {
  private pending: string[] = [];
  private scheduled = false;
  private readonly flushBound = (): void => this.flush();
  /** Frames dropped because the channel was frozen or the socket closed. */
  dropped = 0;
  sent = 0;

  constructor(
    readonly ws: WebSocket,
    private readonly channel: Channel,
    private readonly faults: FaultState,
    private readonly arrayFraming: () => boolean,
    private readonly totals: FrameCounters = { sent: 0, dropped: 0 },
  ) {}

  /** Queues one serialized event (a JSON object text). */
  push(frame: string): void {
    if (this.faults.frames[this.channel].frozen) {
      this.dropped++;
      this.totals.dropped++;
      return;
    }
    this.pending.push(frame);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(this.flushBound);
    }
  }

  /** Sends a control text (PONG, NO NEW ASSETS) immediately, bypassing freeze and batching. */
  control(text: string): void {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.send(text);
  }

  flush(): void {
    this.scheduled = false;
    if (this.pending.length === 0) return;
    const frames = this.faults.shape(this.channel, this.pending);
    this.pending = [];
    const delay = this.faults.frames[this.channel].delayMs;
    if (delay > 0) {
      this.faults.count(`${this.channel}:delay`);
      setTimeout(() => this.write(frames), delay);
    } else {
      this.write(frames);
    }
  }

  private write(frames: string[]): void {
    const ws = this.ws;
    if (ws.readyState !== WebSocket.OPEN) {
      this.dropped += frames.length;
      this.totals.dropped += frames.length;
      return;
    }
    if (ws.bufferedAmount > MAX_BUFFERED_BYTES) {
      this.dropped += frames.length;
      this.totals.dropped += frames.length;
      ws.terminate();
      return;
    }
    const internals = ws as unknown as { _socket?: Socket; _extensions?: Record<string, unknown>; _sender?: { _queue?: unknown[] } };
    const raw = internals._socket;
    const text = this.arrayFraming() ? [`[${frames.join(",")}]`] : frames;
    const plain = raw !== undefined && (internals._extensions === undefined || Object.keys(internals._extensions).length === 0);
    if (plain && (internals._sender?._queue?.length ?? 0) === 0) {
      // One buffer, one write: ws's own sender has nothing queued, so ordering is preserved.
      raw.write(encodeTextFrames(text));
    } else {
      raw?.cork();
      for (const f of text) ws.send(f);
      raw?.uncork();
    }
    this.sent += frames.length;
    this.totals.sent += frames.length;
  }
}

/**
 * Wires a channel's socket: text messages to `onText`, binary ones counted as rejected via
 * `onBinary`, and `drop` on close or error (whichever comes first; `drop` must be idempotent).
 */
export function attachChannelSocket(ws: WebSocket, onText: (text: string) => void, onBinary: () => void, drop: () => void): void {
  ws.on("message", (data, isBinary) => {
    if (isBinary) onBinary();
    else onText(data.toString());
  });
  ws.on("close", drop);
  ws.on("error", drop);
}

/** Terminates every connection of a channel (fault injection); returns how many. */
export function terminateAll<C extends { readonly outbox: Outbox }>(conns: ReadonlySet<C>, remove: (c: C) => void): number {
  const n = conns.size;
  for (const c of [...conns]) {
    c.outbox.ws.terminate();
    remove(c);
  }
  return n;
}
