/**
 * The default work manager: runs tasks on this machine, at most `slots` at a time (one per GPU or core), with
 * the propagator created once and reused. A failing task is retried `retries` times before the run stops.
 */
import type { ResultOf, SlotOccupancy, TaskKind, TaskOf, WorkManager, WorkManagerContext, WorkProgress } from '../../core/plugins.js';
import { WeError } from '../../core/errors.js';
import { describeTask, taskSize } from '../../core/work/tasks.js';
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
    let next = 0;
    let done = 0;
    let busySeconds = 0;
    const started = performance.now();
    const slot = async (slotIndex: number): Promise<void> => {
      while (next < tasks.length) {
        signal?.throwIfAborted();
        const index = next++;
        const taskStarted = performance.now();
        results[index] = await this.runWithRetries(kind, tasks[index], slotIndex, signal);
        busySeconds += (performance.now() - taskStarted) / 1000;
        done += taskSize(kind, tasks[index]);
        onProgress?.({ done, total });
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.ctx.slots, tasks.length) }, (_, k) => slot(k)));
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
        return await this.ctx.local.run(kind, task, signal, slot);
      } catch (error) {
        if (signal?.aborted) throw error;
        if (attempt >= this.ctx.retries) {
          throw new WeError(`${describeTask(kind, task)} failed after ${attempt + 1} attempt(s): ${(error as Error).message}`);
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
