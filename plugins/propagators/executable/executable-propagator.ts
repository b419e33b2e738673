/**
 * WESTPA's ExecutablePropagator: one child process per segment running the user's run script, which reads its
 * segment from WEST_* variables and returns the progress coordinate (and any extra datasets) in files.
 */
import { mkdir, rm } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { configError } from '../../../core/config/config-error.js';
import { PermanentError, WeError } from '../../../core/errors.js';
import type { AcceptedHere, Propagator, PropagatorContext, ProgressCoordinate, SegmentResult, SegmentTask } from '../../../core/plugins.js';
import { Random, Stream } from '../../../core/random.js';
import { assertSucceeded } from './child-failure.js';
import { RefTemplate } from './data-ref.js';
import { OPTIONS_FIELD, parseExecutableOptions, type ExecutableOptions } from './options.js';
import { checkPcoord } from './pcoord-shape.js';
import { randomEnv } from './random-env.js';
import { ReturnFileDir, returnVariable, type ReturnFiles } from './return-files.js';
import { terminateGroup, type ChildOutcome, type ChildSpec } from './child-process-group.js';
import { createScriptStarter, type ScriptStarter } from './script-starter.js';
import { scriptPath } from './script-path.js';
import { segmentEnv, type RefTemplates } from './segment-env.js';
import { SegmentStaging } from './segment-staging.js';
import { resolveScript, scriptEnvironment } from './scripts.js';
import { sixDigits } from '../../staging/layout.js';
import { readTextMatrix } from './text-matrix.js';

interface SegmentOutput {
  pcoord: Float64Array;
  cputime: number;
  walltime: number;
  aux: Record<string, { values: Float64Array; shape: number[] }>;
  /** Restarts copied for the accepting side (nodes sharing the run, with staging). */
  kept?: { from: string; to: string }[];
}

export async function createExecutablePropagator(
  ctx: PropagatorContext,
  rawOptions: Record<string, unknown>,
): Promise<Propagator> {
  const file = ctx.configFile;
  const options = parseExecutableOptions(rawOptions, file);
  const runseg = await resolveScript(ctx.simRoot, options, 'runseg', file);
  const getPcoord = await resolveScript(ctx.simRoot, options, 'get_pcoord', file);
  if (options.pcoord_from === 'trajectory' && !ctx.progressCoordinate) {
    throw configError([
      { file, field: `${OPTIONS_FIELD}.pcoord_from`, message: "'trajectory' needs a progress_coordinate model in we.yaml" },
    ]);
  }
  const template = (option: 'segment_ref' | 'bstate_ref' | 'istate_ref' | 'segment_log', written: string, fields: Parameters<typeof RefTemplate.compile>[1]) =>
    RefTemplate.compile(written, fields, ctx.simRoot, file, `${OPTIONS_FIELD}.${option}`);
  const { basisStateDir } = ctx;
  const refs: RefTemplates = {
    segment: template('segment_ref', options.segment_ref, ['iter', 'seg']),
    // WESTPA's bstates/{auxref}, wherever the basis states are (a named set lives outside the simulation).
    bstate:
      options.bstate_ref === undefined
        ? { render: ({ auxref }) => join(basisStateDir, String(auxref)) }
        : template('bstate_ref', options.bstate_ref, ['auxref', 'bstate']),
    istate: template('istate_ref', options.istate_ref, ['istate', 'bstate', 'auxref', 'iter_created']),
  };
  const logsDir = resolve(ctx.simRoot, options.logs);
  await mkdir(logsDir, { recursive: true });
  const segmentLog = options.segment_log === undefined ? undefined : template('segment_log', options.segment_log, ['iter', 'seg']);
  const sourcedAndSet = await scriptEnvironment(ctx.simRoot, options, logsDir, file);
  const userEnv = { ...sourcedAndSet, PATH: scriptPath(sourcedAndSet.PATH ?? process.env.PATH) };
  const staging = options.staging && SegmentStaging.create(ctx.simRoot, options.staging, file, ctx.node, ctx.sharedWithNodes);
  const starter = await createScriptStarter(options.launcher, file);
  return new ExecutablePropagator(ctx, options, {
    runseg,
    getPcoord,
    refs,
    segmentLog,
    logsDir,
    userEnv,
    returnDir: await ReturnFileDir.create(),
    staging,
    starter,
  });
}

/** What the propagator works with, resolved from its options. */
interface Resolved {
  /** Absolute paths of the scripts. */
  runseg: string;
  getPcoord?: string;
  refs: RefTemplates;
  /** Each segment's log; default `<logsDir>/iter_NNNNNN_seg_NNNNNN.log`. */
  segmentLog?: RefTemplate;
  logsDir: string;
  /**
   * The sourced env.sh's variables, then `env`, and PATH with this installation's bin/ first: what every script
   * gets besides its WEST_* variables.
   */
  userEnv: Record<string, string>;
  returnDir: ReturnFileDir;
  staging?: SegmentStaging;
  starter: ScriptStarter;
}

class ExecutablePropagator implements Propagator {
  private readonly runseg: string;
  private readonly getPcoord?: string;
  private readonly refs: RefTemplates;
  private readonly segmentLog?: RefTemplate;
  private readonly logsDir: string;
  private readonly userEnv: Record<string, string>;
  private readonly returnDir: ReturnFileDir;
  private readonly staging?: SegmentStaging;
  private readonly starter: ScriptStarter;
  /** Directories of segment logs known to exist (segment_log may put each iteration in a folder of its own). */
  private readonly logDirs = new Set<string>();
  private model?: Promise<ProgressCoordinate>;
  /** Process groups of the scripts running now. */
  private readonly running = new Set<number>();

  constructor(
    private readonly ctx: PropagatorContext,
    private readonly options: ExecutableOptions,
    resolved: Resolved,
  ) {
    ({
      runseg: this.runseg,
      getPcoord: this.getPcoord,
      refs: this.refs,
      segmentLog: this.segmentLog,
      logsDir: this.logsDir,
      userEnv: this.userEnv,
      returnDir: this.returnDir,
      staging: this.staging,
      starter: this.starter,
    } = resolved);
    this.logDirs.add(this.logsDir);
  }

  async propagate(task: SegmentTask, signal?: AbortSignal, slot = 0): Promise<SegmentResult> {
    const n = task.segIds.length;
    const { len, ndim } = this.ctx.pcoord;
    const result: SegmentResult = {
      segIds: task.segIds,
      pcoord: new Float64Array(n * len * ndim),
      cputime: new Float64Array(n),
      walltime: new Float64Array(n),
    };
    const aux: Record<string, { values: Float64Array; shape: number[] }>[] = [];
    for (let i = 0; i < n; i++) {
      const out = await this.propagateSegment(task, i, slot, signal);
      result.pcoord.set(out.pcoord, i * len * ndim);
      result.cputime[i] = out.cputime;
      result.walltime[i] = out.walltime;
      aux.push(out.aux);
      if (out.kept) (result.nodeOutputs ??= { kept: [] }).kept.push(...out.kept);
    }
    if (this.options.datasets.length > 0 && n > 0) result.auxdata = stackAuxdata(task, aux, this.options.datasets);
    return result;
  }

  private async propagateSegment(task: SegmentTask, index: number, slot: number, signal?: AbortSignal): Promise<SegmentOutput> {
    const start = performance.now();
    const iteration = task.iteration;
    const segId = task.segIds[index];
    const context = `iteration ${iteration}, segment ${segId}`;
    await this.staging?.prepare();
    const place = segmentEnv(task, index, this.ctx.simRoot, this.refs, this.staging?.segmentDir(iteration, segId));
    await freshDirectory(place.dataRef);
    const returns = this.returnDir.files(`iter${sixDigits(iteration, 'iteration')}-seg${sixDigits(segId, 'segment id')}`, this.options.datasets);
    const rng = new Random(this.ctx.seed, iteration, Stream.segmentSeeds, segId);
    const logPath = await this.segmentLogPath(iteration, segId, task.attempt);
    const logStem = logPath.replace(/\.log(\.\d+)?$/, '');
    const outcome = await this.runScript(
      this.runseg,
      slot,
      {
        file: this.staging?.script(this.runseg) ?? this.runseg,
        cwd: place.dataRef,
        env: { ...this.userEnv, ...randomEnv(rng), ...this.staging?.env, ...place.env, ...returns.env, ...this.slotEnv(slot) },
        logPath,
        signal,
      },
      returns,
      context,
    );
    // Return files that fail to read are kept beside the log (WESTPA leaves them in /tmp); errors name them there.
    const keptAs = (name: string) => `${logStem}.${name}`;
    let pcoord: Float64Array;
    let aux: Record<string, { values: Float64Array; shape: number[] }>;
    try {
      pcoord = await this.segmentPcoord(task, index, place.dataRef, returns, keptAs, context);
      aux = await readAuxdata(returns, keptAs, this.options.datasets, context);
    } catch (err) {
      await returns.keep(keptAs);
      throw err;
    }
    await returns.remove();
    const kept = await this.staging?.nodeOutputs(iteration, segId);
    return { pcoord, aux, cputime: outcome.cputime ?? outcome.walltime, walltime: (performance.now() - start) / 1000, ...(kept ? { kept } : {}) };
  }

  private async segmentPcoord(
    task: SegmentTask,
    index: number,
    dataRef: string,
    returns: ReturnFiles,
    keptAs: (name: string) => string,
    context: string,
  ): Promise<Float64Array> {
    const { len, ndim } = this.ctx.pcoord;
    if (this.options.pcoord_from === 'script') {
      return readPcoord(returns.paths.pcoord, keptAs('pcoord'), len, ndim, context);
    }
    // Row 0 is the parent's final point; the trajectory holds the segment's new frames.
    const trajectory = join(dataRef, this.options.trajectory ?? '');
    const [frames] = await this.modelPoints([{ path: trajectory, context }], len - 1);
    const pcoord = new Float64Array(len * ndim);
    pcoord.set(task.startPoints.subarray(index * ndim, (index + 1) * ndim));
    pcoord.set(frames, ndim);
    return pcoord;
  }

  /** Every attempt's output is kept: the log, then `<log>.1`, `<log>.2` for retries; an error names the last one's. */
  private async segmentLogPath(iteration: number, segId: number, attempt = 0): Promise<string> {
    const suffix = attempt ? `.${attempt}` : '';
    if (!this.segmentLog) return join(this.logsDir, `iter_${sixDigits(iteration, 'iteration')}_seg_${sixDigits(segId, 'segment id')}.log${suffix}`);
    const path = this.segmentLog.render({ iter: iteration, seg: segId });
    const dir = dirname(path);
    if (!this.logDirs.has(dir)) {
      await mkdir(dir, { recursive: true });
      this.logDirs.add(dir);
    }
    return `${path}${suffix}`;
  }

  /**
   * Embeds every frame of each file with the configured model in one encoder call, expecting `rows` frames in
   * each; `context` names the segment or state a file belongs to.
   */
  private async modelPoints(files: { path: string; context: string }[], rows: number): Promise<Float64Array[]> {
    const { ndim } = this.ctx.pcoord;
    const model = await this.progressCoordinate();
    if (model.ndim !== ndim) {
      throw new PermanentError(`${files[0].context}: the progress-coordinate model gives ${model.ndim} dimensions, expected pcoord ndim ${ndim}`, files[0].path);
    }
    const points = await model.fromFiles(files.map((f) => f.path));
    points.forEach((p, i) => {
      if (p.length !== rows * ndim) {
        throw new WeError(`${files[i].context}: expected ${rows} frames (${rows} × ${ndim} pcoord values), got ${p.length / ndim} frames`, files[i].path);
      }
    });
    return points;
  }

  private progressCoordinate(): Promise<ProgressCoordinate> {
    if (!this.ctx.progressCoordinate) throw new WeError('no progress_coordinate model is configured in we.yaml', this.ctx.configFile);
    this.model ??= this.ctx.progressCoordinate();
    return this.model;
  }

  /** With a model, all basis states go through the encoder in one call (`we init` embeds ~50 on Summit). */
  async basisStatePcoords(basisStateIds: readonly number[]): Promise<Float64Array> {
    const { ndim } = this.ctx.pcoord;
    const out = new Float64Array(basisStateIds.length * ndim);
    const located = basisStateIds.map((id) => {
      const state = this.ctx.basisStates[id];
      return { id, context: `basis state ${id} (label ${state.label})`, ref: this.refs.bstate.render({ auxref: state.auxref, bstate: id }) };
    });
    const useModel = this.options.pcoord_from === 'trajectory' || (!this.getPcoord && this.ctx.progressCoordinate);
    if (useModel) {
      const files = located.map((s) => ({ path: join(s.ref, this.options.bstate_structure), context: s.context }));
      (await this.modelPoints(files, 1)).forEach((point, i) => out.set(point, i * ndim));
      return out;
    }
    for (const [i, s] of located.entries()) out.set(await this.runGetPcoord(s.id, s.ref, s.context), i * ndim);
    return out;
  }

  private async runGetPcoord(id: number, ref: string, context: string): Promise<Float64Array> {
    if (!this.getPcoord) {
      throw configError([
        {
          file: this.ctx.configFile,
          field: `${OPTIONS_FIELD}.get_pcoord`,
          message: `${context} has no pcoord in we.yaml: set get_pcoord, or configure a progress_coordinate model`,
        },
      ]);
    }
    const returns = this.returnDir.files(`bstate${sixDigits(id, 'basis state id')}`, []);
    // Iteration 0 never has segments, so these seeds cannot coincide with any segment's.
    const rng = new Random(this.ctx.seed, 0, Stream.segmentSeeds, id);
    const logPath = join(this.logsDir, `get_pcoord_bstate_${sixDigits(id, 'basis state id')}.log`);
    const env = {
      ...this.userEnv,
      ...randomEnv(rng),
      WEST_SIM_ROOT: this.ctx.simRoot,
      WEST_BSTATE_ID: String(id),
      WEST_BSTATE_DATA_REF: ref,
      WEST_STRUCT_DATA_REF: ref,
      ...returns.env,
    };
    await this.runScript(this.getPcoord, 0, { file: this.getPcoord, cwd: this.ctx.simRoot, env, logPath }, returns, context);
    const keptAs = (name: string) => join(this.logsDir, `get_pcoord_bstate_${sixDigits(id, 'basis state id')}.${name}`);
    try {
      const point = await readPcoord(returns.paths.pcoord, keptAs('pcoord'), 1, this.ctx.pcoord.ndim, context);
      await returns.remove();
      return point;
    } catch (err) {
      await returns.keep(keptAs);
      throw err;
    }
  }

  /** Runs a script with this propagator's timeout; on failure its return files go and a WeError names it. */
  private async runScript(
    script: string,
    slot: number,
    spec: Omit<ChildSpec, 'timeoutSeconds' | 'running'>,
    returns: ReturnFiles,
    context: string,
  ): Promise<ChildOutcome> {
    const outcome = await this.starter.run({ ...spec, timeoutSeconds: this.options.timeout, running: this.running }, slot);
    try {
      await assertSucceeded(outcome, script, spec.logPath, context, this.options.timeout);
    } catch (err) {
      await returns.remove();
      throw err;
    }
    return outcome;
  }

  /** WM_PROCESS_INDEX as WESTPA's work managers set it (runseg.sh pins a GPU with it), and the slot's GPU if given. */
  private slotEnv(slot: number): Record<string, string> {
    const gpu = this.ctx.gpus?.[slot];
    return { WM_PROCESS_INDEX: String(slot), ...(gpu === undefined ? {} : { CUDA_VISIBLE_DEVICES: gpu }) };
  }

  /** With staging, gathers the node's durable iterations to the shared file system. */
  async iterationsDurable(nextIteration: number, acceptedHere?: AcceptedHere): Promise<void> {
    await this.staging?.settle(nextIteration, acceptedHere);
  }

  async close(): Promise<void> {
    for (const group of this.running) terminateGroup(group);
    this.starter.close();
    await this.returnDir.remove();
    await this.staging?.release();
    await (await this.model)?.close?.();
  }
}

/**
 * As WESTPA: a data ref left by an earlier (failed) attempt is emptied so every attempt starts afresh. Tries the
 * common case (parent exists, ref does not) first: removing a tree costs several file system calls. On the
 * thread pool: on a slow or shared file system a mkdir takes long enough that slots should not queue behind it
 * on the event loop.
 */
async function freshDirectory(path: string): Promise<void> {
  try {
    await mkdir(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') await mkdir(path, { recursive: true });
    else if (code === 'EEXIST') {
      await rm(path, { recursive: true, force: true });
      await mkdir(path);
    } else throw err;
  }
}

/** `keptAs`: where the file will be if reading fails, so errors name that place. */
async function readPcoord(path: string, keptAs: string, rows: number, ndim: number, context: string): Promise<Float64Array> {
  const where = `${context}: ${returnVariable('pcoord')}`;
  return checkPcoord(await readTextMatrix(path, keptAs, where), rows, ndim, keptAs, where);
}

async function readAuxdata(
  returns: ReturnFiles,
  keptAs: (name: string) => string,
  datasets: readonly string[],
  context: string,
): Promise<Record<string, { values: Float64Array; shape: number[] }>> {
  const aux: Record<string, { values: Float64Array; shape: number[] }> = {};
  for (const name of datasets) {
    const where = `${context}: ${returnVariable(name)}`;
    const m = await readTextMatrix(returns.paths[name], keptAs(name), where);
    if (m.values.length === 0) throw new WeError(`${where}: the script returned no data`, keptAs(name));
    aux[name] = { values: m.values, shape: [m.rows, m.cols] };
  }
  return aux;
}

/** One array per dataset over the task's segments: shape [segments, rows, cols]; all segments must agree. */
function stackAuxdata(
  task: SegmentTask,
  perSegment: Record<string, { values: Float64Array; shape: number[] }>[],
  datasets: readonly string[],
): Record<string, { data: Float64Array; shape: number[] }> {
  const stacked: Record<string, { data: Float64Array; shape: number[] }> = {};
  for (const name of datasets) {
    const [rows, cols] = perSegment[0][name].shape;
    const data = new Float64Array(perSegment.length * rows * cols);
    perSegment.forEach((aux, i) => {
      const [r, c] = aux[name].shape;
      if (r !== rows || c !== cols) {
        throw new WeError(
          `iteration ${task.iteration}, segment ${task.segIds[i]}: dataset ${name} has shape ${r} × ${c}, but segment ${task.segIds[0]} returned ${rows} × ${cols}`,
        );
      }
      data.set(aux[name].values, i * rows * cols);
    });
    stacked[name] = { data, shape: [perSegment.length, rows, cols] };
  }
  return stacked;
}
