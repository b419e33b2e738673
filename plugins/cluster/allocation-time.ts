/** How long `we run` may take in an allocation, so that it stops, and writes, before SLURM kills the job. */
import { WeError } from '../../core/errors.js';
import { formatWallclock } from '../../core/config/wallclock.js';
import type { JobClock } from './slurm/slurm-commands.js';

/** Seconds left of the job's limit less the margin (cluster.margin, else 10% of the limit, at most 5 minutes). */
export function runAllowance(clock: JobClock, margin: number | null): { seconds: number; margin: number } | undefined {
  if (clock.limit === undefined) return undefined;
  const kept = margin ?? Math.min(300, Math.floor(clock.limit / 10));
  const allowed = clock.limit - clock.used - kept;
  if (allowed < 1) {
    throw new WeError(
      `the job's time limit ${formatWallclock(clock.limit)} (${formatWallclock(clock.used)} used) leaves no time for \`we run\` ` +
        `after the margin of ${formatWallclock(kept)}: raise --time or lower cluster.margin`,
    );
  }
  return { seconds: allowed, margin: kept };
}
