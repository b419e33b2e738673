/**
 * The interfaces plugins implement. `core/` depends only on these; concrete plugins are wired by name from
 * we.yaml through a PluginRegistry handed in by the CLI.
 */
import type { RunConfig } from './config/types.js';
import type {
  BasisState,
  CompletedIteration,
  PcoordShape,
  PreparedIteration,
  TargetState,
  WalkerSet,
} from './types.js';
import type { Random } from './random.js';

// ---------- binning ----------

export interface BinMapper {
  readonly nbins: number;
  readonly ndim: number;
  /**
   * Bin index in [0, nbins) of each walker. Adaptive mappers (MAB) place their boundaries from these walkers'
   * points and weights, so assign a whole iteration's walkers in one call.
   */
  assign(walkers: WalkerSet, out?: Uint32Array): Uint32Array;
  /** Stable JSON-able description; its hash is the binhash written to west.h5. */
  describe(): unknown;
}

// ---------- resampling ----------

export interface ResampleInput {
  walkers: WalkerSet;
  /** Bin of each walker (from the BinMapper); binless resamplers may ignore it. */
  bins: Uint32Array;
  nbins: number;
  targetCounts: Uint32Array;
  smallestAllowedWeight: number;
  largestAllowedWeight: number;
}

/** The next iteration's walkers, expressed in indices of the input walkers. */
export interface ResampleOutput {
  n: number;
  /** Input walker whose state each new walker continues. */
  source: Int32Array;
  weight: Float64Array;
  /** Weight-graph parents (input indices): wtgParents[wtgOffset[i] .. wtgOffset[i+1]); n + 1 entries. */
  wtgOffset: Uint32Array;
  wtgParents: Int32Array;
  /** Per input walker: Endpoint.continues if its state goes on (itself or split children), else Endpoint.merged. */
  fate: Uint8Array;
}

export interface Resampler {
  resample(input: ResampleInput, rng: Random): ResampleOutput;
}

// ---------- propagation ----------

/** A batch of segments of one iteration to propagate; serialisable so remote workers can take it. */
export interface SegmentTask {
  iteration: number;
  /** Segment ids within the iteration. */
  segIds: Int32Array;
  parentIds: Int32Array;
  /** segIds.length × ndim starting points (pcoord row 0). */
  startPoints: Float64Array;
  /** For segments starting from an initial state: that state and its basis state. */
  initialStates: { istateId: number; basisStateId: number; auxref: string }[];
}

export interface SegmentResult {
  segIds: Int32Array;
  /** segIds.length × len × ndim. */
  pcoord: Float64Array;
  cputime: Float64Array;
  walltime: Float64Array;
  auxdata?: Record<string, { data: Float64Array; shape: number[] }>;
}

export interface PropagatorContext {
  config: RunConfig;
  /** Directory holding we.yaml; relative paths in the config resolve against it (WEST_SIM_ROOT). */
  simRoot: string;
  pcoord: PcoordShape;
  seed: number;
  /** The configured progress-coordinate plugin, created on first use (once per worker). */
  progressCoordinate?: () => Promise<ProgressCoordinate>;
}

export interface Propagator {
  /** Segments per task: Infinity for vectorised in-process propagators, 1 for one process per segment. */
  readonly batchSize: number;
  /**
   * `slot`: which of the work manager's parallel slots runs the task (0 .. slots-1), so that a run script can
   * pin one GPU per slot (WESTPA's WM_PROCESS_INDEX).
   */
  propagate(task: SegmentTask, signal?: AbortSignal, slot?: number): Promise<SegmentResult>;
  /** Progress coordinate of basis states that have none inline in we.yaml (WESTPA's get_pcoord). */
  basisStatePcoords?(states: BasisState[]): Promise<Float64Array>;
  /**
   * Every iteration before `nextIteration` is durable; any begun from `nextIteration` on will be redone. Called
   * around each iteration and at the end of a run (idempotent), e.g. to gather outputs kept on the node.
   */
  iterationsDurable?(nextIteration: number): Promise<void>;
  close?(): Promise<void>;
}

// ---------- progress coordinates ----------

/** Coordinates of frames, frames × atoms × 3 (Å), row-major. */
export interface Frames {
  nFrames: number;
  nAtoms: number;
  xyz: Float32Array;
}

/** Turns structures or trajectory frames into progress coordinates (e.g. an ONNX encoder's latent mean). */
export interface ProgressCoordinate {
  readonly ndim: number;
  /** frames.nFrames × ndim. */
  fromFrames(frames: Frames): Promise<Float64Array>;
  /**
   * Reads structure or trajectory files (PDB, DCD, AMBER NetCDF) and embeds every frame: one result per file
   * (its frames × ndim), in order. Batching files lets an implementation make one inference call for all.
   */
  fromFiles(paths: readonly string[]): Promise<Float64Array[]>;
  close?(): Promise<void>;
}

// ---------- work management ----------

export interface WorkProgress {
  done: number;
  total: number;
}

export interface WorkManager {
  /** Runs every task (retrying failures as configured); results in task order. */
  run(tasks: SegmentTask[], onProgress?: (p: WorkProgress) => void, signal?: AbortSignal): Promise<SegmentResult[]>;
  close(): Promise<void>;
}

// ---------- storage ----------

export interface RunDefinition {
  pcoord: PcoordShape;
  basisStates: BasisState[];
  targetStates: TargetState[];
  binhash: string;
  nbins: number;
}

export interface SummaryRow {
  nParticles: number;
  norm: number;
  minBinProb: number;
  maxBinProb: number;
  minSegProb: number;
  maxSegProb: number;
  cputime: number;
  walltime: number;
  binhash: string;
}

/** One iteration's full record: as prepared, as completed, and the iteration it prepared next. */
export interface IterationRecord {
  prepared: PreparedIteration;
  completed: CompletedIteration;
  /** Its newIstates are appended to the store's initial states (their ids continue the existing ones). */
  next: PreparedIteration;
}

export interface Store {
  /** Creates the store with iteration 1 prepared. Fails, touching nothing, if one exists and !force. */
  initialize(run: RunDefinition, first: PreparedIteration, force: boolean): Promise<void>;
  /**
   * Writes iteration N's results and prepares N+1; the iteration pointer advances last. Idempotent: calling it
   * again after an interrupted call leaves the same file.
   */
  commit(record: IterationRecord, binhash: string): Promise<void>;
  /** The iteration the store says is current (last completed + 1). */
  currentIteration(): Promise<number>;
  /** Reads back a prepared iteration (used after truncation, when no journal matches the file). */
  readPrepared(iteration: number): Promise<PreparedIteration>;
  /** Number of initial states used by iterations up to and including `iteration` (iter_used <= iteration; the next free id). */
  countIstates(iteration: number): Promise<number>;
  /** Removes iterations >= n, leaving n prepared (as w_truncate). */
  truncate(n: number): Promise<void>;
  close(): Promise<void>;
}

// ---------- hooks ----------

export interface IterationHooks {
  beforeIteration?(prepared: PreparedIteration): Promise<void> | void;
  afterIteration?(record: IterationRecord): Promise<void> | void;
}

// ---------- wiring ----------

export interface PluginRegistry {
  propagators: Record<string, (ctx: PropagatorContext, options: Record<string, unknown>) => Promise<Propagator>>;
  workManagers: Record<
    string,
    (ctx: PropagatorContext, propagator: () => Promise<Propagator>, options: Record<string, unknown>) => Promise<WorkManager>
  >;
  stores: Record<string, (ctx: PropagatorContext, options: Record<string, unknown>) => Promise<Store>>;
  progressCoordinates: Record<string, (ctx: PropagatorContext, options: Record<string, unknown>) => Promise<ProgressCoordinate>>;
}

