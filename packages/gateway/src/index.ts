// @mm/gateway: serialized exchange I/O implementing the OrderGateway port.
export { classifyReject, isDefinitiveReject, REJECT_RULES } from "./classify.js";
export {
  DEFAULT_POLICY,
  DEFAULT_RATE_LIMITS,
  resolvePolicy,
  type GatewayPolicy,
  type GatewayPolicyInput,
  type RateLimitPolicy,
  type RetryPolicy,
  type SheddingPolicy,
  type VerifyPolicy,
} from "./config.js";
export {
  CLEARED_BY_CANCEL_ALL,
  GATEWAY_CLOSED,
  GatewayCore,
  type CallOutcome,
  type GatewayCoreOptions,
  type GatewayStats,
} from "./gateway-core.js";
export { createGateway, gatewayScoped, type Gateway, type GatewayOptions } from "./gateway.js";
export { createOrderSigner, OrderBuildError, SignerConfigError, type LiveOrderSigner, type OrderSignerConfig } from "./signer.js";
export { Heartbeat, type HeartbeatOptions, type HeartbeatStats } from "./heartbeat.js";
export { createHttpTransport, type HttpTransport, type HttpTransportOptions } from "./http/http-transport.js";
export { ActionQueue, type Queued } from "./internal/action-queue.js";
export { LimiterSet, WindowLimiter, type WindowLimit } from "./internal/window-limiter.js";
export { backoffMs, decideRetry, notExecuted, parseRetryAfter, type AttemptFailure, type RetryDecision } from "./retry.js";
export type { SyncIdentity } from "./sync.js";
export type { OrderSigner, RouteKey, SignedOrder, VenueReply, VenueRequest, VenueTransport } from "./transport.js";
