/**
 * Wires an ExecutorActor to the FakeVenue and the Knowledge reference model, with the invariant
 * checks the model-based tests run after every step and at every PLACE.
 */
import { type GatewayAction, ManualClock, type SettlementThreshold, type TickSize } from "@mm/types";
import { ExecutorActor, type ExecutorConfigInput, MemoryJournal } from "../src/index.js";
import { CID, market, NO, YES } from "./fixtures.js";
import { Knowledge } from "./knowledge.js";
import { cost, FakeVenue } from "./venue-model.js";

export interface HarnessOptions {
  readonly threshold?: SettlementThreshold;
  readonly collateral?: number;
  readonly yes?: number;
  readonly no?: number;
  readonly tick?: TickSize;
  readonly config?: ExecutorConfigInput;
  readonly journal?: boolean;
}

export class Harness {
  readonly clock = new ManualClock(1_700_000_000_000);
  readonly venue: FakeVenue;
  readonly knowledge: Knowledge;
  readonly actor: ExecutorActor;
  readonly journal = new MemoryJournal(200_000);

  readonly violations: string[] = [];
  /** Set by the test's kill command, cleared by its resume command. */
  killed = false;
  places = 0;
  private pendingTick: TickSize | undefined;

  constructor(o: HarnessOptions = {}) {
    const tick = o.tick ?? (100 as TickSize);
    const init = { collateral: o.collateral ?? 100_000_000, yes: o.yes ?? 0, no: o.no ?? 0, tick, minSize: 5_000_000 };
    this.venue = new FakeVenue(CID, YES, NO, () => this.clock.now(), init);
    this.knowledge = new Knowledge(o.threshold ?? "MINED", {
      collateral: init.collateral,
      tokens: new Map([
        [YES, init.yes],
        [NO, init.no],
      ]),
    });
    this.venue.onSubmit = (a) => this.onSubmit(a);
    this.actor = new ExecutorActor({
      clock: this.clock,
      gateway: this.venue,
      markets: [market({ tickSize: tick })],
      initial: { collateral: init.collateral as never, tokens: { [YES]: init.yes as never, [NO]: init.no as never } },
      config: { settlement: o.threshold ?? "MINED", cooldownMs: 1_000, marketSuspendMs: 1_000, syncRetryMs: 500, ...o.config },
      ...(o.journal ? { journal: this.journal } : {}),
    });
  }

  private fail(msg: string): void {
    this.violations.push(msg);
  }

  private onSubmit(a: GatewayAction): void {
    if (a.kind === "PLACE") {
      this.places++;
      const r = a.order;
      if (this.killed) this.fail(`PLACE after kill before resume: ${r.clientOrderId}`);
      const mode = this.actor.mode();
      if (mode !== "RUNNING") this.fail(`PLACE in mode ${mode}`);
      if (r.size < 5_000_000) this.fail(`PLACE below min size ${r.size}`);
      if (r.price % r.tickSize !== 0 || r.price < r.tickSize || r.price > 10_000 - r.tickSize)
        this.fail(`PLACE off grid ${r.price} tick ${r.tickSize}`);
      if (r.side === "SELL") {
        const sellable = this.knowledge.sellable(r.tokenId);
        if (r.size > sellable) this.fail(`SELL ${r.size} > settled unreserved ${sellable} (law E)`);
        if (this.knowledge.sellCancelInFlight(r.tokenId))
          this.fail(`SELL while another SELL's cancel is in flight (law H) ${r.clientOrderId}`);
      } else {
        const free = this.knowledge.freeCollateral();
        if (cost(r.price, r.size) > free) this.fail(`BUY cost ${cost(r.price, r.size)} > free collateral ${free}`);
      }
    }
    this.knowledge.submitted(a);
  }

  // Commands ------------------------------------------------------------------------------

  intent(seq: number, bids: [number, number][], asks: [number, number][], fairValue?: number): void {
    this.actor.intents.post({
      conditionId: CID,
      bids: bids.map(([price, size]) => ({ price: price as never, size: size as never })),
      asks: asks.map(([price, size]) => ({ price: price as never, size: size as never })),
      seq,
      createdAt: this.clock.now(),
      reason: { code: "quoting" },
      ...(fairValue !== undefined ? { fairValue } : {}),
    });
  }

  deliverResult(): boolean {
    const r = this.venue.results.shift();
    if (!r) return false;
    this.knowledge.result(r);
    this.actor.results.post(r);
    return true;
  }

  deliverUser(idx: number, duplicate: boolean): boolean {
    const list = this.venue.userEvents;
    if (list.length === 0) return false;
    const i = idx % list.length;
    const e = list[i]!;
    if (!duplicate) list.splice(i, 1);
    this.knowledge.user(e);
    this.actor.userEvents.post(e);
    return true;
  }

  /** User-feed disconnect: safety STOP first, missed events are lost, then reconnect asks for RESYNC. */
  disconnect(): void {
    this.actor.control({ type: "stop", reason: "user feed disconnected", resumeOnResync: true });
    this.venue.userEvents = [];
    const e = { kind: "resync_needed" as const, reason: "reconnected", timestamp: this.clock.now() };
    this.knowledge.user(e);
    this.actor.userEvents.post(e);
  }

  tickChange(tick: TickSize): void {
    this.venue.tick = tick;
    this.pendingTick = tick;
  }

  tickNotify(): void {
    if (this.pendingTick === undefined) return;
    this.actor.control({ type: "tick_size", conditionId: CID, tickSize: this.pendingTick });
    this.pendingTick = undefined;
  }

  kill(): void {
    this.killed = true;
    this.actor.control({ type: "kill", reason: "test" });
  }

  resume(): void {
    this.killed = false;
    this.actor.control({ type: "resume" });
  }

  // Invariants ----------------------------------------------------------------------------

  check(label: string): void {
    for (const p of this.actor.audit()) this.fail(`${label}: audit: ${p}`);
    const snap = this.actor.snapshot();
    if (this.killed && snap.mode !== "STOP") this.fail(`${label}: killed but mode ${snap.mode}`);
    for (const t of [YES, NO]) {
      const p = snap.positions.find((x) => x.tokenId === t);
      const settled = p?.settled ?? 0;
      const pending = p?.pending ?? 0;
      if (settled !== this.knowledge.settled(t)) this.fail(`${label}: ${t} settled ${settled} != model ${this.knowledge.settled(t)}`);
      if (pending !== this.knowledge.pending(t)) this.fail(`${label}: ${t} pending ${pending} != model ${this.knowledge.pending(t)}`);
      if ((p?.reserved ?? 0) < 0) this.fail(`${label}: negative reservation on ${t}`);
    }
    if (snap.collateral.settled !== this.knowledge.collateralSettled())
      this.fail(`${label}: collateral settled ${snap.collateral.settled} != model ${this.knowledge.collateralSettled()}`);
    if (snap.collateral.pending !== this.knowledge.collateralPending())
      this.fail(`${label}: collateral pending ${snap.collateral.pending} != model ${this.knowledge.collateralPending()}`);
    if (snap.collateral.reserved < 0) this.fail(`${label}: negative collateral reservation`);
    const ids = new Set<string>();
    for (const o of snap.orders) {
      if (o.reserved < 0) this.fail(`${label}: negative reservation ${o.clientOrderId}`);
      if (!o.orderId || !["PENDING_NEW", "LIVE", "PENDING_CANCEL"].includes(o.state)) continue;
      if (ids.has(o.orderId)) this.fail(`${label}: two open records for ${o.orderId} (double reservation)`);
      ids.add(o.orderId);
    }
  }

  /** Runs everything to quiescence: actions executed, messages delivered, trades settled. */
  flush(maxIterations = 2_000): void {
    for (let i = 0; i < maxIterations; i++) {
      if (this.venue.step()) continue;
      if (this.deliverResult()) continue;
      if (this.deliverUser(0, false)) continue;
      if (this.venue.advance(0, 0)) continue;
      if (this.clock.pendingTimers > 0) {
        this.clock.advance(Math.max(1, (this.clock.nextTimerAt() ?? this.clock.now()) - this.clock.now()));
        continue;
      }
      return;
    }
    this.fail("flush did not reach quiescence");
  }

  /** At quiescence after a final RESYNC, the executor's books equal the venue's. */
  checkFinal(): void {
    this.flush();
    if (this.actor.mode() === "STOP") this.resume();
    this.actor.control({ type: "resync", reason: "final check" });
    this.flush();
    this.check("final");
    const snap = this.actor.snapshot();
    for (const t of [YES, NO]) {
      const p = snap.positions.find((x) => x.tokenId === t);
      if ((p?.settled ?? 0) !== this.venue.tokens.get(t))
        this.fail(`final: ${t} settled ${p?.settled} != wallet ${this.venue.tokens.get(t)}`);
      if ((p?.pending ?? 0) !== 0) this.fail(`final: ${t} pending ${p?.pending} after every trade is terminal`);
    }
    if (snap.collateral.settled !== this.venue.collateral)
      this.fail(`final: collateral ${snap.collateral.settled} != wallet ${this.venue.collateral}`);
    const venueOpen = new Set(this.venue.openOrders().map((o) => o.orderId as string));
    const ours = new Set(
      snap.orders.filter((o) => ["LIVE", "PENDING_CANCEL", "PENDING_NEW"].includes(o.state)).map((o) => o.orderId ?? o.clientOrderId),
    );
    for (const id of venueOpen) if (!ours.has(id)) this.fail(`final: venue order ${id} not tracked`);
    for (const id of ours) if (!venueOpen.has(id)) this.fail(`final: tracked order ${id} not open at the venue`);
  }
}
