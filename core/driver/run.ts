/**
 * `we run`: resume from the journal and store, then iterate until the iteration limit, the wallclock limit
 * (judged from past iteration times) or a stop signal. Stopping never leaves a half-written iteration: the
 * signal interrupts propagation, and a completed iteration is always made durable before the loop checks again.
 */
import type { RunContext } from './run-context.js';
import type { IterationHooks, SlotOccupancy, WorkProgress } from '../plugins.js';
import { resumeRun } from './resume.js';
import { runIteration } from './iteration.js';
import { writeStatus, type IterationOccupancy, type RunState } from './status.js';
import type { IterationSummary, Journal } from './journal.js';

export interface RunOptions {
  /** Last iteration to run (WESTPA's max_total_iterations); defaults to the config's max_iterations. */
  maxIterations?: number;
  /** Seconds this invocation may take. */
  maxWallclock?: number;
  signal?: AbortSignal;
  /** Called around every iteration, e.g. to gather node-local outputs once an iteration is durable. */
  hooks?: IterationHooks[];
  /** Called before an iteration's results are written; throwing stops the run with nothing written. */
  beforeCommit?(): void;
  onIterationStart?(iteration: number, walkers: number): void;
  onProgress?(iteration: number, progress: WorkProgress): void;
  /** `occupancy`: how busy the work manager's slots were, when it says. */
  onIterationEnd?(summary: IterationSummary, journal: Journal, occupancy?: SlotOccupancy): void;
  /** Something the user should know that does not stop the run, such as a journal rebuilt from the store. */
  onWarning?(message: string): void;
}

export interface RunOutcome {
  state: RunState;
  journal: Journal;
  iterationsRun: number;
  reason: string;
}

/** Iterations to look back over when predicting the next one's duration. */
const LOOKBACK = 5;
/** Iterations whose slot occupancy we-status.json shows. */
const OCCUPANCY_KEPT = 10;

export async function runSimulation(ctx: RunContext, options: RunOptions): Promise<RunOutcome> {
  const started = performance.now();
  const lastIteration = options.maxIterations ?? ctx.config.maxIterations;
  const wallclock = options.maxWallclock ?? ctx.config.maxWallclock;
  let journal = await resumeRun(ctx, (message) => options.onWarning?.(message));
  const workManager = await ctx.workManager();
  let iterationsRun = 0;
  // Whole iterations as this allocation sees them (propagation, resampling and writes); before the first
  // one, the journal's history is the only guide.
  const durations: number[] = [];
  const recentSeconds = () => (durations.length ? durations : journal.history.map((h) => h.walltime)).slice(-LOOKBACK);
  const occupancy: IterationOccupancy[] = [];
  const figures = () => ({ recentSeconds: recentSeconds(), occupancy, ...(workManager.broker ? { broker: workManager.broker } : {}) });

  const finish = (state: RunState, reason: string): RunOutcome => {
    writeStatus(ctx, journal, state, reason, figures());
    return { state, journal, iterationsRun, reason };
  };

  try {
    while (journal.iteration <= lastIteration) {
      // An in-process propagator never leaves the microtask queue; without this turn of the event loop a
      // SIGINT/SIGTERM handler would not run until the whole run had ended.
      await new Promise((resolve) => setImmediate(resolve));
      if (options.signal?.aborted) return finish('stopped', `stopped by signal before iteration ${journal.iteration}`);
      if (wallclock !== undefined) {
        const elapsed = (performance.now() - started) / 1000;
        const predicted = Math.max(0, ...recentSeconds());
        if (elapsed + predicted > wallclock) {
          return finish('stopped', `wallclock: ${elapsed.toFixed(1)} s used, next iteration predicted ${predicted.toFixed(1)} s, limit ${wallclock} s`);
        }
      }
      writeStatus(ctx, journal, 'running', undefined, figures());
      options.onIterationStart?.(journal.iteration, journal.prepared.n);
      const iterationStarted = performance.now();
      for (const hook of options.hooks ?? []) await hook.beforeIteration?.(journal.prepared);
      journal = await runIteration(ctx, journal, workManager, { onProgress: options.onProgress, beforeCommit: options.beforeCommit }, options.signal);
      const { lastRecord } = journal;
      if (lastRecord) for (const hook of options.hooks ?? []) await hook.afterIteration?.({ ...lastRecord, next: journal.prepared });
      durations.push((performance.now() - iterationStarted) / 1000);
      iterationsRun++;
      const busy = workManager.lastOccupancy?.();
      if (busy) {
        occupancy.push({ iteration: journal.iteration - 1, ...busy });
        if (occupancy.length > OCCUPANCY_KEPT) occupancy.shift();
      }
      options.onIterationEnd?.(journal.history[journal.history.length - 1], journal, busy);
    }
    return finish('completed', `reached iteration limit ${lastIteration}`);
  } catch (error) {
    if (options.signal?.aborted) return finish('stopped', `stopped by signal during iteration ${journal.iteration}`);
    try {
      writeStatus(ctx, journal, 'failed', (error as Error).message, figures());
    } catch {
      // (A full disk.) The failure itself is what to report; `we status` sees that this process has ended.
    }
    throw error;
  }
}
