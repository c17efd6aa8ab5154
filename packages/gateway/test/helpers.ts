/** Hand-written stubs for the core's unit tests (no mock framework). */
import { createHash } from "node:crypto";
import type { GatewayResult, ManualClock, Mailbox, OrderId, OrderRequest, PlaceAction } from "@mm/types";
import { conditionId, price, size, tokenId } from "@mm/types";
import type { GatewayCore, OrderSigner, SignedOrder, VenueReply, VenueRequest, VenueTransport } from "../src/index.js";

export class Inbox implements Mailbox<GatewayResult> {
  readonly messages: GatewayResult[] = [];
  post(m: GatewayResult): void {
    this.messages.push(m);
  }
  of<K extends GatewayResult["kind"]>(kind: K): Extract<GatewayResult, { kind: K }>[] {
    return this.messages.filter((m) => m.kind === kind) as Extract<GatewayResult, { kind: K }>[];
  }
}

export const hashId = (s: string): OrderId => `0x${createHash("sha256").update(s).digest("hex")}` as OrderId;

/** Signs nothing: the order id is a hash of the client id; the envelope carries the client id. */
export class StubSigner implements OrderSigner {
  sign(order: OrderRequest): SignedOrder {
    if (order.price <= 0) throw new Error(`invalid price (${order.price}), min: 0.01 - max: 0.99`);
    return {
      orderId: hashId(order.clientOrderId),
      envelope: { order: { salt: 1, clientOrderId: order.clientOrderId }, owner: "k", orderType: order.orderType },
    };
  }
}

export interface Sent {
  readonly at: number;
  readonly req: VenueRequest;
}

export type Handler = (req: VenueRequest, n: number) => VenueReply | Promise<VenueReply>;

export const json = (status: number, body: unknown, headers: Record<string, string> = {}): VenueReply => ({
  kind: "response",
  status,
  header: (name) => headers[name.toLowerCase()],
  text: JSON.stringify(body),
});

/** Records every request with the clock time; answers through `handler`. */
export class StubTransport implements VenueTransport {
  readonly sent: Sent[] = [];
  constructor(
    private readonly clock: ManualClock,
    public handler: Handler,
  ) {}
  async send(req: VenueRequest): Promise<VenueReply> {
    this.sent.push({ at: this.clock.now(), req });
    return this.handler(req, this.sent.length);
  }
  routes(): string[] {
    return this.sent.map((s) => s.req.route);
  }
}

/** A venue that accepts everything: order ids echo the envelope's client id hash. */
export const acceptAll: Handler = (req) => {
  switch (req.route) {
    case "postOrder": {
      const env = JSON.parse(req.body ?? "{}") as { order: { clientOrderId: string } };
      return json(200, { success: true, errorMsg: "", orderID: hashId(env.order.clientOrderId), status: "live" });
    }
    case "postOrders": {
      const envs = JSON.parse(req.body ?? "[]") as { order: { clientOrderId: string } }[];
      return json(
        200,
        envs.map((e) => ({ success: true, errorMsg: "", orderID: hashId(e.order.clientOrderId), status: "live" })),
      );
    }
    case "deleteOrder": {
      const b = JSON.parse(req.body ?? "{}") as { orderID: string };
      return json(200, { canceled: [b.orderID], not_canceled: {} });
    }
    case "deleteOrders":
      return json(200, { canceled: JSON.parse(req.body ?? "[]"), not_canceled: {} });
    case "cancelAll":
      return json(200, { canceled: [], not_canceled: {} });
    default:
      return json(404, { error: "not found" });
  }
};

export const COND = conditionId(`0x${"ab".repeat(32)}`);
export const YES = tokenId("1111");
export const NO = tokenId("2222");

export function order(clientOrderId: string, over: Partial<OrderRequest> = {}): OrderRequest {
  return {
    clientOrderId,
    conditionId: COND,
    tokenId: YES,
    side: "BUY",
    price: price("0.5"),
    size: size("10"),
    orderType: "GTC",
    postOnly: true,
    tickSize: 100,
    negRisk: false,
    ...over,
  };
}

/** Hardhat's first test key (public test vector, never funded on mainnet) and its address. */
export const SIGNING_KEY = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
export const SIGNING_KEY_ADDRESS = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266";

/** An order with a real-sized token id, for the signer tests (the id goes into the signed struct). */
export const signableOrder = (over: Partial<OrderRequest> = {}): OrderRequest =>
  order("c1", {
    tokenId: tokenId("71321045679252212594626385532706912750332728571942532289631379312455583992563"),
    price: price("0.55"),
    ...over,
  });

export const place = (actionId: number, over: Partial<OrderRequest> = {}): PlaceAction => ({
  kind: "PLACE",
  actionId,
  order: order(`c${actionId}`, over),
});

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

/** Runs the worker to completion on virtual time: drain microtasks/IO, then jump to the next timer. */
export async function settle(clock: ManualClock, core: GatewayCore, maxSteps = 100_000): Promise<void> {
  for (let i = 0; i < maxSteps; i++) {
    await tick();
    if (!core.busy) {
      await tick();
      if (!core.busy) return;
    }
    const next = clock.nextTimerAt();
    if (next !== undefined) clock.advanceTo(Math.max(next, clock.now()));
  }
  throw new Error("settle: worker did not become idle");
}
