/** Deterministic PRNG (mulberry32) and a standard normal via Box–Muller, for reproducible paths. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function gaussian(u: () => number): () => number {
  return () => {
    const u1 = Math.max(u(), 1e-300);
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u());
  };
}

/** A driftless GBM path observed at irregular times: dt ~ minDt + Exp(meanExtra). */
export function gbmPath(opts: {
  seed: number;
  sigmaPerSqrtSecond: number;
  s0: number;
  durationMs: number;
  minDtMs: number;
  meanExtraMs: number;
}) {
  const u = rng(opts.seed);
  const z = gaussian(u);
  const out: { at: number; price: number }[] = [];
  let t = 0;
  let s = opts.s0;
  out.push({ at: t, price: s });
  while (t < opts.durationMs) {
    const dtMs = opts.minDtMs + Math.round(-Math.log(Math.max(u(), 1e-12)) * opts.meanExtraMs);
    const dt = dtMs / 1000;
    s *= Math.exp(opts.sigmaPerSqrtSecond * Math.sqrt(dt) * z() - 0.5 * opts.sigmaPerSqrtSecond ** 2 * dt);
    t += dtMs;
    out.push({ at: t, price: s });
  }
  return out;
}
