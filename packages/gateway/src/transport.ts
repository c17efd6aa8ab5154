/**
 * The ports the gateway core talks through: a venue transport (one HTTP exchange, already
 * authenticated and time-limited by the implementation) and an order signer. The live
 * implementations are `createHttpTransport` (undici Pool + L2 headers) and `createOrderSigner`
 * (@mm/protocol EIP-712); tests may pass hand-written stubs.
 */
import type { OrderId, OrderRequest } from "@mm/types";

/** Venue routes the gateway calls; used for limits, timeouts and metrics. */
export type RouteKey =
  | "postOrder"
  | "postOrders"
  | "deleteOrder"
  | "deleteOrders"
  | "cancelAll"
  | "getOrder"
  | "getOrders"
  | "getTrades"
  | "getBalance"
  | "heartbeat";

export interface VenueRequest {
  readonly route: RouteKey;
  readonly method: "GET" | "POST" | "DELETE";
  /** Path without query string (this is what L2 signs). */
  readonly path: string;
  readonly query?: Readonly<Record<string, string>>;
  /** Exact body bytes to send (and sign). */
  readonly body?: string;
}

export type VenueReply =
  | {
      readonly kind: "response";
      readonly status: number;
      /** Lower-case header lookup. */
      readonly header: (name: string) => string | undefined;
      readonly text: string;
    }
  /** No answer within the route's timeout: the call may have executed. */
  | { readonly kind: "timeout" }
  /** The connection failed; `sent` is false only when the request provably never left. */
  | { readonly kind: "network"; readonly sent: boolean; readonly message: string }
  /** Aborted by shutdown. `sent` as above. */
  | { readonly kind: "aborted"; readonly sent: boolean };

export interface VenueTransport {
  send(request: VenueRequest, signal: AbortSignal): Promise<VenueReply>;
}

export interface SignedOrder {
  /** The EIP-712 order hash: the venue's order id. */
  readonly orderId: OrderId;
  /** The `POST /order` envelope (`{order, owner, orderType, postOnly, …}`), JSON-serializable. */
  readonly envelope: unknown;
}

export interface OrderSigner {
  /** Builds and signs. Throws (with a message) on an order that cannot be expressed on the wire. */
  sign(order: OrderRequest): SignedOrder;
}
