/**
 * A read-only view of a weighted-ensemble run: what analysis (distributions, rates, lineages) is written against.
 * An implementation never writes, never takes the run's lock, and shows only complete iterations, so it can be
 * used while a run is going (WESTPA's tools read west.h5 the same way).
 */
import type { BasisState, InitialState, PcoordArray, PcoordShape, TargetState } from './types.js';

/** One complete iteration's segments, struct-of-arrays (an iteration can hold 10^5 walkers). */
export interface IterationSegments {
  iteration: number;
  /** Number of segments. */
  n: number;
  weight: Float64Array;
  /** A segment of the previous iteration, or -(initial state + 1) for a segment started from an initial state. */
  parentId: Int32Array;
  /** WESTPA's endpoint_type per segment (core/types Endpoint: continues, merged, recycled). */
  endpointType: Uint8Array;
  /** Per segment: the target state (index into RunView.targetStates) it was recycled into, or -1. */
  recycledInto: Int32Array;
  /** Seconds each segment's propagation took, wall-clock and CPU, as the run recorded them (seg_index). */
  walltime: Float64Array;
  cputime: Float64Array;
}

/** Which timepoints of each segment's pcoord to read. */
export type PcoordRows = 'all' | 'first' | 'last';

export interface RunView {
  /** Where the data comes from (the west.h5 path), for messages. */
  readonly source: string;
  /** The last complete iteration; nothing after it is ever read. 0 when none is complete yet. */
  readonly lastIteration: number;
  readonly pcoord: PcoordShape;
  readonly basisStates: readonly BasisState[];
  readonly targetStates: readonly TargetState[];
  /** Segments of iteration n (1 … lastIteration). */
  segments(n: number): IterationSegments;
  /**
   * Only the weights of iteration n's segments and the target each was recycled into (-1 if none): what the flux
   * needs, cheaper than segments(n).
   */
  recycling(n: number): Pick<IterationSegments, 'weight' | 'recycledInto'>;
  /** Only the weights of iteration n's segments (cheaper than segments(n) when nothing else is needed). */
  weights(n: number): Float64Array;
  /**
   * The pcoord of iteration n's segments: 'all' gives n × len × ndim; 'first' and 'last' give n × ndim (row 0,
   * the parent's last point, or the segment's final point). With `reuse`, an
   * array of the pcoord's type returned by an earlier call, the values go into it when it is large enough (the
   * result is then a view of it): reading many iterations then maps no fresh memory for each.
   */
  pcoords(n: number, rows: PcoordRows, reuse?: PcoordArray): PcoordArray;
  /** Initial state `id` (a segment with parentId p < 0 starts from initial state -(p + 1)). */
  initialState(id: number): InitialState;
  /** Wallclock and CPU seconds per iteration 1 … lastIteration, as the run recorded them. */
  timings(): { walltime: Float64Array; cputime: Float64Array };
  close(): void;
}
