/**
 * Starting @mm/venue-sim in-process (loopback) — it verifies EIP-712 order signatures and uses the
 * order hash as the order id by default — and a gateway against it.
 */
import type { Clock, GatewayResult, OrderRequest } from "@mm/types";
import { type SimMarket, startVenueSim, type VenueSimHandle, type VenueSimOptions } from "@mm/venue-sim";
import { createGateway, type Gateway, type GatewayOptions } from "../src/index.js";
import { Inbox } from "./helpers.js";

export interface SimRig {
  readonly sim: VenueSimHandle;
  readonly gw: Gateway;
  readonly inbox: Inbox;
  readonly market: SimMarket;
  /** Waits until `pred` holds on the inbox (polling real time). */
  until(pred: (msgs: readonly GatewayResult[]) => boolean, timeoutMs?: number): Promise<void>;
  order(clientOrderId: string, over?: Partial<OrderRequest>): OrderRequest;
  stop(): Promise<void>;
}

export async function startRig(
  simOptions: Partial<VenueSimOptions> = {},
  gwOptions: Partial<Omit<GatewayOptions, "mailbox">> = {},
): Promise<SimRig> {
  const sim = await startVenueSim({ flow: false, markets: 1, ...simOptions });
  const inbox = new Inbox();
  const c = sim.credentials;
  const gw = createGateway({
    clobUrl: sim.urls.clob,
    credentials: { key: c.apiKey, secret: c.secret, passphrase: c.passphrase },
    signer: { privateKey: c.privateKey },
    mailbox: inbox,
    heartbeat: false,
    ...gwOptions,
  });
  const market = sim.venue.allMarkets()[0]!;
  return {
    sim,
    gw,
    inbox,
    market,
    async until(pred, timeoutMs = 10_000) {
      const t0 = Date.now();
      while (!pred(inbox.messages)) {
        if (Date.now() - t0 > timeoutMs) throw new Error(`timed out; inbox: ${JSON.stringify(inbox.messages.map((m) => m.kind))}`);
        await new Promise((r) => setTimeout(r, 5));
      }
    },
    order(clientOrderId, over = {}) {
      return {
        clientOrderId,
        conditionId: market.info.conditionId,
        tokenId: market.info.yes.tokenId,
        side: "BUY",
        price: 3000 as OrderRequest["price"],
        size: 10_000_000 as OrderRequest["size"],
        orderType: "GTC",
        postOnly: false,
        tickSize: market.info.tickSize,
        negRisk: market.info.negRisk,
        ...over,
      };
    },
    async stop() {
      await gw.close();
      await sim.stop();
    },
  };
}

export const fixedClock = (at: number): Clock => ({
  now: () => at,
  setTimer: (ms, fn) => ({ id: setTimeout(fn, ms) as unknown as number }),
  clearTimer: (h) => clearTimeout(h.id as unknown as NodeJS.Timeout),
});
