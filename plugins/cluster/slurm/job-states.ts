/** SLURM's many job states, as far as a chain of allocations cares. */

export type Phase = 'pending' | 'running' | 'done' | 'failed' | 'cancelled';

const PENDING = new Set(['PENDING', 'REQUEUED', 'REQUEUE_FED', 'REQUEUE_HOLD', 'RESV_DEL_HOLD']);
/** The allocation is granted: its nodes are booting, it runs, is suspended or is winding down. */
const RUNNING = new Set(['CONFIGURING', 'RUNNING', 'COMPLETING', 'SUSPENDED', 'STOPPED', 'SIGNALING', 'STAGE_OUT', 'RESIZING']);

/**
 * Anything else has ended: COMPLETED (the script exited 0) is done, CANCELLED is told apart because `we`
 * cancels jobs itself, and the rest (FAILED, TIMEOUT, NODE_FAIL, OUT_OF_MEMORY, BOOT_FAIL, DEADLINE,
 * PREEMPTED, ...) failed.
 */
export function phaseOf(slurmState: string): Phase {
  if (PENDING.has(slurmState)) return 'pending';
  if (RUNNING.has(slurmState)) return 'running';
  if (slurmState === 'COMPLETED') return 'done';
  if (slurmState.startsWith('CANCELLED')) return 'cancelled';
  return 'failed';
}
