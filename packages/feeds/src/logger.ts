/**
 * The logging port the feeds write to: the pino call shape (`logger.warn({ ...fields }, "msg")`),
 * so a pino logger (or a child of one) can be passed as is. Secrets are never put in fields.
 */
export interface FeedLogger {
  debug(fields: Record<string, unknown>, msg: string): void;
  info(fields: Record<string, unknown>, msg: string): void;
  warn(fields: Record<string, unknown>, msg: string): void;
  error(fields: Record<string, unknown>, msg: string): void;
}

const noop = (): void => {};
export const silentLogger: FeedLogger = { debug: noop, info: noop, warn: noop, error: noop };

/** First `max` characters of a frame for a log line (frames on these channels carry no secrets). */
export function framePreview(data: string | Uint8Array, max = 300): string {
  const text =
    typeof data === "string" ? data : Buffer.from(data.buffer, data.byteOffset, Math.min(data.byteLength, max * 4)).toString("utf8");
  return text.length > max ? `${text.slice(0, max)}…(${typeof data === "string" ? data.length : data.byteLength} bytes)` : text;
}
