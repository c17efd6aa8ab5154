import { mmVitestPreset } from "@mm/vitest-config";

// Most of this suite waits on loopback sockets, worker threads and child processes rather than
// burning CPU, so two test files run side by side even on 2 cores.
const preset = mmVitestPreset({ name: "orderbook-recorder" });
export default { ...preset, test: { ...preset.test, maxWorkers: 2 } };
