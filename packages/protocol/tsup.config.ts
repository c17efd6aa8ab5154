import { mmTsupConfig } from "@mm/tsup-config";

export default mmTsupConfig({ entry: { index: "src/index.ts", cli: "src/cli/main.ts" } });
