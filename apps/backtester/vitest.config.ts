import { mmVitestPreset } from "@mm/vitest-config";

export default mmVitestPreset({ name: "backtester" });
