/**
 * Starts one of the recorder's worker threads. Built (dist): `<dist>/<name>.js` next to the
 * bundle. From sources (tests, `pnpm dev`): `src/internal/<name>.ts` through tsx's loader,
 * registered inside the worker before the entry is imported.
 */
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";

export type WorkerName = "book-worker" | "compress-worker";

export function startWorker(name: WorkerName, workerData: unknown): Worker {
  const here = import.meta.url;
  if (here.endsWith(".ts")) {
    const entry = new URL(`./${name}.ts`, here).href;
    const require = createRequire(here);
    const tsx = pathToFileURL(require.resolve("tsx/esm/api").replace(/index\.cjs$/, "index.mjs")).href;
    const code = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); })`;
    return new Worker(code, { eval: true, workerData, execArgv: ["--conditions=@mm/source"] });
  }
  return new Worker(new URL(`./${name}.js`, here), { workerData });
}
