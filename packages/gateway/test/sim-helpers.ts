/** Starting @mm/venue-sim in-process (loopback) with EIP-712 order ids and signature checks, and a gateway against it. */
import {
  hashOrderV1,
  orderDigestV1,
  orderDomainFor,
  orderV1FromWire,
  POLYGON_CHAIN_ID,
  recoverSigner,
  WireSignedOrderV1Schema,
} from "@mm/protocol";
import type { Clock, GatewayResult, OrderRequest } from "@mm/types";
import { type SignedOrderCheck, type SimMarket, startVenueSim, type VenueSimHandle, type VenueSimOptions } from "@mm/venue-sim";
import { createGateway, type Gateway, type GatewayOptions } from "../src/index.js";
import { Inbox } from "./helpers.js";

/** The venue's check: order id = EIP-712 hash (V1, exchange by neg-risk), signature recovers to `signer`. */
export const eip712Check: SignedOrderCheck = {
  orderId: (order, negRisk) => {
    const w = WireSignedOrderV1Schema.safeParse(order);
    const d = orderDomainFor(POLYGON_CHAIN_ID, negRisk, 1);
    return w.success && d !== undefined ? hashOrderV1(orderV1FromWire(w.data), d) : undefined;
  },
  verify: (order, negRisk) => {
    const w = WireSignedOrderV1Schema.safeParse(order);
    const d = orderDomainFor(POLYGON_CHAIN_ID, negRisk, 1);
    if (!w.success || d === undefined) return false;
    return recoverSigner(orderDigestV1(orderV1FromWire(w.data), d), w.data.signature)?.toLowerCase() === w.data.signer.toLowerCase();
  },
};

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
  const sim = await startVenueSim({ flow: false, markets: 1, signedOrders: eip712Check, ...simOptions });
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
