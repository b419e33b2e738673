/**
 * Counter-style random streams. Every consumer derives its own stream from (run seed, iteration, purpose,
 * index) instead of advancing one shared generator, so an iteration redone after a crash draws exactly the
 * same numbers as the undisturbed run, whatever else happened before it.
 * Generator: xoshiro128** (32-bit state words keep it fast in JavaScript), its state hashed from the keys.
 */

/** MurmurHash3's 32-bit finaliser: a bijection in which every input bit flips every output bit half the time. */
function fmix32(x: number): number {
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return (x ^ (x >>> 16)) >>> 0;
}

/**
 * Hashes the keys into one 32-bit word, mixing fully after every 32-bit half of every key, so that no two
 * key lists differing anywhere share a value except by chance. (Folding keys in with xor and a constant add
 * is nearly linear: (iteration 5, segment 3) and (iteration 4, segment 2) then share a stream.)
 */
function hashKeys(lane: number, keys: number[]): number {
  let h = lane;
  for (const key of keys) {
    h = fmix32((h ^ (key >>> 0)) + 0x9e3779b9);
    h = fmix32((h ^ (Math.floor(key / 4294967296) >>> 0)) + 0x9e3779b9);
  }
  return h;
}

/** Purposes of random streams; distinct so that no two consumers ever share numbers. */
export const Stream = { propagate: 1, resample: 2, recycle: 3, segmentSeeds: 4, bstate: 5, iterationScripts: 6 } as const;

export class Random {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;
  private spareNormal = NaN;

  /** `keys`: the run seed followed by any integers identifying the stream (iteration, purpose, index). */
  constructor(...keys: number[]) {
    // Four lanes hashed from different starting words: 128 bits of stream identity, so even 10^9 streams
    // in one run do not meet by chance.
    this.s0 = hashKeys(0x243f6a88, keys);
    this.s1 = hashKeys(0x85a308d3, keys);
    this.s2 = hashKeys(0x13198a2e, keys);
    this.s3 = hashKeys(0x03707344, keys) | 1;
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

  /**
   * Standard normal deviate (polar Box–Muller, caching the second value). The candidates use 32-bit uniforms:
   * ample resolution for a Gaussian, and half the generator calls of float() in the hottest loop of a
   * propagator.
   */
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
      u = (this.uint32() + 0.5) * TWO_TO_MINUS_31 - 1;
      v = (this.uint32() + 0.5) * TWO_TO_MINUS_31 - 1;
      s = u * u + v * v;
    } while (s >= 1);
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

const TWO_TO_MINUS_31 = 2 ** -31;

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
