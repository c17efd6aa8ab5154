import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const pkgDir = fileURLToPath(new URL("..", import.meta.url));

describe("CLI", () => {
  it("prints exactly one JSON line when ready, serves it, and exits 0 on SIGTERM", async () => {
    const child = spawn(
      process.execPath,
      ["--conditions=@mm/source", "--import", "tsx", "src/cli.ts", "--port", "0", "--seed", "4", "--markets", "2"],
      {
        cwd: pkgDir,
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let out = "";
    let err = "";
    child.stderr.on("data", (d: Buffer) => {
      err += d.toString();
    });
    const line = await new Promise<string>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`no ready line; stderr: ${err}`)), 15_000);
      child.stdout.on("data", (d: Buffer) => {
        out += d.toString();
        const nl = out.indexOf("\n");
        if (nl >= 0) {
          clearTimeout(t);
          resolve(out.slice(0, nl));
        }
      });
      child.once("exit", (code) => reject(new Error(`exited ${code}: ${err}`)));
    });
    const info = JSON.parse(line) as Record<string, string>;
    expect(Object.keys(info)).toEqual([
      "clob",
      "gamma",
      "data",
      "ws",
      "binance",
      "binanceWs",
      "apiKey",
      "secret",
      "passphrase",
      "address",
      "privateKey",
    ]);
    expect(info.clob).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(info.ws).toBe(`${info.clob!.replace("http", "ws")}/ws`);
    expect(info.address).toBe("0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266");
    const markets = (await (await fetch(`${info.gamma}/markets`)).json()) as unknown[];
    expect(markets).toHaveLength(2);
    expect((await fetch(`${info.binance}/api/v3/ticker/price?symbol=BTCUSDT`)).status).toBe(200);
    // simulated flow is on by default: trades happen without any client
    let trades: unknown[] = [];
    for (let i = 0; i < 40 && trades.length === 0; i++) {
      await new Promise((r) => setTimeout(r, 250));
      trades = (await (await fetch(`${info.data}/trades?takerOnly=false`)).json()) as unknown[];
    }
    expect(trades.length).toBeGreaterThan(0);
    const exit = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    child.kill("SIGTERM");
    expect(await exit).toBe(0);
    expect(out.trim().split("\n")).toHaveLength(1);
  });

  it("--taker-fee-bps / --fee-exponent give every market a fee schedule; out-of-range values are usage errors", async () => {
    // an out-of-range rate exits 2 before binding anything (spawned alongside: each costs a tsx start-up)
    const usageError = new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const c = spawn(
        process.execPath,
        ["--conditions=@mm/source", "--import", "tsx", "src/cli.ts", "--no-flow", "--taker-fee-bps", "10001"],
        {
          cwd: pkgDir,
          stdio: ["ignore", "pipe", "pipe"],
        },
      );
      let e = "";
      c.stderr.on("data", (d: Buffer) => {
        e += d.toString();
      });
      c.once("exit", (code) => resolve({ code, stderr: e }));
    });
    const child = spawn(
      process.execPath,
      [
        "--conditions=@mm/source",
        "--import",
        "tsx",
        "src/cli.ts",
        "--port",
        "0",
        "--no-flow",
        "--taker-fee-bps",
        "720",
        "--fee-exponent=2",
      ],
      { cwd: pkgDir, stdio: ["ignore", "pipe", "pipe"] },
    );
    let out = "";
    let err = "";
    child.stderr.on("data", (d: Buffer) => {
      err += d.toString();
    });
    const line = await new Promise<string>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`no ready line; stderr: ${err}`)), 15_000);
      child.stdout.on("data", (d: Buffer) => {
        out += d.toString();
        const nl = out.indexOf("\n");
        if (nl >= 0) {
          clearTimeout(t);
          resolve(out.slice(0, nl));
        }
      });
      child.once("exit", (code) => reject(new Error(`exited ${code}: ${err}`)));
    });
    const info = JSON.parse(line) as Record<string, string>;
    const markets = (await (await fetch(`${info.gamma}/markets`)).json()) as Record<string, unknown>[];
    expect(markets.length).toBeGreaterThan(0);
    for (const m of markets) expect(m).toMatchObject({ feesEnabled: true, feeSchedule: { rate: 0.072, exponent: 2, takerOnly: true } });
    const token = (JSON.parse(String(markets[0]!.clobTokenIds)) as string[])[0]!;
    expect(await (await fetch(`${info.clob}/fee-rate?token_id=${token}`)).json()).toEqual({ base_fee: 1000 });
    const exit = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    child.kill("SIGTERM");
    expect(await exit).toBe(0);

    const bad = await usageError;
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--taker-fee-bps expects an integer in [0, 10000], got 10001");
  });
});
