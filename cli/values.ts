/**
 * Parsers for option and argument values: each names the flag or argument and what it expected, so a
 * mistake reads as one line (`--max-iter: expected a positive integer, got '0'`).
 */
import { parseBinSpec, type BinSpec } from '../core/analysis/bin-spec.js';
import { parseWallclock } from '../core/config/wallclock.js';
import { WeError } from '../core/errors.js';
import { UsageError } from './usage-error.js';

export function positiveInteger(what: string): (text: string) => number {
  return (text) => {
    if (!/^\d+$/.test(text) || Number(text) < 1) throw new UsageError(`${what}: expected a positive integer, got '${text}'`);
    return Number(text);
  };
}

export function segmentId(what: string): (text: string) => number {
  return (text) => {
    if (!/^\d+$/.test(text)) throw new UsageError(`${what}: expected a segment id (an integer >= 0), got '${text}'`);
    return Number(text);
  };
}

/** Seconds of a SLURM-style duration. */
export function wallclockSeconds(what: string): (text: string) => number {
  return (text) => {
    const seconds = parseWallclock(text);
    if (seconds === undefined) throw new UsageError(`${what}: expected HH:MM:SS or D-HH:MM:SS, got '${text}'`);
    return seconds;
  };
}

/** `--bins SPEC` (w_pdist's -b forms). */
export function binSpec(what: string): (text: string) => BinSpec {
  return (text) => {
    try {
      return parseBinSpec(text, what);
    } catch (error) {
      throw error instanceof WeError ? new UsageError(error.message) : error;
    }
  };
}

/** pcoord dimensions, `0` or `0,1`. */
export function dimensionList(what: string): (text: string) => number[] {
  return (text) =>
    text.split(',').map((d) => {
      if (!/^\s*\d+\s*$/.test(d)) throw new UsageError(`${what}: expected pcoord dimensions such as 0,1 (integers >= 0), got '${text}'`);
      return Number(d);
    });
}
