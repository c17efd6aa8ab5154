// postinstall: pnpm does not link a package's own "bin" into its own node_modules/.bin, yet the
// documented invocation is `pnpm --filter @mm/protocol exec mm-protocol …`. Link it (idempotent).
import { chmodSync, existsSync, lstatSync, mkdirSync, symlinkSync, unlinkSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const pkgDir = join(dirname(fileURLToPath(import.meta.url)), "..");
const binDir = join(pkgDir, "node_modules", ".bin");
const target = join(pkgDir, "bin", "mm-protocol.mjs");
const link = join(binDir, "mm-protocol");
try {
  mkdirSync(binDir, { recursive: true });
  if (existsSync(link) || lstatSync(link, { throwIfNoEntry: false })) unlinkSync(link);
  if (process.platform === "win32") {
    writeFileSync(`${link}.cmd`, `@node "${target}" %*\r\n`);
  } else {
    symlinkSync(relative(binDir, target), link);
    chmodSync(target, 0o755);
  }
} catch (e) {
  process.stderr.write(`@mm/protocol: could not link the mm-protocol bin: ${e instanceof Error ? e.message : String(e)}\n`);
}
