import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import type { ConditionId } from "@mm/types";
import { afterAll, describe, expect, it } from "vitest";
import { SqliteStorage } from "../src/index.js";
import { tempDir } from "./helpers.js";

const here = dirname(fileURLToPath(import.meta.url));
const child = join(here, "fixtures", "journal-crash-child.ts");
const BATCH = 50;
const market = `0x${"ab".repeat(32)}` as ConditionId;
const tmp = tempDir("mm-crash-");
afterAll(() => tmp.remove());

interface Round {
  readonly startSeq: number;
  readonly lastReported: number;
  readonly reports: number;
  readonly signal: NodeJS.Signals | null;
}

/** Starts the writer child, lets it commit `reportsBeforeKill` batches, then SIGKILLs it after a random few ms. */
function runAndKill(path: string, reportsBeforeKill: number): Promise<Round> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ["--conditions=@mm/source", "--import", "tsx", child, path, String(BATCH)], {
      cwd: here,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    proc.stderr.on("data", (d: Buffer) => {
      stderr += d.toString();
    });
    let startSeq = -1;
    let lastReported = -1;
    let reports = 0;
    let killScheduled = false;
    createInterface({ input: proc.stdout }).on("line", (line) => {
      const [word, n] = line.split(" ");
      if (word === "ready") startSeq = Number(n);
      if (word === "committed") {
        lastReported = Number(n);
        reports++;
        if (reports >= reportsBeforeKill && !killScheduled) {
          killScheduled = true;
          // Land the kill at an arbitrary point of the write loop (usually inside a transaction).
          setTimeout(() => proc.kill("SIGKILL"), Math.floor(Math.random() * 15));
        }
      }
    });
    proc.on("error", reject);
    proc.on("exit", (code, signal) => {
      if (signal !== "SIGKILL") reject(new Error(`child exited with ${String(code)} ${String(signal)}: ${stderr}`));
      else resolve({ startSeq, lastReported, reports, signal });
    });
  });
}

describe("journal crash safety (SIGKILL mid-write)", () => {
  it("reopens after every kill with every committed row present and no partial batch", async () => {
    const path = tmp.file("crash.db");
    let expectedStart = 0;
    for (let round = 0; round < 3; round++) {
      const r = await runAndKill(path, 5 + round * 7);
      expect(r.signal).toBe("SIGKILL");
      expect(r.startSeq).toBe(expectedStart);
      expect(r.lastReported).toBeGreaterThanOrEqual(expectedStart + 5 * BATCH - 1);
      expect(existsSync(`${path}-wal`)).toBe(true); // killed without a clean close

      // Opening runs the integrity check; it must succeed.
      const storage = SqliteStorage.open({ path, integrityCheck: "full" });
      try {
        expect(storage.db.integrityProblems("full")).toEqual([]);
        const entries = await storage.journal.read({ sessionId: "crash-session", limit: 100_000 });
        const seqs = entries.map((e) => e.seq);
        // Every row the child reported committed is present, contiguous from 0, in whole batches.
        expect(seqs.length).toBeGreaterThanOrEqual(r.lastReported + 1);
        expect(seqs.length % BATCH).toBe(0);
        expect(seqs.every((s, i) => s === i)).toBe(true);
        expect(entries.every((e) => e.entry.seq === e.seq && e.entry.padding === "x".repeat(256))).toBe(true);
        // Trades and their watermark were committed together.
        const watermark = await storage.watermarks.get(market);
        const newest = (await storage.trades.recent(market, 0, 1))[0];
        expect(watermark?.timestamp).toBe(newest?.timestamp);
        expect(watermark?.tradeKey).toBe(newest?.key);
        expectedStart = seqs.length;
      } finally {
        await storage.close();
      }
    }
  }, 60_000);
});
