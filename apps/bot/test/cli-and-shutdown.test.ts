import { EventEmitter } from "node:events";
import { describe, expect, it } from "vitest";
import { CliError, parseCliArgs } from "../src/cli-args.js";
import { ShutdownCoordinator, type SignalSource } from "../src/shutdown.js";

describe("command line", () => {
  it("maps flags onto config overrides and keeps --live separate", () => {
    const a = parseCliArgs([
      "--",
      "--dry-run",
      "--market",
      "a",
      "--market",
      "b",
      "--duration",
      "30",
      "--seed",
      "5",
      "--no-flow",
      "--http-port",
      "0",
    ]);
    expect(a.liveFlag).toBe(false);
    expect(a.flags).toEqual({ dryRun: true, markets: ["a", "b"], durationSeconds: 30, sim: { seed: 5, flow: false }, http: { port: 0 } });
    expect(parseCliArgs(["--live"])).toMatchObject({ liveFlag: true, flags: { mode: "live" } });
  });

  it("rejects unknown flags and bad numbers with the usage text", () => {
    expect(() => parseCliArgs(["--bogus"])).toThrow(CliError);
    try {
      parseCliArgs(["--duration", "soon", "--seed", "x"]);
      expect.unreachable();
    } catch (error) {
      expect((error as CliError).problems).toEqual(['--duration expects a number, got "soon"', '--seed expects a number, got "x"']);
      expect((error as Error).message).toContain("usage: mm-bot");
    }
  });
});

class Signals extends EventEmitter implements SignalSource {
  fire(sig: "SIGINT" | "SIGTERM") {
    this.emit(sig);
  }
}

describe("shutdown order", () => {
  it("runs strategy stop, cancel-all, feeds stop, journal flush in order, even when a step fails", async () => {
    const order: string[] = [];
    const coordinator = new ShutdownCoordinator(
      [
        { name: "stop strategy", run: () => void order.push("strategy") },
        {
          name: "cancel-all",
          safety: true,
          run: async () => {
            order.push("cancel-all");
            throw new Error("venue 503");
          },
        },
        { name: "stop feeds", run: () => void order.push("feeds") },
        { name: "flush journal", run: () => void order.push("journal") },
      ],
      { forceExit: () => order.push("EXIT"), log: () => {} },
    );
    const report = await coordinator.shutdown("duration elapsed");
    expect(order).toEqual(["strategy", "cancel-all", "feeds", "journal"]);
    expect(report.steps.map((s) => [s.name, s.ok])).toEqual([
      ["stop strategy", true],
      ["cancel-all", false],
      ["stop feeds", true],
      ["flush journal", true],
    ]);
    expect(report.steps[1]?.error).toBe("venue 503");
    expect(await coordinator.shutdown("again")).toBe(report);
  });

  it("a second signal forces exit only after cancel-all has been attempted", async () => {
    const signals = new Signals();
    const events: string[] = [];
    let releaseStrategy!: () => void;
    let releaseCancel!: () => void;
    const coordinator = new ShutdownCoordinator(
      [
        {
          name: "stop strategy",
          run: () =>
            new Promise<void>((r) => {
              releaseStrategy = r;
            }),
        },
        {
          name: "cancel-all",
          safety: true,
          run: () =>
            new Promise<void>((r) => {
              events.push("cancel-all started");
              releaseCancel = r;
            }),
        },
        { name: "stop feeds", run: () => new Promise<void>(() => {}), timeoutMs: 50 },
      ],
      { forceExit: (code) => events.push(`exit ${code}`), log: () => {}, signals, now: () => now },
    );
    let now = 10_000;
    signals.fire("SIGINT");
    expect(coordinator.isShuttingDown).toBe(true);
    await new Promise((r) => setImmediate(r));
    now += 2_000;
    signals.fire("SIGINT"); // before cancel-all: must not exit
    expect(events).toEqual([]);
    releaseStrategy();
    await new Promise((r) => setImmediate(r));
    signals.fire("SIGTERM"); // cancel-all in flight, not yet attempted to completion
    expect(events).toEqual(["cancel-all started"]);
    releaseCancel();
    await new Promise((r) => setImmediate(r));
    signals.fire("SIGINT");
    expect(events).toEqual(["cancel-all started", "exit 130"]);
  });

  it("the same Ctrl-C relayed by a parent (pnpm) within the relay window is not a second signal", async () => {
    const signals = new Signals();
    const events: string[] = [];
    let now = 50_000;
    const coordinator = new ShutdownCoordinator(
      [
        { name: "cancel-all", safety: true, run: () => void events.push("cancel-all") },
        { name: "flush journal", run: () => new Promise<void>(() => {}), timeoutMs: 50 },
      ],
      { forceExit: (code) => events.push(`exit ${code}`), log: (m) => events.push(m), signals, now: () => now },
    );
    signals.fire("SIGINT"); // the terminal's
    await new Promise((r) => setImmediate(r));
    expect(events).toContain("cancel-all");
    now += 30;
    signals.fire("SIGINT"); // pnpm's relay of the same keypress, after cancel-all was attempted
    expect(events.filter((e) => e.startsWith("exit") || e.startsWith("second signal"))).toEqual([]);
    now += 1_500;
    signals.fire("SIGINT"); // a real second Ctrl-C
    expect(events).toContain("exit 130");
    await coordinator.shutdown("signal");
  });
});
