/**
 * Counter-style random streams. Every consumer derives its own stream from (run seed, iteration, purpose,
 * index) instead of advancing one shared generator, so an iteration redone after a crash draws exactly the
 * same numbers as the undisturbed run, whatever else happened before it.
 * Generator: xoshiro128** (32-bit state words keep it fast in JavaScript), seeded through splitmix32.
 */

function splitmix32(state: number): [number, number] {
  state = (state + 0x9e3779b9) | 0;
  let z = state;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return [state, (z ^ (z >>> 16)) >>> 0];
}

/** Purposes of random streams; distinct so that no two consumers ever share numbers. */
export const Stream = { propagate: 1, resample: 2, recycle: 3, segmentSeeds: 4, bstate: 5 } as const;

export class Random {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;
  private spareNormal = NaN;

  /** `keys`: the run seed followed by any integers identifying the stream (iteration, purpose, index). */
  constructor(...keys: number[]) {
    let h = 0x243f6a88;
    for (const key of keys) {
      // Fold 53-bit integers in as two 32-bit halves.
      const lo = key >>> 0;
      const hi = Math.floor(key / 4294967296) >>> 0;
      [h] = splitmix32(h ^ lo);
      [h] = splitmix32(h ^ hi);
    }
    let out: number;
    [h, out] = splitmix32(h);
    this.s0 = out;
    [h, out] = splitmix32(h);
    this.s1 = out;
    [h, out] = splitmix32(h);
    this.s2 = out;
    [, out] = splitmix32(h);
    this.s3 = out | 1;
  }

  uint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** Uniform in [0, 1) with 53 random bits. */
  float(): number {
    const hi = this.uint32() >>> 5;
    const lo = this.uint32() >>> 6;
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** Standard normal deviate (polar Box–Muller, caching the second value). */
  normal(): number {
    if (!Number.isNaN(this.spareNormal)) {
      const value = this.spareNormal;
      this.spareNormal = NaN;
      return value;
    }
    let u: number;
    let v: number;
    let s: number;
    do {
      u = 2 * this.float() - 1;
      v = 2 * this.float() - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const factor = Math.sqrt((-2 * Math.log(s)) / s);
    this.spareNormal = v * factor;
    return u * factor;
  }

  /** Index i chosen with probability weights[i] / sum(weights). */
  choose(weights: ArrayLike<number>): number {
    let total = 0;
    for (let i = 0; i < weights.length; i++) total += weights[i];
    let x = this.float() * total;
    for (let i = 0; i < weights.length; i++) {
      x -= weights[i];
      if (x < 0) return i;
    }
    return weights.length - 1;
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
