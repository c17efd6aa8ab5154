// Bench helper run in a worker thread: connects to `url`, optionally sends `subscribe`, counts
// JSON object frames that are not `book` snapshots, and reports when `expected` have arrived.
import { parentPort, workerData } from "node:worker_threads";
import { WebSocket } from "ws";

const { url, expected, subscribe, booksFirst } = workerData;
const ws = new WebSocket(url, { perMessageDeflate: false });
let count = 0;
let books = 0;
let sample = "";
ws.on("message", (data) => {
  const s = data.toString();
  if (s.includes('"event_type":"book"')) {
    books++;
    if (books === booksFirst) parentPort.postMessage({ type: "ready" });
    return;
  }
  if (s[0] !== "{") return;
  count++;
  if (count === 1) sample = s;
  if (count === expected) {
    parentPort.postMessage({ type: "done", count, sample, at: performance.timeOrigin + performance.now() });
    ws.close();
  }
});
ws.once("open", () => {
  if (subscribe !== undefined) ws.send(JSON.stringify(subscribe));
  if (!booksFirst) parentPort.postMessage({ type: "ready" });
});
ws.once("error", (e) => parentPort.postMessage({ type: "error", message: String(e) }));
