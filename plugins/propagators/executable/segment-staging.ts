/**
 * The executable propagator's `staging` option: segments run in a node-local directory, the stage list is
 * copied to the node once per `we run`, and each iteration is gathered to the shared file system (one indexed
 * tar per node, the keep files individually) once the driver says it is durable.
 */
import { createHash, randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { basename, isAbsolute, relative } from 'node:path';
import { configError } from '../../../core/config/config-error.js';
import { WeError } from '../../../core/errors.js';
import type { AcceptedHere } from '../../../core/plugins.js';
import { NodeLocalStaging } from '../../staging/node-local.js';
import { expandPath } from './data-ref.js';
import { OPTIONS_FIELD, type ExecutableOptions } from './options.js';

type StagingOptions = NonNullable<ExecutableOptions['staging']>;

/** Told to run scripts so they can read staged inputs from the node (`$WE_STAGED_ROOT/native.pdb`). */
const STAGED_ROOT_VARIABLE = 'WE_STAGED_ROOT';

/**
 * Names the simulation, not the invocation: a later `we run` on the same node must find the iterations an
 * interrupted one left behind. The hash keeps two simulations with the same folder name apart.
 */
function simulationRunId(simRoot: string): string {
  const name = basename(simRoot).replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 40) || 'sim';
  return `${name}-${createHash('sha256').update(simRoot).digest('hex').slice(0, 12)}`;
}

function localRoot(option: string | undefined, simRoot: string, file: string): string {
  if (option === undefined) return tmpdir();
  const expanded = expandPath(option, simRoot);
  const unset = /\$\{?(\w+)/.exec(expanded);
  if (unset) {
    throw configError([{ file, field: `${OPTIONS_FIELD}.staging.local_root`, message: `environment variable ${unset[1]} is not set (in '${option}')` }]);
  }
  return expanded;
}

export class SegmentStaging {
  private prepared?: Promise<boolean>;
  /** Names this process's attempts at segments (with a count), for the restarts it copies before acceptance. */
  private readonly attemptPrefix: string;
  private attempts = 0;

  private constructor(
    private readonly simRoot: string,
    private readonly staging: NodeLocalStaging,
    private readonly nodeName: string,
    private readonly sharedWithNodes: boolean,
  ) {
    this.attemptPrefix = `${nodeName}-${process.pid}-${randomUUID().slice(0, 8)}`;
  }

  /**
   * `nodeName`: names this node's gathered tars (traj_segs/iter_NNNNNN.<node>.tar). `sharedWithNodes`: other
   * nodes run segments of the same iterations, so restarts go to the shared file system with each result.
   */
  static create(simRoot: string, options: StagingOptions, file: string, nodeName: string, sharedWithNodes = false): SegmentStaging {
    const root = localRoot(options.local_root, simRoot, file);
    let staging: NodeLocalStaging;
    try {
      staging = new NodeLocalStaging({
        runId: simulationRunId(simRoot),
        session: randomUUID(),
        sharedRoot: simRoot,
        localRoot: root,
        stage: options.stage,
        keep: options.keep,
      });
    } catch (error) {
      // A stage entry leaving the simulation root, or a keep pattern with a "/": name the option in we.yaml.
      if (!(error instanceof WeError)) throw error;
      throw configError([{ file, field: `${OPTIONS_FIELD}.staging`, message: error.message }]);
    }
    return new SegmentStaging(simRoot, staging, nodeName, sharedWithNodes);
  }

  /** Copies the stage list to this node, once per run however many segments start together. */
  prepare(): Promise<boolean> {
    this.prepared ??= this.staging.prepareOnce();
    return this.prepared;
  }

  /** The segment's node-local working directory (WEST_CURRENT_SEG_DATA_REF). */
  segmentDir(iteration: number, segId: number): string {
    return this.staging.segmentPath(iteration, segId);
  }

  /** The staged copy of `script` when the stage list holds it (call after prepare), else `script` itself. */
  script(script: string): string {
    const path = relative(this.simRoot, script);
    if (isAbsolute(path)) return script;
    return this.staging.stagedCopy(path.split('\\').join('/')) ?? script;
  }

  /**
   * What a finished segment's result carries when nodes share the run (SegmentResult.nodeOutputs): its restarts,
   * copied to the shared file system under this attempt's name for the accepting driver to move into place.
   * Undefined on one node, where the gather after the iteration keeps them.
   */
  async nodeOutputs(iteration: number, segId: number): Promise<{ from: string; to: string }[] | undefined> {
    if (!this.sharedWithNodes) return undefined;
    return this.staging.keepForAcceptance(iteration, segId, `${this.attemptPrefix}-${++this.attempts}`);
  }

  get env(): Record<string, string> {
    return { [STAGED_ROOT_VARIABLE]: this.staging.stagedRoot };
  }

  /**
   * Every iteration before `nextIteration` is durable: gather those still on the node (left by a run that
   * was stopped before it could gather). On one node, local iterations from `nextIteration` on were
   * interrupted and will be redone, so their partial outputs go. When nodes share the run (`acceptedHere`),
   * only the segments accepted from this node are gathered (a segment that another node ran again after this
   * one was lost is not this node's), and later iterations stay: their finished segments are reused. Their
   * restarts are already in place then (moved there when their results were accepted).
   */
  async settle(nextIteration: number, acceptedHere?: AcceptedHere): Promise<void> {
    for (const iteration of await this.staging.localIterations()) {
      if (iteration < nextIteration) {
        await this.staging.gatherIteration(iteration, this.nodeName, acceptedHere && (await acceptedHere(iteration)), !this.sharedWithNodes);
      } else if (!acceptedHere) {
        await this.staging.discardIteration(iteration);
      }
    }
  }

  release(): Promise<void> {
    return this.staging.release();
  }
}
