/**
 * The interfaces plugins implement. `core/` depends only on these; concrete plugins are wired by name from
 * we.yaml through a PluginRegistry handed in by the CLI.
 */
import type {
  BasisState,
  CompletedIteration,
  PcoordShape,
  PreparedIteration,
  TargetState,
  WalkerSet,
} from './types.js';
import type { Random } from './random.js';
import type { SpaceNeed } from './free-space.js';

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
  initialStates: { istateId: number; basisStateId: number; auxref: string; iterCreated: number }[];
  /** Retries of this task so far in this run (absent: the first attempt), e.g. to keep each attempt's log. */
  attempt?: number;
}

export interface SegmentResult {
  segIds: Int32Array;
  /** segIds.length × len × ndim. */
  pcoord: Float64Array;
  cputime: Float64Array;
  walltime: Float64Array;
  auxdata?: Record<string, { data: Float64Array; shape: number[] }>;
  /**
   * Present when the segments' outputs stay on the node that ran them until it gathers them (node-local staging
   * in a run shared by several nodes). `kept`: the files the next iteration needs (restarts), already on the
   * shared file system under names of this attempt; whoever accepts the result moves each `from` to `to` (paths
   * relative to the simulation root) before counting it, so that an accepted result's restarts survive the loss
   * of its node, and a late attempt's never replace them.
   */
  nodeOutputs?: { kept: { from: string; to: string }[] };
}

/** Basis states whose progress coordinate the propagator computes (WESTPA's get_pcoord), by basis state id. */
export interface BasisPcoordTask {
  basisStateIds: number[];
}

export interface BasisPcoordResult {
  basisStateIds: number[];
  /** basisStateIds.length × ndim. */
  pcoord: Float64Array;
}

/** What a propagator is told of the simulation: no more than it uses. */
export interface PropagatorContext {
  /** The we.yaml the run was configured by, named in error messages. */
  configFile: string;
  /** Directory holding we.yaml; relative paths in the config resolve against it (WEST_SIM_ROOT). */
  simRoot: string;
  pcoord: PcoordShape;
  seed: number;
  /** The run's basis states; a basis state's id is its index here. */
  basisStates: readonly BasisState[];
  /** Absolute folder holding the basis states' auxref folders (WESTPA's bstates/): bstates/, basis_states.folder, or a named set's. */
  basisStateDir: string;
  /** The node this process runs on, as gathered outputs name it (the host name unless a worker is told otherwise). */
  node: string;
  /** The GPU of each slot, if the worker was given some: run scripts get CUDA_VISIBLE_DEVICES=gpus[slot]. */
  gpus?: readonly string[];
  /**
   * Other nodes run segments of the same iterations (a `we worker`): a segment's restarts must reach the shared
   * file system before its result is returned (SegmentResult.nodeOutputs), not when its node gathers.
   */
  sharedWithNodes?: boolean;
  /** The configured progress-coordinate plugin, created on first use (once per worker). */
  progressCoordinate?: () => Promise<ProgressCoordinate>;
}

/** Segments of an iteration whose results the driver accepted from this node. */
export type AcceptedHere = (iteration: number) => Promise<ReadonlySet<number>>;

export interface Propagator {
  /**
   * `slot`: which of the work manager's parallel slots runs the task (0 .. slots-1), so that a run script can
   * pin one GPU per slot (WESTPA's WM_PROCESS_INDEX).
   */
  propagate(task: SegmentTask, signal?: AbortSignal, slot?: number): Promise<SegmentResult>;
  /** Progress coordinate of the given basis states (WESTPA's get_pcoord): ids.length × ndim. */
  basisStatePcoords?(basisStateIds: readonly number[]): Promise<Float64Array>;
  /**
   * Every iteration before `nextIteration` is durable. Called around each iteration and at the end of a run
   * (idempotent), e.g. to gather outputs kept on the node. On one node (no `acceptedHere`) any iteration begun
   * from `nextIteration` on will be redone. When nodes share a run, `acceptedHere(k)` gives the segments of
   * iteration k whose results the driver accepted from this node: only those are kept, and later iterations
   * are left alone (their finished segments are reused, not redone).
   */
  iterationsDurable?(nextIteration: number, acceptedHere?: AcceptedHere): Promise<void>;
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
  /**
   * Embeds sets of frames held in memory (e.g. each segment's, from an in-process engine): one result per set
   * (its nFrames × ndim), in order. Each set is scaled on its own, as a file is by fromFiles.
   */
  fromFrames(frameSets: readonly Frames[]): Promise<Float64Array[]>;
  /**
   * Reads structure or trajectory files (PDB, DCD, AMBER NetCDF) and embeds every frame: one result per file
   * (its frames × ndim), in order. Batching files lets an implementation make one inference call for all.
   */
  fromFiles(paths: readonly string[]): Promise<Float64Array[]>;
  close?(): Promise<void>;
}

// ---------- work management ----------

/**
 * The kinds of task a work manager runs, as WESTPA's work managers run propagate and get_pcoord (gen_istate
 * would be one more kind). Tasks and results are data only, so a remote worker can take them.
 */
export interface TaskKinds {
  propagate: { task: SegmentTask; result: SegmentResult };
  basisPcoords: { task: BasisPcoordTask; result: BasisPcoordResult };
}
export type TaskKind = keyof TaskKinds;
export type TaskOf<K extends TaskKind> = TaskKinds[K]['task'];
export type ResultOf<K extends TaskKind> = TaskKinds[K]['result'];

/**
 * What a worker needs to rebuild the run's propagator and progress coordinate: plain data the driver sends,
 * so no process has to construct a propagator just to ask it questions.
 */
export interface SimulationSpec {
  /** Absolute path of the run's we.yaml (on the file system the workers share with the driver). */
  configFile: string;
  simRoot: string;
  seed: number;
  /** Digest of the validated configuration: a worker that reads a different one refuses the run. */
  configDigest: string;
  /** Segments per propagation task the propagator wants: Infinity for vectorised in-process propagators. */
  batchSize: number;
}

export interface WorkProgress {
  done: number;
  total: number;
}

/** How busy the slots were while a work manager ran one call's tasks (WESTPA users watch GPU occupancy). */
export interface SlotOccupancy {
  /** Seconds tasks ran, summed over slots. */
  busySeconds: number;
  /** Seconds the slots were there: slots (summed over the workers present) × wall time, integrated over the call. */
  slotSeconds: number;
  /** busySeconds / slotSeconds. */
  busyFraction: number;
}

export interface WorkManager {
  /**
   * Segments per propagation task this work manager wants at most (the driver takes the smaller of this and
   * the propagator's batch size); absent: as the propagator wants.
   */
  readonly maxBatchSize?: number;
  /** Runs every task (retrying failures as configured); results in task order. */
  run<K extends TaskKind>(
    kind: K,
    tasks: TaskOf<K>[],
    onProgress?: (p: WorkProgress) => void,
    signal?: AbortSignal,
  ): Promise<ResultOf<K>[]>;
  /** Where tasks go, for `we status` to look (a URL without its password); absent: this process runs them. */
  readonly broker?: string;
  /** Slot occupancy of the last `run` call. */
  lastOccupancy?(): SlotOccupancy | undefined;
  /**
   * Passes Propagator.iterationsDurable on to the propagators it runs tasks with (e.g. to gather node outputs).
   * `final`: the run ends here; wait for what other nodes still have to gather, so the run's outputs are whole.
   */
  iterationsDurable?(nextIteration: number, final?: boolean): Promise<void>;
  close(): Promise<void>;
}

/** Runs tasks in this process with the run's propagator, created on first use (a worker's or the local one). */
export interface TaskRunner {
  run<K extends TaskKind>(kind: K, task: TaskOf<K>, signal?: AbortSignal, slot?: number): Promise<ResultOf<K>>;
  /** The propagator's iterationsDurable (creating it: a run with nothing left to do still gathers what one left). */
  iterationsDurable(nextIteration: number, acceptedHere?: AcceptedHere): Promise<void>;
}

/** What a work manager is told: the simulation to send to workers, and a runner for tasks run in this process. */
export interface WorkManagerContext {
  configFile: string;
  simulation: SimulationSpec;
  /** Slots (parallel tasks) and retries per failing task, from work_manager in we.yaml. */
  slots: number;
  retries: number;
  /** The shape results must have. */
  pcoord: PcoordShape;
  local: TaskRunner;
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

/** A completed iteration as the store keeps it: its summary row and what it recycled. */
export interface StoredIteration {
  summary: SummaryRow;
  /** Weight recycled into each target state at its end (order of the stored target states). */
  flux: Float64Array;
}

/**
 * A run as the store holds it at one of its iterations, read without changing anything: what a lost journal is
 * rebuilt from, and what the configuration is checked against before a run continues the store (which may have
 * been written by another program, WESTPA's w_run).
 */
export interface StoredRun {
  /** The iteration, as prepared (before it ran). */
  iteration: number;
  prepared: PreparedIteration;
  /** Basis states with the pcoord the store holds for each, probabilities as stored. */
  basisStates: BasisState[];
  targetStates: TargetState[];
  /**
   * The binhash this program prepared the iteration with; undefined when another program (WESTPA) prepared it,
   * whose hash (of a pickled mapper) cannot be compared with ours.
   */
  binhash?: string;
  /** Initial states made before the iteration ran: the next one made gets this id. */
  istateCount: number;
  /** Iterations 1 … iteration − 1. */
  history: StoredIteration[];
  /** How the store differs from what this program writes without that stopping a run, for the user to know. */
  notes: string[];
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
   * again after an interrupted call leaves the same file. A call that fails leaves the store as it was before it
   * (or, after a crash, as the next call to any method finds and restores it).
   */
  commit(record: IterationRecord, binhash: string): Promise<void>;
  /**
   * The most a commit of `record` may add to the store's file system, so that the driver can refuse the
   * iteration, writing nothing, when it is not free. Absent: the store needs no local space.
   */
  spaceNeeded?(record: IterationRecord): SpaceNeed;
  /** The iteration the store says is current (last completed + 1). */
  currentIteration(): Promise<number>;
  /**
   * The run at `iteration` (1 … current), when no journal matches the store: after truncation, a lost journal, or
   * a file another program wrote. WeError naming what is missing or damaged when the store cannot give it, and,
   * for the current iteration, when another program has begun it (its segments cannot be taken over).
   */
  readRun(iteration: number): Promise<StoredRun>;
  /** Removes iterations >= n, leaving n prepared (as w_truncate). */
  truncate(n: number): Promise<void>;
  close(): Promise<void>;
}

// ---------- hooks ----------

export interface IterationHooks {
  beforeIteration?(prepared: PreparedIteration): Promise<void> | void;
  afterIteration?(record: IterationRecord): Promise<void> | void;
}

/** What the driver alone runs around iterations, never a worker (e.g. WESTPA's pre_iteration and post_iteration scripts). */
export interface DriverHooks extends IterationHooks {
  /** Every iteration before `nextIteration` is durable (as Propagator.iterationsDurable; called as a run ends too). */
  iterationsDurable?(nextIteration: number): Promise<void>;
  close?(): Promise<void>;
}

// ---------- wiring ----------

/** What a store is told: its file and the pcoord shape it holds. */
export interface StoreContext {
  configFile: string;
  /** Absolute path of the store (store.path in we.yaml). */
  path: string;
  pcoord: PcoordShape;
}

/** What a progress-coordinate plugin is told: where relative paths start and the dimensions expected. */
export interface ProgressCoordinateContext {
  configFile: string;
  simRoot: string;
  ndim: number;
}

export interface PropagatorPlugin {
  /** Segments per task it wants (Infinity: vectorised in process; 1: a process per segment), known before creating one. */
  readonly batchSize: number;
  create(ctx: PropagatorContext, options: Record<string, unknown>): Promise<Propagator>;
  /** The driver's hooks its options ask for (undefined: none), made without creating a propagator. */
  driverHooks?(ctx: PropagatorContext, options: Record<string, unknown>): Promise<DriverHooks | undefined>;
}

export interface PluginRegistry {
  propagators: Record<string, PropagatorPlugin>;
  workManagers: Record<string, (ctx: WorkManagerContext, options: Record<string, unknown>) => Promise<WorkManager>>;
  stores: Record<string, (ctx: StoreContext, options: Record<string, unknown>) => Promise<Store>>;
  progressCoordinates: Record<string, (ctx: ProgressCoordinateContext, options: Record<string, unknown>) => Promise<ProgressCoordinate>>;
}
