import { Writable } from "node:stream";
import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import { CredentialsError, loadLiveCredentials, secretValues } from "../src/credentials.js";
import { createLogger } from "../src/logger.js";

const env = {
  POLY_PRIVATE_KEY: `0x${"ab".repeat(32)}`,
  POLY_API_KEY: "00000000-1111-2222-3333-444444444444",
  POLY_API_SECRET: "c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXNlY3I=",
  POLY_PASSPHRASE: "f".repeat(64),
};

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      lines.push(String(chunk));
      cb();
    },
  });
  return { lines, stream };
}

describe("secrets never reach logs", () => {
  it("credentials load from env and hide themselves from JSON, inspect and strings", () => {
    const creds = loadLiveCredentials(env);
    expect(creds.api?.key).toBe(env.POLY_API_KEY);
    const shown = [JSON.stringify(creds), inspect(creds), String(creds), `${creds}`].join("\n");
    for (const secret of [env.POLY_PRIVATE_KEY, env.POLY_API_SECRET, env.POLY_PASSPHRASE]) expect(shown).not.toContain(secret);
  });

  it("lists every credential problem without echoing values", () => {
    try {
      loadLiveCredentials({ POLY_PRIVATE_KEY: "0x1234", POLY_API_KEY: "k", POLY_SIGNATURE_TYPE: "7" });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(CredentialsError);
      expect((error as CredentialsError).problems).toHaveLength(3);
      expect((error as Error).message).not.toContain("0x1234");
    }
    expect(() => loadLiveCredentials({})).toThrow(/POLY_PRIVATE_KEY is not set/);
  });

  it("the logger redacts secret fields and scrubs secret values anywhere in a line", async () => {
    const creds = loadLiveCredentials(env);
    const { lines, stream } = capture();
    const log = createLogger({ level: "info", secrets: secretValues(creds), destination: stream });
    log.info({ auth: { apiKey: env.POLY_API_KEY, secret: env.POLY_API_SECRET, passphrase: env.POLY_PASSPHRASE } }, "subscribing");
    log.info({ headers: { POLY_SIGNATURE: "sig-value-123456789", POLY_PASSPHRASE: env.POLY_PASSPHRASE } }, "request");
    log.error(new Error(`signer ${env.POLY_PRIVATE_KEY} rejected; body had ${env.POLY_API_SECRET}`), "failure");
    log.info({ creds }, "creds object");
    log.info(`raw key without prefix ${env.POLY_PRIVATE_KEY.slice(2)}`);
    await new Promise((r) => setImmediate(r));
    const all = lines.join("");
    expect(lines.length).toBe(5);
    for (const secret of [
      env.POLY_PRIVATE_KEY,
      env.POLY_PRIVATE_KEY.slice(2),
      env.POLY_API_SECRET,
      env.POLY_PASSPHRASE,
      "sig-value-123456789",
    ]) {
      expect(all).not.toContain(secret);
    }
    expect(all).toContain(env.POLY_API_KEY); // the API key id is not a secret
    expect(all).toContain("[redacted]");
  });
});
