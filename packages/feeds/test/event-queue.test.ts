import { describe, expect, it } from "vitest";
import { BackpressureQueue } from "../src/internal/event-queue.js";

describe("BackpressureQueue (the user feed's queue)", () => {
  it("never drops: keeps accepting past the high-water mark, signals pause once, resume at low water, FIFO", () => {
    const signals: string[] = [];
    const q = new BackpressureQueue<number>(
      4,
      1,
      () => signals.push("high"),
      () => signals.push("low"),
    );
    for (let i = 0; i < 3000; i++) q.offer(i); // grows past the initial buffer
    expect(q.size).toBe(3000);
    expect(signals).toEqual(["high"]);
    expect(q.paused).toBe(true);
    const out: number[] = [];
    for (let v = q.poll(); v !== undefined; v = q.poll()) out.push(v);
    expect(out).toEqual(Array.from({ length: 3000 }, (_, i) => i));
    expect(signals).toEqual(["high", "low"]);
    expect(q.maxSize).toBe(3000);
    expect(q.pauses).toBe(1);
    expect(
      () =>
        new BackpressureQueue<number>(
          2,
          2,
          () => {},
          () => {},
        ),
    ).toThrow(RangeError);
  });

  it("take() waits for the next value; an aborted take is withdrawn and loses nothing", async () => {
    const q = new BackpressureQueue<string>(
      10,
      5,
      () => {},
      () => {},
    );
    const pending = q.take();
    q.offer("a");
    expect(await pending).toBe("a");
    const ac = new AbortController();
    const aborted = q.take(ac.signal);
    ac.abort(new Error("shutting down"));
    await expect(aborted).rejects.toThrow("shutting down");
    q.offer("b");
    expect(q.size).toBe(1);
    expect(await q.take()).toBe("b");
    await expect(q.take(ac.signal)).rejects.toThrow("shutting down");
  });
});
