/**
 * Names and HDF5 types of WESTPA's west.h5, file format version 9 (as WESTPA's core/data_manager.py lays it
 * out). Types are h5wasm struct codes: `<q` int64, `<Q` uint64 (numpy's np.uint), `<B` uint8, `<d` float64.
 * WESTPA stores labels and auxrefs as variable-length strings; h5wasm cannot write those inside compounds,
 * so they are fixed 64-byte strings here (h5py returns bytes, which WESTPA's h5io.tostr decodes).
 */
import type { CompoundDtype } from 'h5wasm/node';
import type { PcoordDtype } from '../../../core/types.js';

export const FILE_FORMAT_VERSION = 9;
export const ITER_PREC = 8;
export const WE_VERSION = 'we-0.1.0';
/** Bytes of every fixed-length string member (WESTPA's binhash is a 64-character SHA-256 hex digest). */
export const STRING_BYTES = 64;

export const ATTR = {
  formatVersion: 'west_file_format_version',
  iterPrec: 'west_iter_prec',
  version: 'west_version',
  currentIteration: 'west_current_iteration',
  nIter: 'n_iter',
  binhash: 'binhash',
} as const;

export const PATH = {
  summary: '/summary',
  iterations: '/iterations',
  ibstates: '/ibstates',
  ibstatesIndex: '/ibstates/index',
  /** The one basis/initial state set we write; WESTPA numbers sets from 0. */
  ibstateSet: '/ibstates/0',
  tstates: '/tstates',
  tstatesIndex: '/tstates/index',
  tstateSet: '/tstates/0',
} as const;

/** Dataset and link names inside an iteration group. */
export const ITER = {
  segIndex: 'seg_index',
  pcoord: 'pcoord',
  wtgraph: 'wtgraph',
  binTargetCounts: 'bin_target_counts',
  ibstates: 'ibstates',
  tstates: 'tstates',
  auxdata: 'auxdata',
  /** Not WESTPA's: weight recycled into each target state during the iteration. */
  targetFlux: 'target_flux',
  /** Walkers recycled at the end of the iteration before, which WESTPA's w_fluxanl reads fluxes from. */
  newWeights: 'new_weights',
} as const;

/** Dataset names inside an iteration's new_weights group. */
export const NEW_WEIGHTS = {
  index: 'index',
  prevInitPcoord: 'prev_init_pcoord',
  prevFinalPcoord: 'prev_final_pcoord',
  newInitPcoord: 'new_init_pcoord',
} as const;

/** WESTPA's NewWeightEntry.NW_SOURCE_RECYCLED, the only source_type it writes. */
export const NW_SOURCE_RECYCLED = 0;

/** Dataset names inside a basis/initial state set and a target state set. */
export const STATE_SET = {
  bstateIndex: 'bstate_index',
  bstatePcoord: 'bstate_pcoord',
  istateIndex: 'istate_index',
  istatePcoord: 'istate_pcoord',
  tstateIndex: 'index',
  tstatePcoord: 'pcoord',
} as const;

const STR = `S${STRING_BYTES}`;

export const SUMMARY_DTYPE: CompoundDtype = [
  ['n_particles', '<q'],
  ['norm', '<d'],
  ['min_bin_prob', '<d'],
  ['max_bin_prob', '<d'],
  ['min_seg_prob', '<d'],
  ['max_seg_prob', '<d'],
  ['cputime', '<d'],
  ['walltime', '<d'],
  ['binhash', STR],
];

export const SEG_INDEX_DTYPE: CompoundDtype = [
  ['weight', '<d'],
  ['parent_id', '<q'],
  ['wtg_n_parents', '<Q'],
  ['wtg_offset', '<Q'],
  ['cputime', '<d'],
  ['walltime', '<d'],
  ['endpoint_type', '<B'],
  ['status', '<B'],
];

export const IBSTATE_INDEX_DTYPE: CompoundDtype = [
  ['iter_valid', '<Q'],
  ['n_bstates', '<Q'],
  ['group_ref', 'Reference'],
];

export const TSTATE_INDEX_DTYPE: CompoundDtype = [
  ['iter_valid', '<Q'],
  ['n_states', '<Q'],
  ['group_ref', 'Reference'],
];

export const BSTATE_DTYPE: CompoundDtype = [
  ['label', STR],
  ['probability', '<d'],
  ['auxref', STR],
];

export const ISTATE_DTYPE: CompoundDtype = [
  ['iter_created', '<Q'],
  ['iter_used', '<Q'],
  ['basis_state_id', '<q'],
  ['istate_type', '<B'],
  ['istate_status', '<B'],
  ['basis_auxref', STR],
];

export const TSTATE_DTYPE: CompoundDtype = [['label', STR]];

/** WESTPA's nw_index_dtype; -1 stands for a missing target or initial state. */
export const NW_INDEX_DTYPE: CompoundDtype = [
  ['source_type', '<B'],
  ['weight', '<d'],
  ['prev_seg_id', '<q'],
  ['target_state_id', '<q'],
  ['initial_state_id', '<q'],
];

export const BIN_TARGET_COUNTS_DTYPE = '<q';
export const WTGRAPH_DTYPE = '<q';
export const FLOAT64 = '<d';

export function pcoordH5Dtype(dtype: PcoordDtype): string {
  return dtype === 'float32' ? '<f' : '<d';
}

export function iterationPath(n: number): string {
  return `${PATH.iterations}/iter_${String(n).padStart(ITER_PREC, '0')}`;
}
