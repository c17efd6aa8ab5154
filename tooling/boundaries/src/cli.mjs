#!/usr/bin/env node
// `pnpm check:boundaries [root]`: exit 1 and list every violation of the allowed arrows.
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { checkBoundaries } from "./check.mjs";

const root = process.argv[2] ? resolve(process.argv[2]) : resolve(fileURLToPath(import.meta.url), "../../../..");
const { violations, checkedFiles, packages } = checkBoundaries(root);
if (violations.length > 0) {
  console.error(`dependency boundaries: ${violations.length} violation(s)`);
  for (const v of violations) console.error(`  - ${v}`);
  process.exit(1);
}
console.log(`dependency boundaries: ok (${packages} packages, ${checkedFiles} files)`);
