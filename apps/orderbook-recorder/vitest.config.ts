import { mmVitestPreset } from "@mm/vitest-config";

export default mmVitestPreset({ name: "orderbook-recorder" });
