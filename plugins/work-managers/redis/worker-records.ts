/** What a worker says of itself on every heartbeat (WORKERS_KEY), as `we status` and the driver read it. */

export interface WorkerRecord {
  id: string;
  node: string;
  pid: number;
  slots: number;
  gpus: string[];
  /** Run ids whose queues it reads. */
  runs: string[];
  /** Tasks it runs now: run id, task key, slot, start time (ms since the epoch). */
  tasks: { run: string; task: string; slot: number; since: number }[];
  /** Last heartbeat (ms since the epoch) and the lease it keeps up (ms): silent longer than that, it is gone. */
  heartbeat: number;
  leaseMs: number;
  draining: boolean;
}

/** Workers whose last heartbeat is within their lease; records that do not parse are skipped. */
export function liveWorkers(hash: Record<string, string>, now: number): WorkerRecord[] {
  const live: WorkerRecord[] = [];
  for (const text of Object.values(hash)) {
    try {
      const record = JSON.parse(text) as WorkerRecord;
      if (typeof record.heartbeat === 'number' && now - record.heartbeat <= record.leaseMs) live.push(record);
    } catch {
      // A record another program wrote: not a worker of ours.
    }
  }
  return live;
}
