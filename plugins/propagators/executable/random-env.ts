/** WEST_RAND16/32/64/128 and WEST_RANDFLOAT, drawn from a stream fixed by the caller so reruns see the same values. */
import type { Random } from '../../../core/random.js';

function bits(rng: Random, words: number): bigint {
  let value = 0n;
  for (let i = 0; i < words; i++) value = (value << 32n) | BigInt(rng.uint32());
  return value;
}

/**
 * WESTPA draws RAND128 as the sum of two 64-bit draws (so below 2^65); here it is 128 random bits, which is what
 * scripts using it as a seed expect from the name. The draw order is fixed: changing it changes every seed.
 */
export function randomEnv(rng: Random): Record<string, string> {
  return {
    WEST_RAND16: String(rng.uint32() >>> 16),
    WEST_RAND32: String(rng.uint32()),
    WEST_RAND64: bits(rng, 2).toString(),
    WEST_RAND128: bits(rng, 4).toString(),
    WEST_RANDFLOAT: String(rng.float()),
  };
}
