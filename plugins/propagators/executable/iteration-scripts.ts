/**
 * WESTPA's pre_iteration and post_iteration scripts (west.cfg `executable.pre_iteration` / `post_iteration`),
 * run by the driver around each iteration, never by a worker. Their environment is WESTPA's for them: the
 * sourced env.sh and `env` variables, WEST_SIM_ROOT, WEST_CURRENT_ITER and WEST_RAND*; they run in the simulation
 * root. Unlike WESTPA, which only logs a warning, a failing script stops the run.
 *
 * post_iteration runs after its iteration is durable, at least once per durable iteration, also across a kill:
 * the last iteration it finished for is recorded in `we-hooks.json` (replaced atomically once the script has
 * exited 0), and whenever the driver learns which iterations are durable it first runs the script for those
 * after the record. A run killed while the script runs, or before the record is written, runs it again for that
 * iteration when resumed, so the script must tolerate a second run. When the record is ahead of the durable
 * iterations (`we truncate`, `we init --force`) it is moved back, so redone iterations get the script again.
 * pre_iteration runs before every attempt at an iteration, so again when a resumed run redoes one.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { WeError } from '../../../core/errors.js';
import type { DriverHooks } from '../../../core/plugins.js';
import { Random, Stream } from '../../../core/random.js';
import type { PreparedIteration } from '../../../core/types.js';
import { writeFileAtomic } from '../../staging/atomic-file.js';
import { sixDigits } from '../../staging/layout.js';
import { assertSucceeded } from './child-failure.js';
import type { ChildOutcome } from './child-process-group.js';
import { randomEnv } from './random-env.js';

export const HOOKS_RECORD = 'we-hooks.json';

type Kind = 'pre_iteration' | 'post_iteration';

export interface IterationScriptsSpec {
  /** Absolute paths; absent means no such script. */
  preIteration?: string;
  postIteration?: string;
  simRoot: string;
  logsDir: string;
  seed: number;
  /** The sourced env.sh's variables and `env`, as every script of the run gets them. */
  env: Record<string, string>;
  /** Starts a script the way the propagator starts its own and resolves when it has ended. */
  start(spec: { file: string; cwd: string; env: Record<string, string>; logPath: string }): Promise<ChildOutcome>;
  /** Stops a script still running and releases what `start` uses. */
  close(): void;
}

interface HooksRecord {
  post_iteration?: { last_iteration: number };
}

export class IterationScripts implements DriverHooks {
  private readonly recordPath: string;

  constructor(private readonly spec: IterationScriptsSpec) {
    this.recordPath = join(spec.simRoot, HOOKS_RECORD);
  }

  async beforeIteration(prepared: PreparedIteration): Promise<void> {
    await this.iterationsDurable(prepared.iteration);
    if (this.spec.preIteration) await this.runScript('pre_iteration', this.spec.preIteration, prepared.iteration);
  }

  async iterationsDurable(nextIteration: number): Promise<void> {
    const script = this.spec.postIteration;
    if (!script) return;
    let done = await this.lastPostIteration();
    // No record yet: the script was added now (or the run starts now); iterations made without it stay so.
    if (done === undefined || done >= nextIteration) {
      done = nextIteration - 1;
      await this.recordPostIteration(done);
    }
    for (let iteration = done + 1; iteration < nextIteration; iteration++) {
      await this.runScript('post_iteration', script, iteration);
      await this.recordPostIteration(iteration);
    }
  }

  async close(): Promise<void> {
    this.spec.close();
  }

  private async runScript(kind: Kind, script: string, iteration: number): Promise<void> {
    const { simRoot, logsDir, seed } = this.spec;
    const logPath = join(logsDir, `${kind}_${sixDigits(iteration, 'iteration')}.log`);
    const rng = new Random(seed, iteration, Stream.iterationScripts, kind === 'pre_iteration' ? 0 : 1);
    const env = { ...this.spec.env, ...randomEnv(rng), WEST_SIM_ROOT: simRoot, WEST_CURRENT_ITER: String(iteration) };
    const outcome = await this.spec.start({ file: script, cwd: simRoot, env, logPath });
    await assertSucceeded(outcome, script, logPath, `${kind} for iteration ${iteration}`, undefined);
  }

  private async lastPostIteration(): Promise<number | undefined> {
    let text: string;
    try {
      text = await readFile(this.recordPath, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
    let last: unknown;
    try {
      last = (JSON.parse(text) as HooksRecord).post_iteration?.last_iteration;
    } catch {
      last = text;
    }
    if (last !== undefined && !Number.isInteger(last)) {
      throw new WeError(
        `expected {"post_iteration": {"last_iteration": N}}, found ${JSON.stringify(text.slice(0, 80))}; delete the file to run post_iteration from the next iteration on`,
        this.recordPath,
      );
    }
    return last as number | undefined;
  }

  private recordPostIteration(iteration: number): Promise<void> {
    const record: HooksRecord = { post_iteration: { last_iteration: iteration } };
    return writeFileAtomic(this.recordPath, `${JSON.stringify(record)}\n`);
  }
}
