/**
 * The few authenticated CLOB REST calls the composition root makes itself (outside the gateway):
 * wallet balances (`/balance-allowance`) at start and for the end-of-run comparison, and L1
 * derivation of API credentials when only the private key is given. Secrets go into headers only;
 * errors carry the status and path, never a header or a body that could echo one.
 */
import {
  type ApiCredentials,
  apiKeyRequest,
  buildL1Headers,
  buildL2Headers,
  CLOB_PATHS,
  PrivateKeySigner,
  WireApiKeyCredsSchema,
  WireBalanceAllowanceSchema,
} from "@mm/protocol";
import { parseUsdc, type Usdc } from "@mm/types";

export class VenueRestError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = "VenueRestError";
  }
}

export interface VenueRestOptions {
  readonly clobUrl: string;
  readonly credentials: ApiCredentials;
  /** POLY_ADDRESS of the L2 headers (the signer's address). */
  readonly address: string;
  /** `signature_type` of balance queries (0 EOA default; 1 proxy, 2 Safe, 3 deposit wallet): the venue derives the wallet from it. */
  readonly signatureType?: number;
  readonly timeoutMs?: number;
  readonly now?: () => number;
}

const MAX_BODY = 1_000_000;

async function readJson(res: Response, what: string): Promise<unknown> {
  const text = await res.text();
  if (text.length > MAX_BODY) throw new VenueRestError(`${what}: response too large`, res.status);
  if (!res.ok) throw new VenueRestError(`${what}: HTTP ${res.status}`, res.status);
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new VenueRestError(`${what}: response is not JSON`, res.status);
  }
}

export class VenueRest {
  private readonly base: string;
  private readonly now: () => number;
  private readonly timeoutMs: number;

  constructor(private readonly o: VenueRestOptions) {
    this.base = o.clobUrl.replace(/\/+$/, "");
    this.now = o.now ?? Date.now;
    this.timeoutMs = o.timeoutMs ?? 10_000;
  }

  /** Settled wallet balance: collateral (micro-USDC) or a conditional token (micro-shares). */
  async balance(asset: "COLLATERAL" | string): Promise<number> {
    const path = CLOB_PATHS.balanceAllowance;
    const st = `signature_type=${this.o.signatureType ?? 0}`;
    const query =
      asset === "COLLATERAL" ? `asset_type=COLLATERAL&${st}` : `asset_type=CONDITIONAL&token_id=${encodeURIComponent(asset)}&${st}`;
    const headers = buildL2Headers(this.o.address, this.o.credentials, { method: "GET", path }, Math.floor(this.now() / 1000));
    const res = await fetch(`${this.base}${path}?${query}`, {
      headers: { ...headers },
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    const json = await readJson(res, `GET ${path}`);
    const parsed = WireBalanceAllowanceSchema.safeParse(json);
    if (!parsed.success) throw new VenueRestError(`GET ${path}: unexpected payload`, res.status);
    const raw = String((parsed.data as { balance: unknown }).balance);
    // The venue reports base units (6 decimals) as an integer string; accept a decimal too.
    if (/^\d+$/.test(raw)) return Number(raw);
    const u = parseUsdc(raw);
    if (!u.ok) throw new VenueRestError(`GET ${path}: balance is not a number`);
    return u.value as Usdc;
  }
}

/**
 * L1: derives (or, when none exists, creates) the API credentials of a private key. The key never
 * leaves this function except as a signature.
 */
export async function deriveApiCredentials(
  clobUrl: string,
  privateKey: string,
  options: { readonly chainId?: number; readonly nonce?: number; readonly timeoutMs?: number; readonly now?: () => number } = {},
): Promise<ApiCredentials> {
  const signer = PrivateKeySigner.fromHex(privateKey);
  const base = clobUrl.replace(/\/+$/, "");
  const now = options.now ?? Date.now;
  const attempt = async (kind: "derive" | "create"): Promise<ApiCredentials | undefined> => {
    const req = apiKeyRequest(kind);
    const headers = buildL1Headers(signer, {
      timestampSeconds: Math.floor(now() / 1000),
      ...(options.nonce !== undefined ? { nonce: options.nonce } : {}),
      ...(options.chainId !== undefined ? { chainId: options.chainId } : {}),
    });
    const res = await fetch(`${base}${req.path}`, {
      method: req.method,
      headers: { ...headers },
      signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
    });
    if (kind === "derive" && (res.status === 400 || res.status === 404)) return undefined;
    const json = await readJson(res, `${req.method} ${req.path}`);
    const parsed = WireApiKeyCredsSchema.safeParse(json);
    if (!parsed.success) throw new VenueRestError(`${req.method} ${req.path}: unexpected payload`, res.status);
    const d = parsed.data as { apiKey: string; secret: string; passphrase: string };
    return { key: d.apiKey, secret: d.secret, passphrase: d.passphrase };
  };
  return (await attempt("derive")) ?? (await attempt("create")) ?? Promise.reject(new VenueRestError("could not derive API credentials"));
}

/** The signer's address of a private key (POLY_ADDRESS). */
export function addressOf(privateKey: string): string {
  return PrivateKeySigner.fromHex(privateKey).address;
}

/**
 * The exchange generation the venue expects orders for (`GET /version` ⇒ `{"version": N}`;
 * POLYMARKET.md §0: V1 orders are rejected since CLOB V2, and clients assume 2 when the route or
 * the field is absent). Other failures throw: a live bot must not guess its order format.
 */
export async function fetchOrderVersion(clobUrl: string, timeoutMs = 10_000): Promise<1 | 2 | 3> {
  const url = `${clobUrl.replace(/\/+$/, "")}${CLOB_PATHS.version}`;
  const res = await fetch(url, { headers: { accept: "application/json" }, signal: AbortSignal.timeout(timeoutMs) });
  if (res.status === 404) {
    await res.body?.cancel();
    return 2;
  }
  const body = await readJson(res, `GET ${CLOB_PATHS.version}`);
  const v = typeof body === "object" && body !== null ? (body as { version?: unknown }).version : undefined;
  if (v === undefined || v === null) return 2;
  if (v === 1 || v === 2 || v === 3) return v;
  throw new VenueRestError(`GET ${CLOB_PATHS.version}: unsupported order version ${JSON.stringify(v).slice(0, 20)}`, res.status);
}
