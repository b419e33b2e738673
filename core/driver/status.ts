/**
 * we-status.json beside the store: what `we status` and other tools read while a run holds west.h5
 * (WESTPA users resorted to a side file for the same reason, westpa#588). Replaced atomically.
 */
import { readFileSync, renameSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Journal, IterationSummary } from './journal.js';
import { WeError, failureReason } from '../errors.js';
import type { SlotOccupancy } from '../plugins.js';
import { currentProcess, hasEnded, isOnThisHost, type ProcessIdentity } from '../process-identity.js';
import { weightStats } from '../resampling/weight-checks.js';

/** we-status.json lives beside the store. */
export function statusPath(storePath: string): string {
  return join(dirname(storePath), 'we-status.json');
}

export type RunState = 'initialized' | 'running' | 'stopped' | 'completed' | 'failed';

export interface RunStatus extends ProcessIdentity {
  state: RunState;
  /** The iteration to run next (= west_current_iteration). */
  iteration: number;
  lastCompleted: number;
  walkers: number;
  occupiedBins: number;
  totalWeight: number;
  minWeight: number;
  maxWeight: number;
  targets: { label: string; lastFlux: number; meanFlux: number }[];
  secondsPerIteration: number | null;
  /** Busy fraction of all slots in the last iterations this `we run` ran (absent before the first). */
  slotOccupancy?: IterationOccupancy[];
  /** Where the run's tasks go (WorkManager.broker), when not to this process. */
  broker?: string;
  updated: string;
  message?: string;
}

export interface IterationOccupancy extends SlotOccupancy {
  iteration: number;
}

/** What only a running `we run` knows: its iterations' durations and slot occupancy, and its work manager's broker. */
export interface RunFigures {
  recentSeconds?: number[];
  occupancy?: IterationOccupancy[];
  broker?: string;
}

interface StatusSource {
  statusFile: string;
  config: { targetStates: { label: string }[] };
}

export function buildStatus(ctx: StatusSource, journal: Journal, state: RunState, message?: string, figures: RunFigures = {}): RunStatus {
  const { recentSeconds, occupancy, broker } = figures;
  const last: IterationSummary | undefined = journal.history[journal.history.length - 1];
  const recent = recentSeconds?.length ? recentSeconds : journal.history.slice(-10).map((h) => h.walltime);
  const weights = weightStats(journal.prepared.weight);
  return {
    state,
    iteration: journal.iteration,
    lastCompleted: journal.iteration - 1,
    walkers: journal.prepared.n,
    occupiedBins: journal.occupiedBins,
    totalWeight: weights.total,
    minWeight: weights.min,
    maxWeight: weights.max,
    targets: ctx.config.targetStates.map((t, k) => ({
      label: t.label,
      lastFlux: last?.flux[k] ?? 0,
      meanFlux: journal.history.length ? journal.history.reduce((s, h) => s + h.flux[k], 0) / journal.history.length : 0,
    })),
    secondsPerIteration: recent.length ? recent.reduce((s, t) => s + t, 0) / recent.length : null,
    ...(occupancy?.length ? { slotOccupancy: occupancy } : {}),
    ...(broker ? { broker } : {}),
    updated: new Date().toISOString(),
    ...currentProcess(),
    ...(message ? { message } : {}),
  };
}

export function writeStatus(
  ctx: StatusSource,
  journal: Journal,
  state: RunState,
  message?: string,
  figures?: RunFigures,
): RunStatus {
  const status = buildStatus(ctx, journal, state, message, figures);
  const tmp = `${ctx.statusFile}.tmp-${process.pid}`;
  try {
    writeFileSync(tmp, JSON.stringify(status, null, 2) + '\n');
    renameSync(tmp, ctx.statusFile);
  } catch (error) {
    rmSync(tmp, { force: true });
    throw new WeError(`cannot be written (${failureReason(error)})`, ctx.statusFile);
  }
  return status;
}

export function readStatus(statusFile: string): RunStatus {
  if (!existsSync(statusFile)) throw new WeError('no status file: run `we init` first', statusFile);
  try {
    return JSON.parse(readFileSync(statusFile, 'utf8')) as RunStatus;
  } catch (error) {
    throw new WeError(`status file is not valid JSON (${(error as Error).message})`, statusFile);
  }
}

/**
 * The status as it stands: one that says "running" although its process has ended (killed, out of memory) is
 * "stopped". Checked only on the writer's host; elsewhere the file is all there is to go by.
 */
export function currentStatus(status: RunStatus): RunStatus {
  if (status.state !== 'running' || status.host === undefined || !isOnThisHost(status) || !hasEnded(status)) return status;
  return { ...status, state: 'stopped', message: `process gone: pid ${status.pid} ended without updating this status; \`we run\` resumes` };
}
