/** Wallclock limits in SLURM's notation, as WE users already write them in job scripts. */

const WALLCLOCK = /^(?:(\d+)-)?(\d+):([0-5]\d):([0-5]\d)$/;

/** Seconds in 'HH:MM:SS' or 'D-HH:MM:SS' (hours below 24 once days are given); undefined if malformed. */
export function parseWallclock(text: string): number | undefined {
  const match = WALLCLOCK.exec(text.trim());
  if (!match) return undefined;
  const [, days, hours, minutes, seconds] = match;
  if (days !== undefined && Number(hours) >= 24) return undefined;
  return ((Number(days ?? 0) * 24 + Number(hours)) * 60 + Number(minutes)) * 60 + Number(seconds);
}
