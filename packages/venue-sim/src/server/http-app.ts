/**
 * The request pipeline of the simulator's HTTP servers: route match → per-route counter → rate
 * limit (429 + Retry-After) → injected fault → raw body → L2 auth → handler. Handlers are
 * synchronous over the engine. "timeout" and "drop" faults execute the handler and then withhold
 * the response, reproducing requests that time out but succeed server-side.
 */
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { ApiCredentials, CredentialStore } from "./auth.js";
import type { FaultState } from "./faults.js";
import { BodyTooLargeError, readBody, sendJson, splitUrl } from "./http-kit.js";
import type { RateLimiter, SignerBucket, SignerLimiter } from "./rate-limit.js";

export interface Reply {
  readonly status: number;
  readonly body: unknown;
  readonly headers?: Record<string, string>;
}

export interface RouteContext {
  readonly path: string;
  readonly query: URLSearchParams;
  readonly params: readonly string[];
  readonly body: string;
  readonly headers: IncomingHttpHeaders;
  /** Present on L2 routes. */
  readonly creds: ApiCredentials | undefined;
}

export interface Route {
  readonly method: string;
  /** Literal path, or a pattern with `:param` segments ("/data/order/:id"). */
  readonly pattern: string;
  readonly auth: "none" | "l2";
  /** Exempt from rate limits and faults (admin). */
  readonly admin?: boolean;
  readonly handle: (ctx: RouteContext) => Reply;
  /** Per-signer bucket cost (L2 routes): `pre` before execution, `post` extra after it (cancel-all). */
  readonly signerCost?: {
    readonly bucket: SignerBucket;
    readonly pre: (ctx: RouteContext) => number;
    readonly post?: (ctx: RouteContext, reply: Reply) => number;
  };
}

interface CompiledRoute extends Route {
  readonly key: string;
  readonly segments: readonly string[] | undefined;
}

export const ok = (body: unknown, headers?: Record<string, string>): Reply =>
  headers === undefined ? { status: 200, body } : { status: 200, body, headers };
export const fail = (status: number, error: string, extra?: Record<string, unknown>): Reply => ({ status, body: { error, ...extra } });

export interface HttpAppOptions {
  readonly name: string;
  readonly routes: readonly Route[];
  readonly faults: FaultState;
  readonly limiter: RateLimiter | undefined;
  readonly signerLimiter?: SignerLimiter | undefined;
  readonly credentials: CredentialStore;
  readonly now: () => number;
  readonly maxBodyBytes?: number;
}

export class HttpApp {
  readonly server: Server;
  /** Requests received per route key ("POST /order"), including limited and faulted ones. */
  readonly requestCounts = new Map<string, number>();
  private readonly exact = new Map<string, CompiledRoute>();
  private readonly patterns: CompiledRoute[] = [];
  private readonly held = new Set<ServerResponse>();

  constructor(private readonly o: HttpAppOptions) {
    for (const r of o.routes) {
      const key = `${r.method} ${r.pattern}`;
      if (r.pattern.includes(":")) this.patterns.push({ ...r, key, segments: r.pattern.split("/") });
      else this.exact.set(key, { ...r, key, segments: undefined });
    }
    this.server = createServer((req, res) => {
      this.onRequest(req, res).catch(() => {
        if (!res.headersSent) sendJson(res, 500, { error: "internal error" });
      });
    });
    this.server.keepAliveTimeout = 5_000;
  }

  /** Destroys responses withheld by "timeout" faults (on stop). */
  releaseHeld(): void {
    for (const r of this.held) r.destroy();
    this.held.clear();
  }

  private match(method: string, path: string): { route: CompiledRoute; params: string[] } | undefined {
    const exact = this.exact.get(`${method} ${path}`);
    if (exact !== undefined) return { route: exact, params: [] };
    const parts = path.split("/");
    for (const r of this.patterns) {
      if (r.method !== method || r.segments === undefined || r.segments.length !== parts.length) continue;
      const params: string[] = [];
      let good = true;
      for (let i = 0; i < parts.length; i++) {
        const s = r.segments[i] as string;
        const p = parts[i] as string;
        if (s.startsWith(":")) {
          if (p.length === 0) {
            good = false;
            break;
          }
          params.push(decodeURIComponent(p));
        } else if (s !== p) {
          good = false;
          break;
        }
      }
      if (good) return { route: r, params };
    }
    return undefined;
  }

  private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = req.method ?? "GET";
    const { path, query } = splitUrl(req.url);
    const m = this.match(method, path);
    if (m === undefined) {
      this.count(`${method} ?`);
      req.resume();
      sendJson(res, 404, { error: "not found" });
      return;
    }
    const { route, params } = m;
    this.count(route.key);
    let fault: ReturnType<FaultState["takeHttpFault"]>;
    if (route.admin !== true) {
      const wait = this.o.limiter?.take(route.key) ?? 0;
      if (wait > 0) {
        req.resume();
        sendJson(res, 429, { error: "Too Many Requests" }, { "retry-after": String(wait) });
        return;
      }
      fault = this.o.faults.takeHttpFault(route.key);
      if (fault !== undefined && (fault.kind === "429" || fault.kind === "5xx" || fault.kind === "425")) {
        req.resume();
        const status = fault.kind === "429" ? 429 : fault.kind === "425" ? 425 : (fault.status ?? 500);
        const error =
          fault.message ?? (fault.kind === "429" ? "Too Many Requests" : fault.kind === "425" ? "Too Early" : "Internal Server Error");
        const headers: Record<string, string> = {};
        if (fault.kind === "429" || fault.retryAfterSec !== undefined) headers["retry-after"] = String(fault.retryAfterSec ?? 1);
        sendJson(res, status, { error }, headers);
        return;
      }
    }
    let body: string;
    try {
      body = await readBody(req, this.o.maxBodyBytes ?? 1_000_000);
    } catch (e) {
      sendJson(res, e instanceof BodyTooLargeError ? 413 : 400, {
        error: e instanceof BodyTooLargeError ? "Payload exceeds the limit" : "invalid body",
      });
      return;
    }
    let creds: ApiCredentials | undefined;
    if (route.auth === "l2") {
      const r = this.o.credentials.verifyL2(req.headers, method, path, body, this.o.now());
      if (!r.ok) {
        sendJson(res, 401, { error: r.error });
        return;
      }
      creds = r.creds;
    }
    const ctx: RouteContext = { path, query, params, body, headers: req.headers, creds };
    const signerLimiter = this.o.signerLimiter;
    const cost = creds !== undefined && signerLimiter !== undefined ? route.signerCost : undefined;
    let warn = false;
    if (cost !== undefined && creds !== undefined && signerLimiter !== undefined) {
      const wait = signerLimiter.take(creds.address.toLowerCase(), cost.bucket, cost.pre(ctx));
      if (wait > 0 && signerLimiter.limits.mode === "enforce") {
        sendJson(res, 429, { error: "Too Many Requests" }, { "retry-after": String(wait) });
        return;
      }
      warn = wait > 0;
    }
    let reply: Reply;
    try {
      reply = route.handle(ctx);
    } catch (e) {
      reply = fail(500, e instanceof Error ? e.message : "internal error");
    }
    if (cost?.post !== undefined && creds !== undefined && signerLimiter !== undefined) {
      signerLimiter.charge(creds.address.toLowerCase(), cost.bucket, cost.post(ctx, reply));
    }
    if (warn) reply = { ...reply, headers: { ...(reply.headers ?? {}), "poly-ratelimit-warning": "true" } };
    if (fault?.kind === "timeout") {
      // Executed; the answer never comes. The socket is destroyed after holdMs (or on stop).
      this.held.add(res);
      const t = setTimeout(() => {
        this.held.delete(res);
        res.destroy();
      }, fault.holdMs ?? 30_000);
      t.unref();
      res.on("close", () => {
        clearTimeout(t);
        this.held.delete(res);
      });
      return;
    }
    if (fault?.kind === "drop") {
      res.destroy();
      return;
    }
    sendJson(res, reply.status, reply.body, reply.headers);
  }

  private count(key: string): void {
    this.requestCounts.set(key, (this.requestCounts.get(key) ?? 0) + 1);
  }
}
