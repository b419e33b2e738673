/**
 * `--bins SPEC`, as w_pdist's -b and w_assign's --bins-from-expr take it: `N` (N bins per dimension over the data's
 * range), `N1,N2,…` or `[N1,N2,…]` (one count per dimension), or `[[b0,b1,…],[…]]` (boundaries per dimension;
 * `inf` and `-inf` allowed).
 */
import { WeError } from '../errors.js';

export type BinSpec = { kind: 'counts'; counts: number[] } | { kind: 'boundaries'; boundaries: number[][] };

const EXPECTED = 'expected N, N1,N2,… or [[b0,b1,…],…] (inf and -inf allowed)';

function parseJsonNumbers(text: string): unknown {
  // JSON has no infinities: spell them as strings, then turn those back into numbers.
  const json = text.replace(/(-?)\binf(inity)?\b/gi, '"$1inf"');
  return JSON.parse(json, (_key, value: unknown) => (value === 'inf' ? Infinity : value === '-inf' ? -Infinity : value));
}

function isCount(x: unknown): x is number {
  return typeof x === 'number' && Number.isInteger(x) && x >= 1;
}

export function parseBinSpec(text: string, flag = '--bins'): BinSpec {
  const trimmed = text.trim();
  const fail = (why: string) => new WeError(`${why}; ${EXPECTED}, got '${text}'`, flag);
  let value: unknown;
  try {
    value = parseJsonNumbers(trimmed.startsWith('[') ? trimmed : `[${trimmed}]`);
  } catch {
    throw fail('not a number or a list');
  }
  if (!Array.isArray(value) || value.length === 0) throw fail('empty');
  if (value.every(isCount)) return { kind: 'counts', counts: value };
  if (!value.every(Array.isArray)) throw fail('mixes counts and lists, or a count is not a positive integer');
  const boundaries = value as unknown[][];
  boundaries.forEach((bounds, d) => {
    if (bounds.length < 2 || !bounds.every((b) => typeof b === 'number' && !Number.isNaN(b))) {
      throw fail(`dimension ${d} needs at least two numeric boundaries`);
    }
    for (let k = 1; k < bounds.length; k++) {
      if (!((bounds[k] as number) > (bounds[k - 1] as number))) throw fail(`dimension ${d}: boundaries must increase strictly (index ${k})`);
    }
  });
  return { kind: 'boundaries', boundaries: boundaries as number[][] };
}

/** Boundaries for a bin mapper: a count-only spec has no meaning there. */
export function boundariesOf(spec: BinSpec, flag = '--bins'): number[][] {
  if (spec.kind === 'counts') throw new WeError(`bin counts (${spec.counts.join(',')}) do not define bins here; give boundaries as [[b0,b1,…],…]`, flag);
  return spec.boundaries;
}
