/**
 * The default work manager: runs tasks on this machine, at most `slots` at a time (one per GPU or core), with
 * the propagator created once and reused. A failing task is retried `retries` times before the run stops.
 */
import type { ResultOf, SlotOccupancy, TaskKind, TaskOf, WorkManager, WorkManagerContext, WorkProgress } from '../../core/plugins.js';
import { PermanentError, WeError } from '../../core/errors.js';
import { asAttempt, describeTask, taskSize } from '../../core/work/tasks.js';
import { parsePluginOptions } from '../options.js';
import { localOptions } from './local-options.js';

export class LocalWorkManager implements WorkManager {
  private occupancy?: SlotOccupancy;

  constructor(private readonly ctx: WorkManagerContext) {}

  async run<K extends TaskKind>(
    kind: K,
    tasks: TaskOf<K>[],
    onProgress?: (p: WorkProgress) => void,
    signal?: AbortSignal,
  ): Promise<ResultOf<K>[]> {
    const total = tasks.reduce((s, t) => s + taskSize(kind, t), 0);
    const results: ResultOf<K>[] = new Array(tasks.length);
    // The first task to fail for good cancels the others (their scripts' process groups are killed) rather than
    // leaving them to run, or to retry, behind a run that has already failed.
    const stop = new AbortController();
    const slotSignal = signal ? AbortSignal.any([signal, stop.signal]) : stop.signal;
    let next = 0;
    let done = 0;
    let busySeconds = 0;
    const started = performance.now();
    const slot = async (slotIndex: number): Promise<void> => {
      while (next < tasks.length) {
        slotSignal.throwIfAborted();
        const index = next++;
        const taskStarted = performance.now();
        results[index] = await this.runWithRetries(kind, tasks[index], slotIndex, slotSignal);
        busySeconds += (performance.now() - taskStarted) / 1000;
        done += taskSize(kind, tasks[index]);
        onProgress?.({ done, total });
      }
    };
    const slots = Array.from({ length: Math.min(this.ctx.slots, tasks.length) }, (_, k) =>
      slot(k).catch((error: unknown) => {
        stop.abort(error);
        throw error;
      }),
    );
    // Every slot has ended before the run goes on to fail or close: nothing is left running behind it.
    await Promise.allSettled(slots);
    if (stop.signal.aborted) throw stop.signal.reason;
    const slotSeconds = (this.ctx.slots * (performance.now() - started)) / 1000;
    this.occupancy = { busySeconds, slotSeconds, busyFraction: slotSeconds > 0 ? Math.min(1, busySeconds / slotSeconds) : 0 };
    return results;
  }

  private async runWithRetries<K extends TaskKind>(
    kind: K,
    task: TaskOf<K>,
    slot: number,
    signal?: AbortSignal,
  ): Promise<ResultOf<K>> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.ctx.local.run(kind, asAttempt(kind, task, attempt), signal, slot);
      } catch (error) {
        if (signal?.aborted) throw error;
        const permanent = error instanceof PermanentError;
        if (permanent || attempt >= this.ctx.retries) {
          const notRetried = permanent && attempt < this.ctx.retries ? ' (not retried: a retry would fail the same way)' : '';
          throw new WeError(`${describeTask(kind, task)} failed after ${attempt + 1} attempt(s)${notRetried}: ${(error as Error).message}`);
        }
      }
    }
  }

  lastOccupancy(): SlotOccupancy | undefined {
    return this.occupancy;
  }

  async iterationsDurable(nextIteration: number): Promise<void> {
    await this.ctx.local.iterationsDurable(nextIteration);
  }

  async close(): Promise<void> {}
}

export async function createLocalWorkManager(ctx: WorkManagerContext, options: Record<string, unknown>): Promise<WorkManager> {
  parsePluginOptions(localOptions, options, ctx.configFile, 'work_manager.options');
  return new LocalWorkManager(ctx);
}
