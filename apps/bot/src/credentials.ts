/**
 * Live-trading credentials, from the environment only. They are kept out of the config object, and
 * `toJSON`/inspection never reveal them, so they cannot reach logs, errors, journals or summaries.
 */
import { inspect } from "node:util";
import { PrivateKeySigner } from "@mm/protocol";

export interface LiveCredentials {
  /** 0x-prefixed 32-byte hex private key of the signer. */
  readonly privateKey: string;
  /** L2 API credentials; absent when they must be derived via L1 from the private key. */
  readonly api?: { readonly key: string; readonly secret: string; readonly passphrase: string };
  /**
   * Funder address, when it differs from the signer: the proxy / Safe (types 1, 2) or the deposit
   * wallet (type 3, required there).
   */
  readonly funder?: string;
  /** 0 EOA, 1 POLY_PROXY, 2 POLY_GNOSIS_SAFE, 3 POLY_1271 (CLOB V2 deposit wallet). */
  readonly signatureType: LiveSignatureType;
}

export type LiveSignatureType = 0 | 1 | 2 | 3;
/** `POLY_SIGNATURE_TYPE` value of a deposit wallet (POLY_1271). */
export const DEPOSIT_WALLET_SIGNATURE_TYPE = 3;

export const CREDENTIAL_ENV = {
  privateKey: "POLY_PRIVATE_KEY",
  apiKey: "POLY_API_KEY",
  apiSecret: "POLY_API_SECRET",
  passphrase: "POLY_PASSPHRASE",
  funder: "POLY_FUNDER",
  signatureType: "POLY_SIGNATURE_TYPE",
} as const;

export class CredentialsError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`live trading needs credentials:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "CredentialsError";
  }
}

const REDACTED = "[redacted]";

/** Wraps credentials so that JSON, util.inspect and template strings show nothing secret. */
function sealed(c: LiveCredentials): LiveCredentials {
  const hidden = { ...c };
  Object.defineProperties(hidden, {
    toJSON: {
      value: () => ({
        privateKey: REDACTED,
        api: c.api ? { key: c.api.key, secret: REDACTED, passphrase: REDACTED } : undefined,
        signatureType: c.signatureType,
      }),
      enumerable: false,
    },
    [inspect.custom]: { value: () => "LiveCredentials([redacted])", enumerable: false },
    toString: { value: () => "LiveCredentials([redacted])", enumerable: false },
  });
  return Object.freeze(hidden);
}

/** Reads live credentials; lists every problem at once. Never echoes a secret value in an error. */
export function loadLiveCredentials(env: Readonly<Record<string, string | undefined>>): LiveCredentials {
  const problems: string[] = [];
  const pk = env[CREDENTIAL_ENV.privateKey];
  /** The key's address, when the key is usable (needed to tell a deposit wallet from the EOA). */
  let keyAddress: string | undefined;
  if (!pk) problems.push(`${CREDENTIAL_ENV.privateKey} is not set`);
  else if (!/^0x[0-9a-fA-F]{64}$/.test(pk)) problems.push(`${CREDENTIAL_ENV.privateKey} must be 0x followed by 64 hex digits`);
  else {
    try {
      keyAddress = PrivateKeySigner.fromHex(pk).address;
    } catch {
      problems.push(`${CREDENTIAL_ENV.privateKey} is not a valid secp256k1 private key`);
    }
  }
  const key = env[CREDENTIAL_ENV.apiKey];
  const secret = env[CREDENTIAL_ENV.apiSecret];
  const passphrase = env[CREDENTIAL_ENV.passphrase];
  const given = [key, secret, passphrase].filter(Boolean).length;
  if (given > 0 && given < 3) {
    problems.push(
      `${CREDENTIAL_ENV.apiKey}, ${CREDENTIAL_ENV.apiSecret} and ${CREDENTIAL_ENV.passphrase} go together (or leave all three unset to derive them via L1)`,
    );
  }
  const funder = env[CREDENTIAL_ENV.funder];
  if (funder !== undefined && !/^0x[0-9a-fA-F]{40}$/.test(funder)) problems.push(`${CREDENTIAL_ENV.funder} must be a 0x address`);
  const st = env[CREDENTIAL_ENV.signatureType] ?? "0";
  if (!["0", "1", "2", "3"].includes(st))
    problems.push(`${CREDENTIAL_ENV.signatureType} must be 0 (EOA), 1 (POLY_PROXY), 2 (POLY_GNOSIS_SAFE) or 3 (POLY_1271, deposit wallet)`);
  if (st === String(DEPOSIT_WALLET_SIGNATURE_TYPE)) {
    if (!funder)
      problems.push(
        `${CREDENTIAL_ENV.signatureType}=3 (deposit wallet) needs ${CREDENTIAL_ENV.funder} = your deposit wallet address (the maker and signer of your orders)`,
      );
    else if (keyAddress !== undefined && funder.toLowerCase() === keyAddress.toLowerCase())
      problems.push(
        `${CREDENTIAL_ENV.funder} must be your deposit wallet, not the address of ${CREDENTIAL_ENV.privateKey} (that is signature type 0)`,
      );
  }
  if (problems.length > 0) throw new CredentialsError(problems);
  return sealed({
    privateKey: pk as string,
    ...(given === 3 ? { api: { key: key as string, secret: secret as string, passphrase: passphrase as string } } : {}),
    ...(funder ? { funder } : {}),
    signatureType: Number(st) as LiveSignatureType,
  });
}

/** Every secret string in the credentials, for the log scrubber. */
export function secretValues(c: LiveCredentials | undefined): string[] {
  if (!c) return [];
  return [c.privateKey, c.privateKey.slice(2), c.api?.secret, c.api?.passphrase].filter(
    (s): s is string => typeof s === "string" && s.length >= 8,
  );
}
