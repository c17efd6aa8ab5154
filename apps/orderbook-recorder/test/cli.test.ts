/**
 * The CLI as a real process: `record` against venue-sim, HTTP endpoints, SIGTERM (nothing lost:
 * every frame the process counted is in closed, fsynced, indexed segments), then `replay` and
 * `inspect` on what it wrote.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { startVenueSim, type VenueSimHandle } from "@mm/venue-sim";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../src/cli.js";
import { listSegments } from "../src/index.js";
import { eventually, tempDir } from "./helpers.js";

const PKG = fileURLToPath(new URL("..", import.meta.url));

function cliIo() {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l), stopSignal: new Promise<string>(() => {}) } };
}

describe("mm-recorder CLI", () => {
  let sim: VenueSimHandle;
  const tmp = tempDir("rec-cli-");
  let child: ChildProcess | undefined;

  beforeAll(async () => {
    sim = await startVenueSim({
      seed: 3,
      markets: 30,
      windowMs: 24 * 3_600_000,
      flow: { intervalMs: 100, roll: false },
      rateLimits: false,
      verifySignatures: false,
      marketWs: { idleTimeoutMs: 0 },
    });
  });
  afterAll(async () => {
    child?.kill("SIGKILL");
    await sim?.stop();
    tmp.cleanup();
  });

  it("records, serves /health /stats /metrics, and loses nothing on SIGTERM", async () => {
    const args = [
      "--conditions=@mm/source",
      "--import",
      "tsx",
      "src/main.ts",
      "record",
      "--data-dir",
      tmp.dir,
      "--ws-url",
      `${sim.urls.ws}/market`,
      "--gamma-url",
      sim.urls.gamma,
      "--http-port",
      "0",
      "--workers",
      "1",
      "--max-assets-per-conn",
      "16",
      "--stagger-ms",
      "2",
      "--checkpoint-interval-s",
      "0.5",
      "--segment-max-min",
      "0.03",
      "--log-level",
      "warn",
    ];
    const proc = spawn(process.execPath, args, { cwd: PKG, stdio: ["ignore", "pipe", "pipe"] });
    child = proc;
    const lines: string[] = [];
    let stderr = "";
    proc.stderr?.on("data", (d: Buffer) => {
      stderr += d.toString();
    });
    createInterface({ input: proc.stdout! }).on("line", (l) => lines.push(l));
    const exited = new Promise<number | null>((r) => proc.on("exit", (code) => r(code)));
    await eventually("listening", () => lines.some((l) => l.includes('"listening"')), 30_000);
    const url = (JSON.parse(lines.find((l) => l.includes('"listening"'))!) as { http: string }).http;
    await eventually(
      "subscribed and recording",
      async () => {
        const s = (await (await fetch(`${url}/stats`)).json()) as {
          registry: { subscribed: number };
          recorder: { frames: number };
          writer: { rotations: number };
        };
        return s.registry.subscribed === 60 && s.recorder.frames > 150 && s.writer.rotations >= 1;
      },
      30_000,
      100,
    );
    const health = await fetch(`${url}/health`);
    expect(health.status).toBe(200);
    const h = (await health.json()) as { ok: boolean; components: Record<string, { ok: boolean }> };
    expect(Object.keys(h.components).sort()).toEqual(["connections", "discovery", "recorder", "workers", "writer"]);
    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(metrics).toMatch(/^recorder_messages_total \d+/m);
    expect(metrics).toMatch(/^recorder_assets\{status="subscribed"\} 60/m);
    expect(metrics).toMatch(/^recorder_queue_bytes\{worker="0"\} \d+/m);
    expect(metrics).toMatch(/^recorder_books\{worker="0"\} \d+/m);

    proc.kill("SIGTERM");
    expect(await exited, stderr).toBe(0);
    const stopped = JSON.parse(lines.find((l) => l.includes('"stopped"'))!) as { frames: number; signal: string };
    expect(stopped.signal).toBe("SIGTERM");
    const segs = await listSegments(tmp.dir);
    expect(segs.length).toBeGreaterThan(1);
    expect(segs.every((s) => s.index.closed && !s.recovered && s.tornBytes === 0)).toBe(true);
    expect(segs.reduce((n, s) => n + s.index.frames, 0)).toBe(stopped.frames);

    const rp = cliIo();
    expect(await runCli(["replay", "--data-dir", tmp.dir, "--json"], rp.io)).toBe(0);
    const summary = JSON.parse(rp.out[0]!) as {
      frames: number;
      checkpointsVerified: number;
      checkpointMismatches: number;
      sequences: { lost: number; duplicated: number };
      books: number;
    };
    expect(summary.frames).toBe(stopped.frames);
    expect(summary.sequences).toMatchObject({ lost: 0, duplicated: 0 });
    expect(summary.checkpointsVerified).toBeGreaterThan(0);
    expect(summary.checkpointMismatches).toBe(0);
    expect(summary.books).toBe(60);

    const ins = cliIo();
    expect(await runCli(["inspect", "--data-dir", tmp.dir, "--assets", "--gaps"], ins.io)).toBe(0);
    expect(ins.out.filter((l) => l.endsWith(".seg") || l.includes(".seg ")).length).toBe(segs.length);
    expect(ins.out).toContain(`segments ${segs.length}, assets 60, gaps 0`);
  }, 90_000);

  it("rejects bad options with exit code 2", async () => {
    const a = cliIo();
    expect(await runCli(["record", "--data-dir", tmp.dir, "--shard", "3/2"], a.io)).toBe(2);
    expect(a.err.join("\n")).toContain("shard 3/2");
    const b = cliIo();
    expect(await runCli(["replay"], b.io)).toBe(2);
    const c = cliIo();
    expect(await runCli(["record", "--data-dir", tmp.dir, "--workers", "0"], c.io)).toBe(2);
  });
});

describe("mm-recorder CLI options", () => {
  it("refuses a --min-liquidity that is not a plain non-negative decimal (no coercion of '' to 0)", async () => {
    const tmp = tempDir("rec-cli-opt-");
    try {
      for (const bad of ["", "-5", "abc", "1e3", "NaN"]) {
        const c = cliIo();
        expect(await runCli(["record", "--data-dir", tmp.dir, `--min-liquidity=${bad}`], c.io)).toBe(2);
        expect(c.err.join("\n")).toContain("minLiquidity: expected a non-negative decimal amount of USDC");
      }
      const help = cliIo();
      expect(await runCli(["--help"], help.io)).toBe(0);
      expect(help.out.join("\n")).toContain("--min-liquidity USDC");
    } finally {
      tmp.cleanup();
    }
  });
});
