/**
 * Compression worker: owns the segment files. Messages in: `block`, `rotate`, `close`, `stats`.
 * Replies: `written` (after every block, with file sizes), `rotated`, `closed`, `error`.
 */
import { parentPort, workerData } from "node:worker_threads";
import { type SealedBlock, SegmentSink, type SinkOptions } from "./segment-sink.js";

type In =
  | ({ readonly type: "block" } & SealedBlock)
  | { readonly type: "rotate"; readonly id: number }
  | { readonly type: "close"; readonly id: number };

const port = parentPort;
if (port === null) throw new Error("compress-worker must run in a worker thread");
const sink = new SegmentSink(workerData as SinkOptions);

port.on("message", (m: In) => {
  try {
    switch (m.type) {
      case "block":
        sink.write(m);
        port.postMessage({ type: "written", stats: sink.stats, records: m.count });
        return;
      case "rotate": {
        const index = sink.rotate();
        port.postMessage({ type: "rotated", id: m.id, index, stats: sink.stats });
        return;
      }
      case "close": {
        const index = sink.close();
        port.postMessage({ type: "closed", id: m.id, index, stats: sink.stats });
        return;
      }
    }
  } catch (e) {
    port.postMessage({ type: "error", error: e instanceof Error ? e.message : String(e) });
  }
});
