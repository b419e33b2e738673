/**
 * `we status --watch`: follows a run from we-status.json alone (never west.h5, which the run holds), redrawing
 * in place on a terminal and printing one line per change otherwise (batch logs), or with --json one JSON object
 * per change (the status with the rate and ETA added). Ctrl-C ends it.
 */
import { loadRunConfig } from '../run-config.js';
import { currentStatus, readStatus, statusPath, type RunStatus } from '../../core/driver/status.js';
import { formatSeconds } from '../progress.js';

/**
 * Fields a run may add to we-status.json beyond RunStatus: the iteration it runs to (`we run --max-iter`), and per
 * work-manager slot the fraction of the last iteration it was busy.
 */
interface WatchedStatus extends RunStatus {
  maxIterations?: number;
  slotBusy?: number[];
}

interface Progress {
  /** Completed iterations seen, and when. */
  first?: { completed: number; at: number };
}

function iterationsPerHour(status: WatchedStatus, progress: Progress, now: number): number | undefined {
  const seen = progress.first;
  if (seen && status.lastCompleted > seen.completed && now > seen.at) return ((status.lastCompleted - seen.completed) * 3600_000) / (now - seen.at);
  return status.secondsPerIteration ? 3600 / status.secondsPerIteration : undefined;
}

/** Seconds to the last iteration at the current rate (0 when there; undefined while the rate is unknown). */
function etaSeconds(status: WatchedStatus, maxIterations: number, perHour: number | undefined): number | undefined {
  const remaining = Math.max(0, (status.maxIterations ?? maxIterations) - status.lastCompleted);
  return remaining === 0 ? 0 : perHour ? (remaining / perHour) * 3600 : undefined;
}

/** The watch's lines for one reading of the status. */
export function statusLines(status: WatchedStatus, maxIterations: number, perHour: number | undefined): string[] {
  const target = status.maxIterations ?? maxIterations;
  const seconds = etaSeconds(status, maxIterations, perHour);
  const eta = seconds === 0 ? 'done' : seconds === undefined ? '?' : formatSeconds(seconds);
  const rate = perHour === undefined ? '?' : `${perHour.toPrecision(3)} iterations/h (${(3600 / perHour).toFixed(1)} s each)`;
  const lines = [
    `${status.state}${status.message ? ` (${status.message})` : ''}: iteration ${status.lastCompleted} of ${target} complete, ETA ${eta}`,
    `rate ${rate}; ${status.walkers} walkers in ${status.occupiedBins} bins`,
    ...status.targets.map((t) => `flux into '${t.label}': last ${t.lastFlux.toExponential(3)}, mean ${t.meanFlux.toExponential(3)} per iteration`),
  ];
  if (status.slotBusy?.length) {
    const mean = status.slotBusy.reduce((s, b) => s + b, 0) / status.slotBusy.length;
    lines.push(`slots busy ${(100 * mean).toFixed(0)}% over ${status.slotBusy.length} slots (${status.slotBusy.map((b) => `${(100 * b).toFixed(0)}%`).join(' ')})`);
  }
  lines.push(`updated ${status.updated} (pid ${status.pid})`);
  return lines;
}

/** Redraws every `intervalSeconds` until SIGINT/SIGTERM; resolves then (exit status 0). */
export async function watchStatus(configPath: string, intervalSeconds: number, json: boolean, out: NodeJS.WriteStream = process.stdout): Promise<void> {
  const config = await loadRunConfig(configPath);
  const file = statusPath(config.store.path);
  const tty = out.isTTY === true;
  const progress: Progress = {};
  let drawn = 0;
  let lastSeen = '';
  let stop: () => void = () => {};
  const stopped = new Promise<void>((done) => (stop = done));
  const onSignal = () => stop();
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    for (;;) {
      // A run killed without a word shows as stopped (process gone), as `we status` says.
      const status = currentStatus(readStatus(file)) as WatchedStatus;
      const seen = `${status.updated} ${status.state}`;
      const now = Date.now();
      progress.first ??= { completed: status.lastCompleted, at: now };
      const perHour = iterationsPerHour(status, progress, now);
      const lines = statusLines(status, config.maxIterations, perHour);
      if (json) {
        if (seen !== lastSeen) {
          out.write(`${JSON.stringify({ ...status, iterationsPerHour: perHour ?? null, etaSeconds: etaSeconds(status, config.maxIterations, perHour) ?? null })}\n`);
        }
      } else if (tty) {
        // back to the first line drawn, clear to the end of the screen, draw again
        out.write(`${drawn ? `\x1b[${drawn}F` : ''}\x1b[J${lines.join('\n')}\n`);
        drawn = lines.length;
      } else if (seen !== lastSeen) {
        out.write(`${new Date(now).toISOString()} ${lines.slice(0, -1).join('; ')}\n`);
      }
      lastSeen = seen;
      let timer: NodeJS.Timeout | undefined;
      const tick = new Promise<'tick'>((done) => (timer = setTimeout(() => done('tick'), intervalSeconds * 1000)));
      const next = await Promise.race([tick, stopped.then(() => 'stop' as const)]);
      clearTimeout(timer);
      if (next === 'stop') return;
    }
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
