/** What `we status` shows of a run whose tasks go through Redis: read from the server, never from west.h5. */
import { Redis } from 'ioredis';
import { GROUP, runId, runKeys, WORKERS_KEY } from './keys.js';
import { liveWorkers, type WorkerRecord } from './worker-records.js';
import type { IterationOccupancy } from '../../../core/driver/status.js';

export interface BrokerStatus {
  workers: WorkerRecord[];
  /** The open round: its kind and size; tasks waiting in the queue, leased to workers (read ahead or running), and results in. */
  round?: { kind: string; tasks: number; queued: number; leased: number; results: number };
  /** Leases taken over (requeues), late results refused, results rejected as malformed or foreign. */
  requeues: number;
  late: number;
  rejected: number;
  /** Newest first. */
  occupancy: (IterationOccupancy & { wall: number })[];
}

/** Fails fast (a few seconds) when the server does not answer: status must not hang on a broker that is gone. */
export async function readBrokerStatus(url: string, configFile: string): Promise<BrokerStatus> {
  const redis = new Redis(url, { lazyConnect: true, connectTimeout: 3000, maxRetriesPerRequest: 0, retryStrategy: () => null });
  redis.on('error', () => {}); // the failed command below says why
  try {
    await redis.connect();
    const id = runId(configFile);
    const keys = runKeys(id);
    const [workers, round, stats, occupancy] = await Promise.all([
      redis.hgetall(WORKERS_KEY),
      redis.hgetall(keys.round),
      redis.hgetall(keys.stats),
      redis.lrange(keys.occupancy, 0, 9),
    ]);
    let roundStatus: BrokerStatus['round'];
    if (round.id) {
      const [queueLength, pending] = await Promise.all([
        redis.xlen(keys.queue),
        redis.xpending(keys.queue, GROUP).catch(() => [0]) as Promise<unknown[]>,
      ]);
      const leased = Number(pending[0]) || 0;
      roundStatus = { kind: round.kind, tasks: Number(round.tasks), queued: queueLength - leased, leased, results: Number(round.in ?? 0) };
    }
    return {
      workers: liveWorkers(workers, Date.now()).filter((w) => w.runs.includes(id)),
      ...(roundStatus ? { round: roundStatus } : {}),
      requeues: Number(stats.requeues ?? 0),
      late: Number(stats.late ?? 0),
      rejected: Number(stats.rejected ?? 0),
      occupancy: occupancy.map((text) => JSON.parse(text) as IterationOccupancy & { wall: number }),
    };
  } finally {
    redis.disconnect();
  }
}
