/** Progress output: a live line on a terminal, one plain log line per iteration otherwise (batch logs). */
import type { SlotOccupancy, WorkProgress } from '../core/plugins.js';
import type { IterationSummary } from '../core/driver/journal.js';

export interface ProgressReporter {
  iterationStart(iteration: number, walkers: number): void;
  segments(iteration: number, progress: WorkProgress): void;
  /** `next`: the walkers the iteration's resampling prepared, and the bins they occupy. */
  iterationEnd(summary: IterationSummary, lastIteration: number, next: { walkers: number; occupiedBins: number }, occupancy?: SlotOccupancy): void;
  done(): void;
}

export function createReporter(stream: NodeJS.WriteStream): ProgressReporter {
  const tty = stream.isTTY === true;
  let iterationStarted = 0;
  let meanSeconds = 0;
  let finished = 0;
  let lastDraw = 0;
  let lastIteration = 0;
  const eta = (remaining: number) => (meanSeconds > 0 ? formatSeconds(meanSeconds * remaining) : '?');
  return {
    iterationStart(iteration) {
      iterationStarted = performance.now();
      lastIteration = iteration;
    },
    segments(iteration, { done, total }) {
      if (!tty) return;
      const now = performance.now();
      if (now - lastDraw < 100 && done < total) return;
      lastDraw = now;
      stream.write(`\r\x1b[2Kiteration ${iteration}: segments ${done}/${total}`);
    },
    iterationEnd(summary, last, next, occupancy) {
      const seconds = (performance.now() - iterationStarted) / 1000;
      finished++;
      meanSeconds += (seconds - meanSeconds) / finished;
      const flux = summary.flux.map((f) => f.toExponential(3)).join(',');
      const line =
        `iteration ${summary.iteration}: ${summary.nWalkers} segments, weight ${summary.totalWeight.toPrecision(15)}, ` +
        `flux [${flux}], ${seconds.toFixed(3)} s${occupancy ? `, slots ${(100 * occupancy.busyFraction).toFixed(1)}% busy` : ''}; next ${next.walkers} walkers in ${next.occupiedBins} bins; ETA ${eta(last - summary.iteration)}`;
      stream.write(tty ? `\r\x1b[2K${line}\n` : `${new Date().toISOString()} ${line}\n`);
    },
    done() {
      if (tty && lastIteration) stream.write('\r\x1b[2K');
    },
  };
}

export function formatSeconds(s: number): string {
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = Math.floor(s % 60);
  return `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}:${String(sec).padStart(2, '0')}`;
}
