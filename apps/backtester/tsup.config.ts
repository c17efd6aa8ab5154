import { mmTsupConfig } from "@mm/tsup-config";

export default mmTsupConfig({ entry: ["src/index.ts", "src/cli.ts", "src/sweep-worker.ts"] });
