import { describe, expect, it } from "vitest";
import { renderStatus, statusLine, type BotStatus, type MarketStatus } from "../src/status-view.js";

const market: MarketStatus = {
  label: "btc-up-or-down-5m",
  executorMode: "RUNNING",
  reason: "quoting",
  yes: { bestBid: 5_100, bestAsk: 5_300, bidSize: 120_000_000, askSize: 80_500_000 },
  no: { bestBid: 4_700, bestAsk: 4_900 },
  fairValue: 5_212.6,
  referenceMid: 97_123.456,
  referenceAgeMs: 250,
  quotes: { bids: [5_100, 5_000], asks: [5_300, 5_400] },
  workingOrders: [{ outcome: "YES", side: "BUY", price: 5_100, size: 10_000_000, matched: 2_500_000, state: "LIVE" }],
  inventory: { yes: { settled: 15_000_000, pending: 5_000_000 }, no: { settled: 0, pending: 0 } },
  pnl: { realized: 1_250_000, unrealized: -300_000 },
  fills: 3,
};

describe("status view", () => {
  it("renders books, quotes, working orders, inventory settled vs pending and PnL", () => {
    const status: BotStatus = {
      mode: "sim",
      uptimeMs: 61_000,
      markets: [market],
      feeds: [{ name: "market", state: "connected", lastMessageAgeMs: 12, reconnects: 1 }],
      counters: { ordersPlaced: 10, cancels: 4, fills: 3, rejects: 0 },
    };
    const text = renderStatus(status);
    expect(text).toContain("mode=sim");
    expect(text).toContain("placed=10 cancels=4 fills=3 rejects=0");
    expect(text).toContain("market=connected(last 12ms, reconnects 1)");
    expect(text).toContain("book YES 0.51");
    expect(text).toContain("x 120 |");
    expect(text).toContain("fair 0.5213");
    expect(text).toContain("ref 97123.46 (250ms)");
    expect(text).toContain("quotes bid 0.51,0.5 ask 0.53,0.54");
    expect(text).toContain("inventory YES 15 (+5 pending)");
    expect(text).toContain("pnl realized $1.25 unrealized -$0.3");
    expect(text).toMatch(/BUY {2}YES 0\.51 +10 matched 2\.5 LIVE/);
  });

  it("gives a one-line summary for non-TTY output", () => {
    expect(statusLine(market)).toBe(
      "btc-up-or-down-5m mode=RUNNING fair=0.5213 yes=0.51/0.53 orders=1 inv=15Y/0N pnl=$0.95 fills=3 reason=quoting",
    );
  });
});
