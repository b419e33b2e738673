/** The validated, resolved form of we.yaml that the engine works from (camelCase; paths absolute). */
import type { BasisState, PcoordDtype, TargetState } from '../types.js';

export type BinMapperConfig =
  | { type: 'rectilinear'; boundaries: number[][] }
  | {
      type: 'recursive';
      outer: BinMapperConfig;
      /** Each replaces the outer bin containing point `at` with the bins of `mapper`. */
      inner: { at: number[]; mapper: BinMapperConfig }[];
    }
  | {
      type: 'mab';
      /** Bins per dimension between the current extremes. */
      nbins: number[];
      /** Per dimension: 1 = progress is increasing, -1 = decreasing, 0 = both directions. */
      direction: number[];
      bottleneck: boolean;
      leading: boolean;
    }
  | { type: 'module'; path: string; exportName: string; options: Record<string, unknown> };

export interface PluginChoice {
  name: string;
  options: Record<string, unknown>;
}

/** What one allocation asks SLURM for (unset fields are left to SLURM's defaults). */
export interface AllocationRequest {
  partition?: string;
  account?: string;
  nodes?: number;
  /** Time limit in seconds. */
  time?: number;
  /** Further sbatch options, passed as written. */
  sbatch: string[];
}

/** we.yaml's `cluster` section: how `we submit` and `we jobs` run the simulation as a chain of SLURM allocations. */
export interface ClusterConfig {
  /** `local`, `redis` or a template path as written (relative to the simulation root). */
  template: string;
  tries: number;
  /** Seconds; undefined means min(5 min, 10% of the time limit). */
  margin?: number;
  /** Applies to every profile; a profile's own fields win. */
  defaults: AllocationRequest;
  profiles: Record<string, AllocationRequest>;
}

export interface RunConfig {
  /** Absolute path of the we.yaml this came from; its directory is WEST_SIM_ROOT. */
  file: string;
  simRoot: string;
  pcoord: { ndim: number; len: number; dtype: PcoordDtype };
  binning: { mapper: BinMapperConfig; targetCounts: number | number[] };
  /** Probabilities normalised to sum 1. */
  basisStates: BasisState[];
  /** Absolute folder holding the basis states' auxref folders (WESTPA's bstates/): a set's folder, else bstates/ or basis_states.folder. */
  basisStateDir: string;
  targetStates: TargetState[];
  propagator: PluginChoice;
  progressCoordinate?: PluginChoice;
  workManager: PluginChoice & { slots: number; retries: number };
  store: PluginChoice & { path: string };
  resampling: { name: string; smallestAllowedWeight: number; largestAllowedWeight: number };
  maxIterations: number;
  /** Seconds; undefined means no limit. */
  maxWallclock?: number;
  seed: number;
  cluster?: ClusterConfig;
}
