/**
 * The default work manager: runs tasks on this machine, at most `slots` at a time (one per GPU or core), with
 * the propagator created once and reused. A failing task is retried `retries` times before the run stops.
 */
import { z } from 'zod';
import type { Propagator, PropagatorContext, SegmentResult, SegmentTask, WorkManager, WorkProgress } from '../../core/plugins.js';
import { WeError } from '../../core/errors.js';
import { parsePluginOptions } from '../options.js';

const LocalOptions = z.object({ slots: z.number().int().positive(), retries: z.number().int().min(0) }).strict();

export class LocalWorkManager implements WorkManager {
  constructor(
    private readonly propagator: () => Promise<Propagator>,
    private readonly slots: number,
    private readonly retries: number,
  ) {}

  async run(tasks: SegmentTask[], onProgress?: (p: WorkProgress) => void, signal?: AbortSignal): Promise<SegmentResult[]> {
    const propagator = await this.propagator();
    const total = tasks.reduce((s, t) => s + t.segIds.length, 0);
    const results: SegmentResult[] = new Array(tasks.length);
    let next = 0;
    let done = 0;
    const slot = async (slotIndex: number): Promise<void> => {
      while (next < tasks.length) {
        signal?.throwIfAborted();
        const index = next++;
        results[index] = await this.runWithRetries(propagator, tasks[index], slotIndex, signal);
        done += tasks[index].segIds.length;
        onProgress?.({ done, total });
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.slots, tasks.length) }, (_, k) => slot(k)));
    return results;
  }

  private async runWithRetries(propagator: Propagator, task: SegmentTask, slot: number, signal?: AbortSignal): Promise<SegmentResult> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await propagator.propagate(task, signal, slot);
      } catch (error) {
        if (signal?.aborted) throw error;
        if (attempt >= this.retries) {
          const segments = task.segIds.length === 1 ? `segment ${task.segIds[0]}` : `segments ${task.segIds[0]}–${task.segIds[task.segIds.length - 1]}`;
          throw new WeError(
            `iteration ${task.iteration}, ${segments} failed after ${attempt + 1} attempt(s): ${(error as Error).message}`,
          );
        }
      }
    }
  }

  async close(): Promise<void> {}
}

export async function createLocalWorkManager(
  ctx: PropagatorContext,
  propagator: () => Promise<Propagator>,
  options: Record<string, unknown>,
): Promise<WorkManager> {
  const { slots, retries } = parsePluginOptions(LocalOptions, options, ctx.config.file, 'work_manager');
  return new LocalWorkManager(propagator, slots, retries);
}
