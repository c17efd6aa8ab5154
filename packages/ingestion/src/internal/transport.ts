/**
 * JSON over HTTP with the retry policy, on one undici `Agent` (keep-alive connection pools per
 * origin). Per attempt: a timeout, a response-size bound, status classification, the venue's error
 * text. The caller's AbortSignal aborts the in-flight request AND any backoff wait, and its reason
 * is rethrown unchanged.
 */
import type { Clock } from "@mm/types";
import { Agent, type Dispatcher } from "undici";
import { PolymarketApiError } from "../errors.js";
import { isRetryableStatus, parseRetryAfter, type RetryPolicy, retryDelayMs, sleep } from "../retry.js";

export type QueryValue = string | number | boolean | undefined | readonly (string | number)[];

export interface JsonRequest {
  readonly origin: string;
  readonly method: "GET" | "POST";
  readonly path: string;
  readonly query?: Readonly<Record<string, QueryValue>>;
  readonly body?: unknown;
  readonly signal?: AbortSignal | undefined;
}

export interface RetryInfo {
  readonly method: string;
  readonly url: string;
  /** The attempt that failed (1-based). */
  readonly attempt: number;
  readonly delayMs: number;
  readonly error: PolymarketApiError;
}

export interface TransportOptions {
  readonly clock: Clock;
  readonly retry: RetryPolicy;
  readonly timeoutMs: number;
  readonly maxResponseBytes: number;
  readonly connectionsPerOrigin: number;
  readonly keepAliveTimeoutMs: number;
  readonly userAgent: string;
  readonly onRetry?: ((info: RetryInfo) => void) | undefined;
}

export interface TransportStats {
  readonly requests: number;
  readonly attempts: number;
  readonly retries: number;
  readonly failures: number;
}

const MAX_VENUE_MESSAGE = 500;

class BodyTooLarge extends Error {}

export function buildPath(path: string, query: Readonly<Record<string, QueryValue>> | undefined): string {
  if (query === undefined) return path;
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined) continue;
    if (Array.isArray(v)) for (const item of v) params.append(k, String(item));
    else params.append(k, String(v));
  }
  const qs = params.toString();
  return qs.length === 0 ? path : `${path}?${qs}`;
}

/** The venue's error text from `{"error": "..."}` (or the raw body), trimmed to a safe length. */
function venueMessageOf(text: string): string | undefined {
  let msg: string | undefined;
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed === "object" && parsed !== null) {
      const e = (parsed as Record<string, unknown>).error ?? (parsed as Record<string, unknown>).message;
      if (typeof e === "string") msg = e;
    } else if (typeof parsed === "string") msg = parsed;
  } catch {
    msg = text.trim();
  }
  if (msg === undefined || msg.length === 0) return undefined;
  return msg.length > MAX_VENUE_MESSAGE ? `${msg.slice(0, MAX_VENUE_MESSAGE)}…` : msg;
}

function bodyRetryAfterMs(text: string): number | undefined {
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed === "object" && parsed !== null) {
      const s = (parsed as Record<string, unknown>).retry_after_seconds;
      if (typeof s === "number" && Number.isFinite(s) && s >= 0) return Math.round(s * 1000);
    }
  } catch {
    // not JSON: no hint
  }
  return undefined;
}

async function readBody(body: Dispatcher.ResponseData["body"], maxBytes: number): Promise<string> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of body) {
    const buf = chunk as Buffer;
    total += buf.length;
    if (total > maxBytes) {
      body.destroy();
      throw new BodyTooLarge(`more than ${maxBytes} bytes`);
    }
    chunks.push(buf);
  }
  return Buffer.concat(chunks, total).toString("utf8");
}

const describeCause = (e: unknown): string => {
  if (e instanceof Error) {
    const code = (e as { code?: unknown }).code;
    return typeof code === "string" ? `${code}: ${e.message}` : e.message;
  }
  return String(e);
};

export class JsonTransport {
  private readonly agent: Agent;
  private requests = 0;
  private attempts = 0;
  private retries = 0;
  private failures = 0;

  constructor(private readonly options: TransportOptions) {
    this.agent = new Agent({
      connections: options.connectionsPerOrigin,
      keepAliveTimeout: options.keepAliveTimeoutMs,
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
    });
  }

  get stats(): TransportStats {
    return { requests: this.requests, attempts: this.attempts, retries: this.retries, failures: this.failures };
  }

  /** Sends the request (retrying per policy) and returns the parsed JSON body. */
  async request(req: JsonRequest): Promise<unknown> {
    this.requests++;
    const pathWithQuery = buildPath(req.path, req.query);
    const url = `${req.origin}${pathWithQuery}`;
    const { retry, clock } = this.options;
    for (let attempt = 1; ; attempt++) {
      req.signal?.throwIfAborted();
      let failure: PolymarketApiError;
      try {
        return await this.attempt(req, pathWithQuery, url, attempt);
      } catch (e) {
        if (req.signal?.aborted) throw req.signal.reason;
        if (!(e instanceof PolymarketApiError)) throw e;
        failure = e;
      }
      const tooLongToWait = failure.retryAfterMs !== undefined && failure.retryAfterMs > retry.maxRetryAfterMs;
      if (!failure.retryable || attempt >= retry.maxAttempts || tooLongToWait) {
        this.failures++;
        throw failure;
      }
      const delayMs = retryDelayMs(attempt, retry, failure.retryAfterMs);
      this.retries++;
      this.options.onRetry?.({ method: req.method, url, attempt, delayMs, error: failure });
      await sleep(clock, delayMs, req.signal);
    }
  }

  private async attempt(req: JsonRequest, pathWithQuery: string, url: string, attempt: number): Promise<unknown> {
    this.attempts++;
    const timeout = AbortSignal.timeout(this.options.timeoutMs);
    const signal = req.signal === undefined ? timeout : AbortSignal.any([req.signal, timeout]);
    const fail = (reason: PolymarketApiError["reason"], retryable: boolean, extra: { detail?: string; cause?: unknown } = {}) =>
      new PolymarketApiError({ reason, method: req.method, url, attempts: attempt, retryable, ...extra });

    let res: Dispatcher.ResponseData;
    try {
      res = await this.agent.request({
        origin: req.origin,
        path: pathWithQuery,
        method: req.method,
        headers: {
          accept: "application/json",
          "user-agent": this.options.userAgent,
          ...(req.body === undefined ? {} : { "content-type": "application/json" }),
        },
        ...(req.body === undefined ? {} : { body: JSON.stringify(req.body) }),
        signal,
      });
    } catch (e) {
      if (req.signal?.aborted) throw req.signal.reason;
      if (timeout.aborted) throw fail("timeout", true, { detail: `no response within ${this.options.timeoutMs} ms`, cause: e });
      throw fail("network", true, { detail: describeCause(e), cause: e });
    }

    const declared = Number(res.headers["content-length"]);
    let text: string;
    try {
      if (Number.isFinite(declared) && declared > this.options.maxResponseBytes) {
        res.body.destroy();
        throw new BodyTooLarge(`content-length ${declared}`);
      }
      text = await readBody(res.body, this.options.maxResponseBytes);
    } catch (e) {
      if (req.signal?.aborted) throw req.signal.reason;
      if (e instanceof BodyTooLarge)
        throw fail("response_too_large", false, { detail: `${e.message} (limit ${this.options.maxResponseBytes})` });
      if (timeout.aborted) throw fail("timeout", true, { detail: `body not complete within ${this.options.timeoutMs} ms`, cause: e });
      throw fail("network", true, { detail: describeCause(e), cause: e });
    }

    const status = res.statusCode;
    if (status < 200 || status >= 300) {
      const venueMessage = venueMessageOf(text);
      const retryAfterMs =
        status === 429 || status === 503 || status === 425
          ? (parseRetryAfter(res.headers["retry-after"], this.options.clock.now()) ?? bodyRetryAfterMs(text))
          : undefined;
      throw new PolymarketApiError({
        reason: "http_status",
        method: req.method,
        url,
        status,
        attempts: attempt,
        retryable: isRetryableStatus(status),
        ...(venueMessage === undefined ? {} : { venueMessage }),
        ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
      });
    }
    try {
      return JSON.parse(text) as unknown;
    } catch (e) {
      throw fail("invalid_response", false, { detail: `body is not JSON (${text.length} bytes)`, cause: e });
    }
  }

  close(): Promise<void> {
    return this.agent.close();
  }
}
