/** The CLI as a user runs it: a child process over sources, real files, exit codes. */
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";

const cli = fileURLToPath(new URL("../src/cli.ts", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "bt-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const run = (args: string[]) =>
  new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(
      process.execPath,
      ["--conditions=@mm/source", "--import", "tsx", cli, ...args],
      { timeout: 120_000 },
      (error, stdout, stderr) => resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });

describe.concurrent("mm-backtest", () => {
  it("synth → run writes a summary, fills and a report; the same run twice gives the same summary bytes", async () => {
    const tape = join(dir, "s.mmtape");
    const jsonl = join(dir, "s.jsonl");
    const config = join(dir, "run.json");
    writeFileSync(
      config,
      JSON.stringify({ seed: 4, strategy: { kind: "reference", options: { contract: { kind: "up", symbol: "BTCUSDT" } } } }),
    );
    const synth = await run(["--", "synth", "--seed", "9", "--minutes", "1", "--out", tape, "--jsonl", jsonl]);
    expect(synth.code).toBe(0);
    expect(JSON.parse(synth.stdout).events).toBeGreaterThan(100);
    const a = await run(["run", "--tape", tape, "--config", config, "--out-dir", join(dir, "a")]);
    // From JSON lines through the cache: the same session, the same answer.
    const b = await run(["run", "--tape", jsonl, "--cache-dir", join(dir, "cache"), "--config", config, "--out-dir", join(dir, "b")]);
    expect(a.code).toBe(0);
    expect(b.code).toBe(0);
    const sa = readFileSync(join(dir, "a", "summary.json"), "utf8");
    expect(readFileSync(join(dir, "b", "summary.json"), "utf8")).toBe(sa);
    expect(JSON.parse(sa).fillsHash).toMatch(/^[0-9a-f]{64}$/);
    expect(existsSync(join(dir, "a", "report.html"))).toBe(true);
    expect(existsSync(join(dir, "a", "fills.jsonl"))).toBe(true);
  }, 120_000);

  it("exits 2 with a message on bad usage, a bad config and a bad tape", async () => {
    const bad = await run(["frobnicate"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/unknown command/);
    const config = join(dir, "bad.json");
    writeFileSync(config, JSON.stringify({ strategy: { kind: "bands" }, venue: { failProbability: 7 } }));
    const tape = join(dir, "junk.mmtape");
    writeFileSync(tape, "not a tape");
    const badTape = await run(["run", "--tape", tape, "--config", config]);
    expect(badTape.code).toBe(2);
    expect(badTape.stderr).toMatch(/not a tape file/);
    const good = join(dir, "g.mmtape");
    expect((await run(["synth", "--seed", "1", "--minutes", "0.2", "--out", good])).code).toBe(0);
    const badConfig = await run(["run", "--tape", good, "--config", config]);
    expect(badConfig.code).toBe(2);
    expect(badConfig.stderr).toMatch(/venue.failProbability/);
  }, 120_000);

  it("parity --segments exits 2 for a missing journal database or an unknown session", async () => {
    const missing = await run(["parity", "--segments", dir, "--journal-db", join(dir, "none.sqlite"), "--session", "s"]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/no such journal database/);
    const db = join(dir, "empty.sqlite");
    const { SqliteStorage } = await import("@mm/storage");
    await SqliteStorage.open({ path: db }).close();
    const unknown = await run(["parity", "--segments", dir, "--journal-db", db, "--session", "nope"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/no journal entries for session nope/);
  }, 120_000);
});
