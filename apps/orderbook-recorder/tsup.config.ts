import { mmTsupConfig } from "@mm/tsup-config";
import { defineConfig } from "tsup";

// Two builds into one dist/ (cleaned by the build script): the CLI and the worker entries (no
// declarations; workers are loaded as `<dist>/<name>.js` next to the bundle), and the library
// surface `src/index.ts` with declarations, which the backtester imports for the segment reader.
const app = {
  ...mmTsupConfig({
    entry: {
      main: "src/main.ts",
      "book-worker": "src/internal/book-worker.ts",
      "compress-worker": "src/internal/compress-worker.ts",
    } as never,
    dts: false,
  }),
  clean: false,
};
const lib = { ...mmTsupConfig({ entry: ["src/index.ts"], dts: true }), clean: false };

export default defineConfig([app, lib] as never);
