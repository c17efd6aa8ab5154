#!/usr/bin/env node
// Launcher of the `mm-protocol` CLI. Runs the TypeScript sources through tsx, resolving workspace
// packages to their sources (`@mm/source` export condition), so it works from a fresh clone after
// `pnpm install` without a build.
import { register } from "node:module";
import { register as registerTsx } from "tsx/esm/api";

registerTsx();
const addSourceCondition = `
export async function resolve(specifier, context, next) {
  const conditions = context.conditions.includes("@mm/source") ? context.conditions : [...context.conditions, "@mm/source"];
  return next(specifier, { ...context, conditions });
}`;
register(`data:text/javascript,${encodeURIComponent(addSourceCondition)}`);

const { main } = await import("../src/cli/main.ts");
const code = main(process.argv.slice(2));
process.stdout.write("", () => process.exit(code));
