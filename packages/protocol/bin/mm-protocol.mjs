#!/usr/bin/env node
// Launcher of the `mm-protocol` CLI. A published (built) package runs `dist/cli.js`. Inside the
// workspace, with no build, it runs the TypeScript sources through tsx (a workspace dev tool),
// resolving workspace packages to their sources via the `@mm/source` export condition.
import { existsSync } from "node:fs";
import { register } from "node:module";

const built = new URL("../dist/cli.js", import.meta.url);
const sources = new URL("../src/cli/main.ts", import.meta.url);
let main;
if (existsSync(sources)) {
  const { register: registerTsx } = await import("tsx/esm/api");
  registerTsx();
  const addSourceCondition = `
export async function resolve(specifier, context, next) {
  const conditions = context.conditions.includes("@mm/source") ? context.conditions : [...context.conditions, "@mm/source"];
  return next(specifier, { ...context, conditions });
}`;
  register(`data:text/javascript,${encodeURIComponent(addSourceCondition)}`);
  ({ main } = await import(sources.href));
} else if (existsSync(built)) {
  ({ main } = await import(built.href));
} else {
  process.stderr.write("mm-protocol: neither dist/cli.js nor the sources were found; build the package first\n");
  process.exit(2);
}
const code = main(process.argv.slice(2));
process.stdout.write("", () => process.exit(code));
