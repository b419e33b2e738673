/** Data shared by the engine and its plugins. Struct-of-arrays throughout: a run can hold 10^6 walkers. */

export type PcoordDtype = 'float32' | 'float64';
export type PcoordArray = Float32Array | Float64Array;

/** WESTPA's seg_index status values (west.h5 `status` u1). */
export const SegStatus = { unset: 0, prepared: 1, complete: 2, failed: 3 } as const;
/** WESTPA's seg_index endpoint_type values (west.h5 `endpoint_type` u1). */
export const Endpoint = { unset: 0, continues: 1, merged: 2, recycled: 3 } as const;
/** WESTPA's istate_type / istate_status values. */
export const IstateType = { unset: 0, basis: 1, generated: 2, restart: 3, start: 4 } as const;
export const IstateStatus = { pending: 0, prepared: 1, failed: 2 } as const;

export interface PcoordShape {
  /** Timepoints per segment, including row 0 (the parent's last point). */
  len: number;
  ndim: number;
  dtype: PcoordDtype;
}

export interface BasisState {
  label: string;
  /** Normalised over all basis states at load. */
  probability: number;
  /** Names the structure, e.g. the folder bstates/<auxref>. */
  auxref: string;
  /** Given inline in we.yaml; otherwise computed by the progress-coordinate source at `we init`. */
  pcoord?: number[];
}

export interface TargetState {
  label: string;
  pcoord: number[];
}

/** A starting point made from a basis state (WESTPA's initial state). */
export interface InitialState {
  id: number;
  iterCreated: number;
  iterUsed: number;
  basisStateId: number;
  type: number;
  status: number;
  pcoord: Float64Array;
}

/** Walkers as binning and resampling see them: one point each (a segment's final pcoord row). */
export interface WalkerSet {
  n: number;
  ndim: number;
  /** n × ndim, row-major. */
  points: Float64Array;
  weights: Float64Array;
}

/**
 * An iteration's segments as prepared before propagation. parentId >= 0 is a segment of the previous
 * iteration; parentId < 0 starts from initial state -(parentId + 1), as in WESTPA.
 */
export interface PreparedIteration {
  iteration: number;
  n: number;
  weight: Float64Array;
  parentId: Int32Array;
  /** Weight-graph parents of segment i: wtgParents[wtgOffset[i] .. wtgOffset[i + 1]). Length n + 1. */
  wtgOffset: Uint32Array;
  wtgParents: Int32Array;
  /** n × ndim: pcoord row 0 of each segment, already rounded to the pcoord dtype. */
  initialPoints: Float64Array;
  /** Target walker count of each bin for this iteration. */
  binTargetCounts: Uint32Array;
  /** Initial states created for this iteration (at init: from basis states; later: by recycling). */
  newIstates: InitialState[];
}

/** What propagation and resampling add to a prepared iteration. */
export interface CompletedIteration {
  iteration: number;
  /** n × len × ndim in the configured dtype; row 0 equals initialPoints. */
  pcoord: PcoordArray;
  cputime: Float64Array;
  walltime: Float64Array;
  endpointType: Uint8Array;
  /** Weight recycled into each target state this iteration (order of the target states). */
  targetFlux: Float64Array;
  /** Min/max probability over occupied bins at the end of the iteration (before resampling). */
  minBinProb: number;
  maxBinProb: number;
  /** Seconds the whole iteration took and the summed segment cputime. */
  walltimeTotal: number;
  cputimeTotal: number;
  /**
   * Per segment: the target state it ended in (-1 if it was not recycled), the basis state it restarted from,
   * and the initial state made for its restart (-1 if the restarted walker was merged away before it needed
   * one). WESTPA records these as iteration N+1's new_weights.
   */
  recycling: { target: Int32Array; basisState: Int32Array; istate: Int32Array };
  /** Optional per-segment auxiliary datasets, each n × (len × k). */
  auxdata?: Record<string, { data: Float64Array; shape: number[] }>;
}
