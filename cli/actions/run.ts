import { openRun } from '../open-run.js';
import { runSimulation } from '../../core/driver/run.js';
import { createReporter } from '../progress.js';
import { warnOnStderr } from '../warning.js';
import { readJournal } from '../../core/driver/journal.js';
import type { RunContext } from '../../core/driver/run-context.js';

export interface RunFlags {
  maxIterations?: number;
  maxWallclock?: number;
  /** Run through `we worker`s on this Redis server, whatever work_manager we.yaml names. */
  redis?: string;
  /** Take the simulation's lock even from a holder that cannot be checked from here. */
  forceUnlock?: boolean;
}

/** Returns the process exit code: 0 when the run ended or stopped at a limit, 128 + signal when interrupted. */
export async function run(configPath: string, flags: RunFlags): Promise<number> {
  const controller = new AbortController();
  let signalCode = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    if (controller.signal.aborted) process.exit(signal === 'SIGINT' ? 130 : 143);
    signalCode = signal === 'SIGINT' ? 130 : 143;
    process.stderr.write(`\n${signal}: stopping after the current step (again to abort now)\n`);
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const ctx = await openRun(configPath, { forceUnlock: flags.forceUnlock ?? false, ...(flags.redis !== undefined ? { redisUrl: flags.redis } : {}) });
  const reporter = createReporter(process.stderr);
  const lastIteration = flags.maxIterations ?? ctx.config.maxIterations;
  try {
    const outcome = await runSimulation(ctx, {
      ...(flags.maxIterations !== undefined ? { maxIterations: flags.maxIterations } : {}),
      ...(flags.maxWallclock !== undefined ? { maxWallclock: flags.maxWallclock } : {}),
      signal: controller.signal,
      // Someone may have taken the lock with --force-unlock, believing this run gone: then write nothing more.
      beforeCommit: () => ctx.lock.assertHeld(),
      hooks: [ctx.propagatorHooks],
      onIterationStart: (i, n) => reporter.iterationStart(i, n),
      onProgress: (i, p) => reporter.segments(i, p),
      onIterationEnd: (summary, journal, occupancy) =>
        reporter.iterationEnd(summary, lastIteration, { walkers: journal.prepared.n, occupiedBins: journal.occupiedBins }, occupancy),
      onWarning: warnOnStderr,
    });
    await ctx.iterationsDurable(outcome.journal.iteration, true);
    reporter.done();
    console.log(`${outcome.state}: ${outcome.reason}; ${outcome.iterationsRun} iteration(s) run, next is ${outcome.journal.iteration}`);
    return outcome.state === 'stopped' && signalCode ? signalCode : 0;
  } catch (error) {
    await settleAfterFailure(ctx);
    throw error;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await ctx.close();
  }
}

/**
 * After a failure, tells the propagator what is durable as the journal on disk says (an iteration whose journal
 * was written is committed by the next run without being propagated again), so that node-local outputs of the
 * failed iteration go and those of a durable one are gathered, rather than left in /tmp.
 */
async function settleAfterFailure(ctx: RunContext): Promise<void> {
  try {
    const journal = readJournal(ctx.journalFile);
    if (journal) await ctx.settleOutputs(journal.iteration);
  } catch {
    // Best effort, behind the error being reported: the next `we run` settles whatever is left before it starts.
  }
}
