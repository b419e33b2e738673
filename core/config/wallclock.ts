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

/** SLURM's notation for whole seconds: 'HH:MM:SS', or 'D-HH:MM:SS' from one day on. */
export function formatWallclock(totalSeconds: number): string {
  const s = Math.floor(totalSeconds);
  const two = (n: number) => String(n).padStart(2, '0');
  const clock = `${two(Math.floor(s / 3600) % 24)}:${two(Math.floor(s / 60) % 60)}:${two(s % 60)}`;
  const days = Math.floor(s / 86400);
  return days > 0 ? `${days}-${clock}` : clock;
}
