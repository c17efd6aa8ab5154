/**
 * The terminal status view: a pure renderer from a status model to text. On a TTY the bot redraws
 * the screen with it; otherwise it logs `statusLine` per market periodically.
 */
import { formatPrice, formatSize, formatUsdc } from "@mm/types";

export interface SideBook {
  readonly bestBid?: number;
  readonly bestAsk?: number;
  readonly bidSize?: number;
  readonly askSize?: number;
}

export interface WorkingOrderRow {
  readonly outcome: "YES" | "NO";
  readonly side: "BUY" | "SELL";
  readonly price: number;
  readonly size: number;
  readonly matched: number;
  readonly state: string;
}

export interface PositionRow {
  readonly settled: number;
  readonly pending: number;
}

export interface MarketStatus {
  readonly label: string;
  readonly executorMode: string;
  readonly reason: string;
  readonly yes: SideBook;
  readonly no: SideBook;
  /** YES-space, price units (may be fractional). */
  readonly fairValue?: number;
  readonly referenceMid?: number;
  readonly referenceAgeMs?: number;
  readonly quotes: { readonly bids: readonly number[]; readonly asks: readonly number[] };
  readonly workingOrders: readonly WorkingOrderRow[];
  readonly inventory: { readonly yes: PositionRow; readonly no: PositionRow };
  /** micro-USDC. */
  readonly pnl: { readonly realized: number; readonly unrealized: number };
  readonly fills: number;
}

export interface FeedHealth {
  readonly name: string;
  readonly state: string;
  readonly lastMessageAgeMs?: number;
  readonly reconnects: number;
}

export interface BotStatus {
  readonly mode: string;
  readonly uptimeMs: number;
  readonly markets: readonly MarketStatus[];
  readonly feeds: readonly FeedHealth[];
  readonly counters: { readonly ordersPlaced: number; readonly cancels: number; readonly fills: number; readonly rejects: number };
}

const px = (p: number | undefined): string => (p === undefined ? "  -  " : formatPrice(Math.round(p)).padEnd(6));
const sz = (s: number | undefined): string => (s === undefined ? "-" : formatSize(Math.round(s)));
const usd = (u: number): string => `${u < 0 ? "-" : ""}$${formatUsdc(Math.round(Math.abs(u)))}`;
const age = (ms: number | undefined): string => (ms === undefined ? "-" : ms < 1000 ? `${Math.round(ms)}ms` : `${(ms / 1000).toFixed(1)}s`);

export function renderStatus(status: BotStatus): string {
  const lines: string[] = [];
  const c = status.counters;
  lines.push(
    `mm-bot  mode=${status.mode}  up=${age(status.uptimeMs)}  placed=${c.ordersPlaced} cancels=${c.cancels} fills=${c.fills} rejects=${c.rejects}`,
  );
  lines.push(
    `feeds: ${status.feeds.map((f) => `${f.name}=${f.state}(last ${age(f.lastMessageAgeMs)}, reconnects ${f.reconnects})`).join("  ")}`,
  );
  for (const m of status.markets) {
    lines.push("");
    lines.push(`${m.label}  [${m.executorMode}] ${m.reason}`);
    lines.push(
      `  book YES ${px(m.yes.bestBid)} x ${sz(m.yes.bidSize)} | ${px(m.yes.bestAsk)} x ${sz(m.yes.askSize)}    NO ${px(m.no.bestBid)} | ${px(m.no.bestAsk)}`,
    );
    lines.push(
      `  fair ${m.fairValue === undefined ? "-" : (m.fairValue / 10_000).toFixed(4)}  ref ${m.referenceMid === undefined ? "-" : m.referenceMid.toFixed(2)} (${age(m.referenceAgeMs)})  quotes bid ${m.quotes.bids.map((p) => formatPrice(Math.round(p))).join(",") || "-"} ask ${m.quotes.asks.map((p) => formatPrice(Math.round(p))).join(",") || "-"}`,
    );
    lines.push(
      `  inventory YES ${sz(m.inventory.yes.settled)} (+${sz(m.inventory.yes.pending)} pending)  NO ${sz(m.inventory.no.settled)} (+${sz(m.inventory.no.pending)} pending)  pnl realized ${usd(m.pnl.realized)} unrealized ${usd(m.pnl.unrealized)}  fills ${m.fills}`,
    );
    for (const o of m.workingOrders) {
      lines.push(`    ${o.side.padEnd(4)} ${o.outcome.padEnd(3)} ${px(o.price)} ${sz(o.size)} matched ${sz(o.matched)} ${o.state}`);
    }
  }
  return lines.join("\n");
}

/** One compact line per market for non-TTY output. */
export function statusLine(m: MarketStatus): string {
  return `${m.label} mode=${m.executorMode} fair=${m.fairValue === undefined ? "-" : (m.fairValue / 10_000).toFixed(4)} yes=${px(m.yes.bestBid).trim()}/${px(m.yes.bestAsk).trim()} orders=${m.workingOrders.length} inv=${sz(m.inventory.yes.settled)}Y/${sz(m.inventory.no.settled)}N pnl=${usd(m.pnl.realized + m.pnl.unrealized)} fills=${m.fills} reason=${m.reason}`;
}
