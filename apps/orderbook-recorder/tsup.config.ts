import { defineConfig } from "tsup";
import { mmTsupConfig } from "@mm/tsup-config";

// Two builds: the CLI + worker entries (no declarations) and the library surface (`src/index.ts`,
// with declarations) that the backtester imports for the segment reader.
const app = mmTsupConfig({ entry: ["src/main.ts", "src/internal/book-worker.ts", "src/internal/compress-worker.ts"], dts: false });
const lib = { ...mmTsupConfig({ entry: ["src/index.ts"], dts: true }), clean: false };

export default defineConfig([app, lib] as never);
