/** The iterations an analysis covers: first … last, both complete, defaulting to all of them. */
import { WeError } from '../errors.js';
import type { RunView } from '../run-view.js';

export interface IterationRange {
  first: number;
  last: number;
}

export function iterationRange(view: RunView, wanted: Partial<IterationRange>): IterationRange {
  const available = view.lastIteration;
  if (available < 1) throw new WeError('holds no complete iteration yet (run `we run` first)', view.source);
  const first = wanted.first ?? 1;
  const last = wanted.last ?? available;
  const check = (value: number, flag: string) => {
    if (!Number.isInteger(value) || value < 1 || value > available) {
      throw new WeError(`iteration ${value} is out of range: ${view.source} has complete iterations 1 to ${available}`, flag);
    }
  };
  check(first, '--first-iter');
  check(last, '--last-iter');
  if (first > last) throw new WeError(`first iteration ${first} is after the last, ${last}`, '--first-iter');
  return { first, last };
}
