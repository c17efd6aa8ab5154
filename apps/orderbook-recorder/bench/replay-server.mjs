// Bench helper (worker thread): a loopback WebSocket server that, on "go", sends `perConn` frames to
// every connected client as fast as the socket drains. Each frame is a realistic `price_change`
// carrying its per-connection sequence number in `hash` (so the reader can prove no loss/duplicate).
import { parentPort, workerData } from "node:worker_threads";
import { WebSocketServer } from "ws";

const { perConn } = workerData;
const wss = new WebSocketServer({ host: "127.0.0.1", port: 0, perMessageDeflate: false });
const clients = new Set();
wss.on("connection", (ws) => clients.add(ws));
wss.on("listening", () => parentPort.postMessage({ type: "listening", port: wss.address().port }));

function frame(conn, seq) {
  const asset = `${conn}${String(seq % 500).padStart(70, "7")}`;
  return `{"market":"0x${String(conn).padStart(64, "0")}","price_changes":[{"asset_id":"${asset}","price":"0.${(seq % 98) + 1}","size":"${(seq % 1000) + 1}.5","side":"BUY","hash":"${seq}","best_bid":"0.5","best_ask":"0.51"}],"timestamp":"${1_700_000_000_000 + seq}","event_type":"price_change"}`;
}

function pump(ws, conn, state) {
  while (state.next <= perConn) {
    ws.send(frame(conn, state.next++));
    if (ws.bufferedAmount > 1 << 20) {
      setImmediate(() => pump(ws, conn, state));
      return;
    }
  }
}

parentPort.on("message", (m) => {
  if (m.type === "go") {
    let conn = 0;
    for (const ws of clients) pump(ws, ++conn, { next: 1 });
  } else if (m.type === "reset") {
    for (const ws of clients) ws.terminate();
    clients.clear();
    parentPort.postMessage({ type: "reset" });
  } else if (m.type === "close") {
    for (const ws of clients) ws.terminate();
    wss.close(() => parentPort.postMessage({ type: "closed" }));
  }
});
