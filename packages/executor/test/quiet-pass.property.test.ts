/**
 * Why the actor may skip planning for an intent whose levels equal the applied one's (the strategy
 * recomputes on every book change and mostly arrives at the same ladder): a pass run again with
 * nothing new since the previous pass — no message handled, no new levels, same clock — must decide
 * nothing. Checked on the model-based command sequences: after every step, one no-op message forces a
 * pass (settling whatever the step left), then a second one must submit no action at all. (The
 * model test's `repeat` command exercises the skip itself under every law check.)
 */
import type { GatewayAction } from "@mm/types";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { cmdArb, run, setupArb } from "./commands.js";
import type { Harness } from "./harness.js";

const SOAK = process.env.MM_SOAK === "1";
const RUNS = SOAK ? 20_000 : 300;

function actionsOf(h: Harness, f: () => void): GatewayAction[] {
  const seen: GatewayAction[] = [];
  const prev = h.venue.onSubmit;
  h.venue.onSubmit = (a) => {
    seen.push(a);
    prev?.(a);
  };
  try {
    f();
  } finally {
    h.venue.onSubmit = prev;
  }
  return seen;
}

const describeActions = (list: readonly GatewayAction[]) =>
  list.map((a) => (a.kind === "PLACE" ? `PLACE ${a.order.side} ${a.order.size}@${a.order.price}` : a.kind)).join(", ");

describe("a pass with nothing new decides nothing", () => {
  it(`a second consecutive pass submits no action (${RUNS} runs)`, () => {
    let probes = 0;
    /** Probes while RUNNING with orders working (where a pass has something to decide). */
    let activeProbes = 0;
    fc.assert(
      fc.property(setupArb, fc.array(cmdArb, { minLength: 1, maxLength: 40 }), (setup, cmds) => {
        const h = run(setup, cmds, false, (h, step) => {
          const noop = () => h.actor.post({ kind: "timer", timer: "cooldown_end" });
          noop();
          const second = actionsOf(h, noop);
          probes++;
          const working = h.actor.snapshot().orders.some((o) => o.state === "LIVE" || o.state === "PENDING_NEW");
          if (h.actor.mode() === "RUNNING" && working) activeProbes++;
          if (second.length > 0) h.violations.push(`${step}: a repeated pass with nothing new submitted ${describeActions(second)}`);
        });
        if (h.violations.length > 0) throw new Error(h.violations.slice(0, 5).join("\n"));
      }),
      { numRuns: RUNS },
    );
    expect(probes).toBeGreaterThan(RUNS);
    expect(activeProbes).toBeGreaterThan(RUNS);
  }, 120_000);
});
