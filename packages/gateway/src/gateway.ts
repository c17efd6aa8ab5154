/**
 * `createGateway`: the composed live gateway — undici HTTP transport with L2 auth, @mm/protocol
 * order signer, the worker (GatewayCore) and the dead-man heartbeat — behind the `OrderGateway`
 * port. `gatewayScoped` is the same as an Effect scoped resource (closed with its scope).
 */
import type { ApiCredentials } from "@mm/protocol";
import { type Clock, type GatewayAction, type GatewayResult, type Mailbox, type OrderGateway, systemClock } from "@mm/types";
import { Effect, type Scope } from "effect";
import type { GatewayPolicyInput } from "./config.js";
import { GatewayCore, type GatewayStats } from "./gateway-core.js";
import { Heartbeat, type HeartbeatStats } from "./heartbeat.js";
import { createHttpTransport, type HttpTransportOptions } from "./http/http-transport.js";
import { createOrderSigner, type OrderSignerConfig } from "./signer.js";

export interface GatewayOptions {
  /** CLOB origin (`https://clob.polymarket.com`, or the simulator's URL). */
  readonly clobUrl: string;
  /** L2 API credentials (key, secret, passphrase). */
  readonly credentials: ApiCredentials;
  /** Order signing: private key, funder, signature type, chain id, version (V1 default). `apiKey` defaults to credentials.key. */
  readonly signer: Omit<OrderSignerConfig, "apiKey" | "clock"> & { readonly apiKey?: string };
  /** Where every result goes (the executor's mailbox). */
  readonly mailbox: Mailbox<GatewayResult>;
  readonly clock?: Clock;
  readonly policy?: GatewayPolicyInput;
  readonly http?: Pick<
    HttpTransportOptions,
    "timeoutsMs" | "connections" | "keepAliveTimeoutMs" | "connectTimeoutMs" | "maxResponseBytes" | "headers"
  >;
  /** Dead-man heartbeat (default on, 5 s; lapse reported after 10 s without a good beat). `false` turns it off. */
  readonly heartbeat?: false | { readonly intervalMs?: number; readonly lapseMs?: number };
  /** Fetch balances during SYNC. */
  readonly syncBalances?: boolean;
}

export interface Gateway extends OrderGateway {
  /** Starts the heartbeat. Submitting works before `start()`; the dead-man switch only after. */
  start(): void;
  /** Stops the heartbeat, answers queued actions, aborts the in-flight request, closes connections. */
  close(): Promise<void>;
  readonly stats: { readonly worker: GatewayStats; readonly heartbeat: HeartbeatStats | undefined };
  /** Resolves when the worker is idle (tests, orderly shutdown). */
  whenIdle(): Promise<void>;
  /** The signing address (POLY_ADDRESS) and the maker address. */
  readonly address: string;
  readonly maker: string;
}

export function createGateway(o: GatewayOptions): Gateway {
  const clock = o.clock ?? systemClock;
  const signer = createOrderSigner({ ...o.signer, apiKey: o.signer.apiKey ?? o.credentials.key, clock });
  const transport = createHttpTransport({ ...o.http, baseUrl: o.clobUrl, credentials: o.credentials, address: signer.address, clock });
  const core = new GatewayCore({
    transport,
    signer,
    mailbox: o.mailbox,
    clock,
    ...(o.policy !== undefined ? { policy: o.policy } : {}),
    identity: {
      apiKey: o.credentials.key,
      addresses: [...new Set([signer.maker, signer.address])],
      ...(o.signer.signatureType !== undefined ? { signatureType: o.signer.signatureType } : {}),
    },
    syncBalances: o.syncBalances === true,
  });
  const heartbeat =
    o.heartbeat === false
      ? undefined
      : new Heartbeat({
          transport,
          clock,
          mailbox: o.mailbox,
          signal: core.signal,
          onHeaders: (h) => core.observeHeaders(h),
          ...(o.heartbeat?.intervalMs !== undefined ? { intervalMs: o.heartbeat.intervalMs } : {}),
          ...(o.heartbeat?.lapseMs !== undefined ? { lapseMs: o.heartbeat.lapseMs } : {}),
        });
  let closed = false;
  return {
    submit: (a: GatewayAction) => core.submit(a),
    start: () => heartbeat?.start(),
    async close() {
      if (closed) return;
      closed = true;
      await heartbeat?.stop();
      await core.close();
      await transport.destroy();
    },
    stats: { worker: core.stats, heartbeat: heartbeat?.stats },
    whenIdle: () => core.whenIdle(),
    address: signer.address,
    maker: signer.maker,
  };
}

/** The gateway as a scoped Effect resource: started on acquire, closed when the scope closes. */
export const gatewayScoped = (o: GatewayOptions): Effect.Effect<Gateway, never, Scope.Scope> =>
  Effect.acquireRelease(
    Effect.sync(() => {
      const g = createGateway(o);
      g.start();
      return g;
    }),
    (g) => Effect.promise(() => g.close()),
  );
