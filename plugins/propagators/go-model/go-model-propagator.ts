/**
 * `we`'s C-alpha Go-model engine as an in-process propagator: the physics of we-go-md (same model, integrator,
 * seeds and frames), without starting a process per segment, which on a 10-bead chain costs ten times the MD.
 * Each segment continues its parent's final state (kept in traj_segs/NNNNNN/ by state-file.ts) or starts from
 * its basis state's structure with fresh Maxwell–Boltzmann velocities, as runseg.sh does; its frames go to the
 * progress-coordinate model in memory, all segments of a task in one encoder call.
 */
import { join, resolve } from 'node:path';
import { configError } from '../../../core/config/config-error.js';
import { PermanentError, WeError } from '../../../core/errors.js';
import type { Frames, Propagator, PropagatorContext, ProgressCoordinate, SegmentResult, SegmentTask } from '../../../core/plugins.js';
import { Random, Stream } from '../../../core/random.js';
import { readCaStructure } from '../../engines/go-model/ca-structure.js';
import { integrateFrames } from '../../engines/go-model/frames-loop.js';
import { buildGoModel, CLEMENTI_PARAMETERS, type GoModel } from '../../engines/go-model/go-model.js';
import { LangevinIntegrator } from '../../engines/go-model/langevin.js';
import { startState, type MdState } from '../../engines/go-model/md-state.js';
import { parsePluginOptions } from '../../options.js';
import { goModelOptions, type GoModelOptions } from './options.js';
import { iterationStatesDir, readStates, writeStates } from './state-file.js';

const OPTIONS_FIELD = 'propagator.options';

export class GoModelPropagator implements Propagator {
  private readonly integrator: LangevinIntegrator;
  private model?: Promise<ProgressCoordinate>;
  /** The states of the iteration last read from, so a task reads its parents' file once per iteration. */
  private parents?: { iteration: number; states: Promise<Map<number, MdState>> };
  /** Each basis state's C-alpha positions, by auxref, read once. */
  private readonly structures = new Map<string, Promise<Float64Array>>();

  constructor(
    private readonly ctx: PropagatorContext,
    private readonly options: GoModelOptions,
    private readonly goModel: GoModel,
    /** The run's progress coordinate, created on first use (the factory refuses a run without one). */
    private readonly loadModel: () => Promise<ProgressCoordinate>,
  ) {
    this.integrator = new LangevinIntegrator(goModel, { temperature: options.temperature, friction: options.friction, timestep: options.timestep });
  }

  async propagate(task: SegmentTask, signal?: AbortSignal): Promise<SegmentResult> {
    const n = task.segIds.length;
    const { frames } = this.options;
    const nAtoms = this.goModel.nAtoms;
    const stepsPerFrame = this.options.steps / frames;
    const frameSets: Frames[] = [];
    const finalStates: MdState[] = [];
    const cputime = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      signal?.throwIfAborted();
      const started = performance.now();
      const state = await this.segmentStart(task, i);
      const xyz = new Float32Array(frames * nAtoms * 3);
      integrateFrames(this.integrator, state, frames, stepsPerFrame, (f) => xyz.set(state.positions, f * nAtoms * 3));
      frameSets.push({ nFrames: frames, nAtoms, xyz });
      finalStates.push(state);
      cputime[i] = (performance.now() - started) / 1000;
    }
    await writeStates(iterationStatesDir(this.ctx.simRoot, task.iteration), task.segIds, finalStates);

    const embedStarted = performance.now();
    const points = await (await this.progressCoordinate()).fromFrames(frameSets);
    const embedShare = (performance.now() - embedStarted) / 1000 / n;
    const { len, ndim } = this.ctx.pcoord;
    const pcoord = new Float64Array(n * len * ndim);
    for (let i = 0; i < n; i++) {
      // Row 0 is the parent's final point, as WESTPA's pcoord convention has it.
      pcoord.set(task.startPoints.subarray(i * ndim, (i + 1) * ndim), i * len * ndim);
      pcoord.set(points[i], (i * len + 1) * ndim);
      cputime[i] += embedShare;
    }
    return { segIds: task.segIds, pcoord, cputime, walltime: Float64Array.from(cputime) };
  }

  /** The state segment `i` of `task` starts from: its parent's final state, or its basis state with new velocities. */
  private async segmentStart(task: SegmentTask, i: number): Promise<MdState> {
    const segId = task.segIds[i];
    const parentId = task.parentIds[i];
    // Each segment's own seed, so that the children of one parent (a split) go their own ways.
    const seed = new Random(this.ctx.seed, task.iteration, Stream.propagate, segId).uint32();
    if (parentId >= 0) {
      const parents = await this.parentStates(task.iteration - 1);
      const parent = parents.get(parentId);
      if (!parent) {
        throw new WeError(
          `iteration ${task.iteration}, segment ${segId}: its parent, segment ${parentId} of iteration ${task.iteration - 1}, has no kept state (expected it in go-states.*.bin)`,
          iterationStatesDir(this.ctx.simRoot, task.iteration - 1),
        );
      }
      return { ...parent, positions: Float64Array.from(parent.positions), velocities: Float64Array.from(parent.velocities), seed };
    }
    const istateId = -(parentId + 1);
    const istate = task.initialStates.find((s) => s.istateId === istateId);
    if (!istate) throw new WeError(`iteration ${task.iteration}, segment ${segId}: starts from initial state ${istateId}, which the task does not describe`);
    const start = await this.basisStructure(istate.auxref);
    return startState(start, this.options.temperature, this.goModel.parameters.mass, seed);
  }

  private parentStates(iteration: number): Promise<Map<number, MdState>> {
    if (this.parents?.iteration !== iteration) {
      this.parents = { iteration, states: readStates(iterationStatesDir(this.ctx.simRoot, iteration), this.goModel.nAtoms) };
    }
    return this.parents.states;
  }

  private basisStructure(auxref: string): Promise<Float64Array> {
    let positions = this.structures.get(auxref);
    if (!positions) {
      const path = join(this.ctx.basisStateDir, auxref, this.options.bstate_structure);
      positions = readCaStructure(path).then((s) => {
        if (s.nAtoms !== this.goModel.nAtoms) {
          throw new PermanentError(`holds ${s.nAtoms} CA atoms, expected ${this.goModel.nAtoms} as in the native structure ${this.options.native}`, path);
        }
        return s.positions;
      });
      this.structures.set(auxref, positions);
    }
    return positions;
  }

  private progressCoordinate(): Promise<ProgressCoordinate> {
    this.model ??= this.loadModel();
    return this.model;
  }

  /** Basis states' pcoords: their structures through the model, one encoder call for all. */
  async basisStatePcoords(basisStateIds: readonly number[]): Promise<Float64Array> {
    const paths = basisStateIds.map((id) => join(this.ctx.basisStateDir, this.ctx.basisStates[id].auxref, this.options.bstate_structure));
    const points = await (await this.progressCoordinate()).fromFiles(paths);
    const out = new Float64Array(basisStateIds.length * this.ctx.pcoord.ndim);
    points.forEach((point, i) => out.set(point, i * this.ctx.pcoord.ndim));
    return out;
  }

  async close(): Promise<void> {
    if (this.model) await (await this.model).close?.();
  }
}

export async function createGoModelPropagator(ctx: PropagatorContext, raw: Record<string, unknown>): Promise<Propagator> {
  const options = parsePluginOptions(goModelOptions, raw, ctx.configFile, OPTIONS_FIELD);
  const problems = [];
  if (options.steps % options.frames !== 0) {
    problems.push({ file: ctx.configFile, field: `${OPTIONS_FIELD}.steps`, message: `${options.steps} is not a multiple of frames (${options.frames}), expected frames evenly spaced in steps` });
  }
  if (ctx.pcoord.len !== options.frames + 1) {
    problems.push({ file: ctx.configFile, field: 'pcoord.len', message: `is ${ctx.pcoord.len}, expected ${options.frames + 1} (the parent's last point and ${options.frames} frames)` });
  }
  const loadModel = ctx.progressCoordinate;
  if (!loadModel) {
    problems.push({ file: ctx.configFile, field: 'progress_coordinate', message: 'is missing, expected a model that embeds the frames (e.g. {name: onnx, options: {model: chignolin-aae}})' });
  }
  if (problems.length || !loadModel) throw configError(problems);
  const native = await readCaStructure(resolve(ctx.simRoot, options.native));
  return new GoModelPropagator(ctx, options, buildGoModel(native.positions, { ...CLEMENTI_PARAMETERS, epsilon: options.epsilon }), loadModel);
}
