/**
 * Crash points for the restart-safety tests: with WE_FAULT=<point>:<iteration> in the environment the process
 * SIGKILLs itself there, so a test can crash a real run at an exact step (propagation done, resampling done,
 * journal written, half-way through the store write) rather than only at random times.
 */
export function faultPoint(point: string, iteration: number): void {
  if (process.env.WE_FAULT === `${point}:${iteration}`) process.kill(process.pid, 'SIGKILL');
}

/** True when WE_FAULT names `fault`: lets a test reach a failure that a safeguard would otherwise prevent. */
export function faultEnabled(fault: string): boolean {
  return process.env.WE_FAULT === fault;
}
