import { mmTsupConfig } from "@mm/tsup-config";

export default mmTsupConfig({ entry: ["src/main.ts"], dts: false });
