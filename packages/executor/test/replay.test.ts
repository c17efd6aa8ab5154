/**
 * The journal is complete: feeding its inputs (intents, user events, gateway results, controls) to a
 * fresh executor on a virtual clock reproduces every decision it journaled — the basis of
 * live-vs-backtest comparison. Timers are not replayed: the clock fires them again by itself.
 */
import { type GatewayAction, ManualClock } from "@mm/types";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ExecutorActor, type JournalEntry, MemoryJournal } from "../src/index.js";
import { cmdArb, run, setupArb } from "./commands.js";

/** Rebuilds the executor from the journal's `start` entry alone and feeds it the journaled inputs. */
function replay(entries: readonly JournalEntry[]): { actions: GatewayAction[]; journal: JournalEntry[] } {
  const start = entries[0];
  if (start?.type !== "start") throw new Error("journal does not begin with a start entry");
  const clock = new ManualClock(start.at);
  const actions: GatewayAction[] = [];
  const journal = new MemoryJournal();
  const actor = new ExecutorActor({
    clock,
    gateway: { submit: (a) => void actions.push(a) },
    journal,
    markets: start.markets,
    initial: { collateral: start.initial.collateral as never, tokens: start.initial.tokens as never },
    config: start.config,
  });
  for (const e of entries) {
    if (e.type !== "intent" && e.type !== "user" && e.type !== "gateway" && e.type !== "control") continue;
    clock.advanceTo(e.at);
    if (e.type === "intent") actor.intents.post(e.intent);
    else if (e.type === "user") actor.userEvents.post(e.event);
    else if (e.type === "gateway") actor.results.post(e.result);
    else actor.control(e.command);
  }
  return { actions, journal: journal.entries };
}

describe("journal replay", () => {
  it("reproduces every journaled action and mode change from the journaled inputs (200 random sessions)", () => {
    fc.assert(
      fc.property(setupArb, fc.array(cmdArb, { minLength: 1, maxLength: 40 }), (setup, cmds) => {
        const h = run(setup, cmds, true);
        expect(h.journal.dropped).toBe(0);
        const journaled = h.journal.entries.flatMap((e) => (e.type === "action" ? [e.action] : []));
        // Through JSON, as storage would keep it.
        const { actions, journal } = replay(JSON.parse(JSON.stringify(h.journal.entries)));
        expect(actions).toEqual(journaled);
        const modes = (j: readonly JournalEntry[]) => j.flatMap((e) => (e.type === "mode" ? [`${e.at}:${e.from}>${e.to}`] : []));
        expect(modes(journal)).toEqual(modes(h.journal.entries));
      }),
      { numRuns: 200 },
    );
  });
});
