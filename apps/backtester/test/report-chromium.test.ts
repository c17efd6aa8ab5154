/**
 * The HTML report renders in a real browser: headless Debian `chromium` loads the file (no network),
 * runs the inline plotter, and the dumped DOM must say that every chart drew points. Skipped (with a
 * note) where chromium is not installed: `apt-get install -y chromium`.
 */
import { execFile, execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { renderReport, runBacktest } from "../src/index.js";
import { generateSyntheticSession } from "../src/synthetic.js";

const chromium = (() => {
  for (const bin of ["chromium", "chromium-browser"]) {
    try {
      execFileSync("which", [bin], { stdio: "pipe" });
      return bin;
    } catch {}
  }
  return undefined;
})();

const dir = mkdtempSync(join(tmpdir(), "bt-html-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.skipIf(chromium === undefined)("HTML report in headless chromium", () => {
  it("draws the PnL, inventory and quotes charts", async () => {
    const tape = generateSyntheticSession({ seed: 31, durationMs: 120_000 });
    const r = runBacktest(tape, {
      seed: 1,
      strategy: { kind: "reference", options: { contract: { kind: "up", symbol: "BTCUSDT" } } },
      initialCollateral: 1_000_000_000,
    });
    const file = join(dir, "report.html");
    writeFileSync(file, renderReport({ summary: r.summary, series: r.series, fills: r.fills, marketNames: ["synthetic"] }));
    const dom = await new Promise<string>((resolve, reject) => {
      execFile(
        chromium as string,
        [
          "--headless",
          "--no-sandbox",
          "--disable-gpu",
          "--no-first-run",
          "--disable-background-networking",
          "--disable-component-update",
          "--disable-sync",
          `--user-data-dir=${join(dir, "profile")}`,
          "--virtual-time-budget=5000",
          "--dump-dom",
          pathToFileURL(file).href,
        ],
        { timeout: 90_000, maxBuffer: 64 * 1024 * 1024 },
        (error, stdout) => (error ? reject(error) : resolve(stdout)),
      );
    });
    expect(dom).toMatch(/<body[^>]*data-charts-drawn="3"/);
    const points = [...dom.matchAll(/<canvas id="(pnl|inv|quotes)-0"[^>]*data-points="(\d+)"/g)].map((m) => [m[1], Number(m[2])]);
    expect(points.map(([id]) => id).sort()).toEqual(["inv", "pnl", "quotes"]);
    for (const [, n] of points) expect(n).toBeGreaterThan(10);
  }, 120_000);
});
