/** Bin edges written compactly in we.yaml, expanded to the explicit list the rectilinear mapper takes. */

export interface EdgeRange {
  start: number;
  stop: number;
  step: number;
  /** Add a -inf edge before `start` so that points below it still fall in a bin. */
  underflow: boolean;
  /** Add a +inf edge after the last generated edge. */
  overflow: boolean;
}

/** More edges than anyone means to write: a guard against a step typed with too many zeros. */
export const MAX_GENERATED_EDGES = 1_000_000;

/** Rounds away the floating-point residue of start + i·step (0.30000000000000004 → 0.3). */
function roundTo12Digits(x: number): number {
  return Number(x.toPrecision(12));
}

/** How many edges a range yields: start, start + step, … up to and including stop (within half a step). */
export function edgeCount(range: Pick<EdgeRange, 'start' | 'stop' | 'step'>): number {
  return Math.max(0, Math.ceil((range.stop + range.step / 2 - range.start) / range.step));
}

/** Like numpy.arange(start, stop + step/2, step), so the stop value itself is an edge. */
export function generateEdges(range: EdgeRange): number[] {
  const n = edgeCount(range);
  const edges: number[] = [];
  if (range.underflow) edges.push(-Infinity);
  for (let i = 0; i < n; i++) edges.push(roundTo12Digits(range.start + i * range.step));
  if (range.overflow) edges.push(Infinity);
  return edges;
}

/** Index of the first edge that is not greater than the one before it, or -1 when strictly increasing. */
export function firstNonIncreasing(edges: readonly number[]): number {
  for (let i = 1; i < edges.length; i++) if (!(edges[i] > edges[i - 1])) return i;
  return -1;
}
