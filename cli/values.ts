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

/** A probability level α in (0, 0.5] (0.05 for 95% intervals). */
export function alphaLevel(what: string): (text: string) => number {
  return (text) => {
    const p = Number(text);
    if (text.trim() === '' || !(p > 0 && p <= 0.5)) throw new UsageError(`${what}: expected a number in (0, 0.5], e.g. 0.05 for 95% intervals, got '${text}'`);
    return p;
  };
}

/** `FIRST:LAST` inclusive iterations, either side optional (`50:`, `:200`). */
export function iterationWindow(what: string): (text: string) => { first?: number; last?: number } {
  return (text) => {
    const match = /^\s*(\d*)\s*:\s*(\d*)\s*$/.exec(text);
    const [first, last] = match ? [match[1], match[2]].map((x) => (x === '' ? undefined : Number(x))) : [];
    if (!match || (first === undefined && last === undefined) || first === 0 || last === 0) {
      throw new UsageError(`${what}: expected FIRST:LAST iterations (from 1), e.g. 50:200, 50: or :200, got '${text}'`);
    }
    return { ...(first !== undefined ? { first } : {}), ...(last !== undefined ? { last } : {}) };
  };
}

const SECONDS_PER: Record<string, number> = { fs: 1e-15, ps: 1e-12, ns: 1e-9, us: 1e-6, µs: 1e-6, ms: 1e-3, s: 1 };

/** A duration with its unit (`10ps`, `100 fs`, `1e-11s`), in seconds. */
export function duration(what: string): (text: string) => number {
  return (text) => {
    const match = /^\s*([0-9.]+(?:e[-+]?\d+)?)\s*(fs|ps|ns|us|µs|ms|s)\s*$/i.exec(text);
    const seconds = match ? Number(match[1]) * SECONDS_PER[match[2].toLowerCase()] : NaN;
    if (!(seconds > 0)) throw new UsageError(`${what}: expected a duration with its unit, e.g. 10ps, 100fs or 1e-11s, got '${text}'`);
    return seconds;
  };
}

export function positiveNumber(what: string): (text: string) => number {
  return (text) => {
    const x = Number(text);
    if (text.trim() === '' || !(x > 0) || !Number.isFinite(x)) throw new UsageError(`${what}: expected a positive number, got '${text}'`);
    return x;
  };
}
