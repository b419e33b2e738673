/**
 * The absolute weight limits (WESTPA's smallest_allowed_weight / largest_allowed_weight) as predicates shared
 * by the resampler, which obeys them, and by checkResampled, which accepts a bin off its target count only when
 * these same predicates forbade the split or merge that would have fixed it.
 */
import { WeError } from '../errors.js';

/**
 * How many children (at most `wanted`) `weight` can be split into without a child falling below `smallest`
 * or underflowing to zero. Returns 1 when no split is allowed.
 */
export function allowedChildren(weight: number, wanted: number, smallest: number): number {
  let m = Math.min(wanted, Math.floor(weight / smallest), Math.floor(weight / Number.MIN_VALUE));
  // The floors can be one too generous after rounding; step down until the child weight really qualifies.
  while (m >= 2 && !(weight / m >= smallest && weight / m > 0)) m--;
  return m >= 2 ? m : 1;
}

export function canSplitInTwo(weight: number, smallest: number): boolean {
  return allowedChildren(weight, 2, smallest) === 2;
}

/** Rounding the limit forgives, the same as weight conservation's: 1e-12 relative. */
const LIMIT_ROUNDING = 1e-12;

/**
 * Whether `weight` is above the largest allowed. Weights that sum to 1 only within rounding must not count as
 * above the default limit of 1: a bin holding all the probability could otherwise never merge to a target of 1.
 */
export function aboveLargest(weight: number, largest: number): boolean {
  return weight > largest * (1 + LIMIT_ROUNDING);
}

export function canMerge(mergedWeight: number, largest: number): boolean {
  return !aboveLargest(mergedWeight, largest);
}

/** Rejects limits no resampling can satisfy; WESTPA also refuses equal limits. */
export function checkThresholds(smallest: number, largest: number): void {
  if (!(smallest >= 0) || smallest === Infinity) {
    throw new WeError(`smallestAllowedWeight is ${smallest}, expected a finite number >= 0`, 'resampling.smallestAllowedWeight');
  }
  if (!(largest > smallest)) {
    throw new WeError(
      `largestAllowedWeight is ${largest}, expected a number greater than smallestAllowedWeight (${smallest})`,
      'resampling.largestAllowedWeight',
    );
  }
}
