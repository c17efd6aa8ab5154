/** Sweep worker: reads the binary tape once, then runs each config it is sent and posts the summary. */
import { parentPort, workerData } from "node:worker_threads";
import { parseRunConfig } from "./config.js";
import { runBacktest } from "./run.js";
import { readTapeFile } from "./tape-file.js";

const tape = readTapeFile((workerData as { tapePath: string }).tapePath);
parentPort?.on("message", (m: { index: number; config: unknown }) => {
  try {
    const result = runBacktest(tape, parseRunConfig(m.config));
    parentPort?.postMessage({ index: m.index, summary: result.summary });
  } catch (e) {
    parentPort?.postMessage({ index: m.index, error: e instanceof Error ? e.message : String(e) });
  }
});
