/** Entry of the `mm-protocol` bin (see bin/mm-protocol.mjs). */
import { existsSync, readFileSync } from "node:fs";
import { isAbsolute, resolve } from "node:path";
import { DECODE_KINDS, type DecodeKind, decodeContentTo, type Line } from "./decode-file.js";

const USAGE = `usage: mm-protocol decode [--as KIND] FILE
  KIND: ${DECODE_KINDS.join(" | ")} (default ws)
  FILE: one JSON document (object or array) or NDJSON of raw frames
  Output: NDJSON, one line per event (decimals canonical, times in epoch ms).`;

export function main(argv: readonly string[]): number {
  const args = [...argv];
  const cmd = args.shift();
  if (cmd === "--help" || cmd === "-h" || cmd === "help") {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (cmd !== "decode") {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  let kind: DecodeKind = "ws";
  let file: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === "--as") {
      const k = args[++i];
      if (!k || !(DECODE_KINDS as readonly string[]).includes(k)) {
        process.stderr.write(`unknown KIND ${JSON.stringify(k)}\n${USAGE}\n`);
        return 2;
      }
      kind = k as DecodeKind;
    } else if (a.startsWith("--as=")) {
      const k = a.slice(5);
      if (!(DECODE_KINDS as readonly string[]).includes(k)) {
        process.stderr.write(`unknown KIND ${JSON.stringify(k)}\n${USAGE}\n`);
        return 2;
      }
      kind = k as DecodeKind;
    } else if (file === undefined) file = a;
    else {
      process.stderr.write(`unexpected argument ${JSON.stringify(a)}\n${USAGE}\n`);
      return 2;
    }
  }
  if (file === undefined) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  let content: string;
  try {
    content = readFileSync(locate(file), "utf8");
  } catch (e) {
    process.stderr.write(`cannot read ${file}: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  }
  // Stream in ~64 KiB chunks (stdout is synchronous for files and pipes on Linux) so large
  // recordings never build one giant string.
  let chunk = "";
  const sink = {
    push(line: Line): void {
      chunk += `${JSON.stringify(line)}\n`;
      if (chunk.length >= 65_536) {
        process.stdout.write(chunk);
        chunk = "";
      }
    },
  };
  decodeContentTo(content, kind, sink);
  if (chunk.length > 0) process.stdout.write(chunk);
  return 0;
}

/**
 * `pnpm --filter @mm/protocol exec` runs in the package directory; a relative FILE is looked up
 * there first, then in the directory the user invoked pnpm from (INIT_CWD / PWD).
 */
function locate(file: string): string {
  if (isAbsolute(file)) return file;
  for (const base of [process.cwd(), process.env.INIT_CWD, process.env.PWD]) {
    if (base === undefined) continue;
    const candidate = resolve(base, file);
    if (existsSync(candidate)) return candidate;
  }
  return file;
}
