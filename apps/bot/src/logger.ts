/**
 * pino logger with two layers of secret protection: path redaction for the field names secrets
 * travel under, and a scrubber on the final line that replaces any known secret value wherever it
 * appears (an error message, a URL, a nested payload).
 */
import { pino, type DestinationStream, type Logger } from "pino";

export const REDACT_PATHS = [
  "secret",
  "passphrase",
  "privateKey",
  "signature",
  "apiSecret",
  "*.secret",
  "*.passphrase",
  "*.privateKey",
  "*.signature",
  "*.apiSecret",
  "*.*.secret",
  "*.*.passphrase",
  "*.*.privateKey",
  "*.*.signature",
  'headers["poly_signature"]',
  'headers["poly_passphrase"]',
  'headers["POLY_SIGNATURE"]',
  'headers["POLY_PASSPHRASE"]',
];

export interface LoggerOptions {
  readonly level: string;
  /** Exact secret values to scrub from every line (private key, API secret, passphrase). */
  readonly secrets?: readonly string[];
  /** Defaults to stdout. Tests pass a capturing stream. */
  readonly destination?: DestinationStream;
}

export function createLogger(options: LoggerOptions): Logger {
  const secrets = [...new Set(options.secrets ?? [])].filter((s) => s.length >= 8).sort((a, b) => b.length - a.length);
  return pino(
    {
      level: options.level,
      base: { app: "mm-bot" },
      redact: { paths: REDACT_PATHS, censor: "[redacted]" },
      hooks:
        secrets.length > 0
          ? {
              streamWrite: (line: string) => {
                let out = line;
                for (const s of secrets) if (out.includes(s)) out = out.split(s).join("[redacted]");
                return out;
              },
            }
          : {},
    },
    options.destination ?? pino.destination({ sync: false }),
  );
}
