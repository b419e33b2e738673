/**
 * The driver's side of the Redis work manager. Each `run` call is a round of tasks: published once to the
 * run's queue stream (workers read it through a consumer group), answered on the results stream. Results stay
 * in Redis until the next round is published, so a driver that dies mid-iteration and is started again adopts
 * the open round: results already in are used, tasks still running go on. See README "Many nodes: Redis".
 */
import type { Redis } from 'ioredis';
import { createHash } from 'node:crypto';
import { WeError } from '../../../core/errors.js';
import type {
  ResultOf,
  SlotOccupancy,
  TaskKind,
  TaskOf,
  WorkManager,
  WorkManagerContext,
  WorkProgress,
} from '../../../core/plugins.js';
import { describeTask, taskSize } from '../../../core/work/tasks.js';
import { decodeResult, encodeTask, MalformedEntryError } from './codec.js';
import { connect } from './connection.js';
import { GROUP, RUNS_KEY, runId, runKeys, taskKey, WORKERS_KEY, type RunKeys } from './keys.js';
import { liveWorkers } from './worker-records.js';

export interface RedisWorkManagerOptions {
  url: URL;
  /** Segments per propagation task at most. */
  segmentsPerTask: number;
  /** Seconds without a heartbeat before a worker's task goes back to the queue (told to the workers). */
  leaseSeconds: number;
  log(line: string): void;
}

/** Results read per XREAD, and how long one waits (ms) before the driver looks at the server again. */
const READ_COUNT = 1000;
const READ_BLOCK_MS = 500;
/** Tasks per XADD pipeline when publishing. */
const PUBLISH_CHUNK = 5000;

export class RedisWorkManager implements WorkManager {
  readonly maxBatchSize: number;
  readonly broker: string;
  private readonly keys: RunKeys;
  private readonly id: string;
  private occupancy?: SlotOccupancy;

  constructor(
    private readonly ctx: WorkManagerContext,
    private readonly options: RedisWorkManagerOptions,
    private readonly redis: Redis,
    /** A second connection for the blocking reads of the results stream. */
    private readonly reader: Redis,
  ) {
    this.maxBatchSize = options.segmentsPerTask;
    const shown = new URL(options.url);
    shown.username = '';
    shown.password = '';
    this.broker = shown.toString();
    this.id = runId(ctx.simulation.configFile);
    this.keys = runKeys(this.id);
  }

  /** Makes the run known to workers: what to rebuild, and the lease they must keep. */
  async announce(): Promise<void> {
    const spec = { ...this.ctx.simulation, batchSize: this.maxBatchSize, leaseSeconds: this.options.leaseSeconds, retries: this.ctx.retries };
    await this.redis.hset(RUNS_KEY, this.id, JSON.stringify(spec));
  }

  async run<K extends TaskKind>(
    kind: K,
    tasks: TaskOf<K>[],
    onProgress?: (p: WorkProgress) => void,
    signal?: AbortSignal,
  ): Promise<ResultOf<K>[]> {
    const started = performance.now();
    const keys = tasks.map((t) => taskKey(kind, t));
    const indexOf = new Map(keys.map((k, i) => [k, i]));
    const roundId = this.roundId(kind, tasks);
    const results: (ResultOf<K> | undefined)[] = Array.from({ length: tasks.length }, () => undefined);
    const attempts = new Uint32Array(tasks.length);
    const total = tasks.reduce((s, t) => s + taskSize(kind, t), 0);
    // Pcoord values per segment (len × ndim) or per basis state (ndim), to check results by.
    const valuesPerItem = kind === 'propagate' ? this.ctx.pcoord.len * this.ctx.pcoord.ndim : this.ctx.pcoord.ndim;
    let done = 0;
    let accepted = 0;
    let busySeconds = 0;
    let slotSeconds = 0;

    const round = await this.redis.hgetall(this.keys.round);
    if (round.id === roundId && round.published === '1') {
      this.options.log(`adopting the open round of ${tasks.length} task(s) (${describeRound(kind, tasks)}): results already in are kept`);
    } else {
      await this.publish(kind, roundId, tasks, keys, tasks.map((_, i) => i));
    }

    let lastId = '0';
    let lastLook = performance.now();
    while (accepted < tasks.length) {
      signal?.throwIfAborted();
      const reply = (await this.reader.xread('COUNT', READ_COUNT, 'BLOCK', READ_BLOCK_MS, 'STREAMS', this.keys.results, lastId)) as
        | [string, [string, string[]][]][]
        | null;
      const requeue: number[] = [];
      // Which node each accepted result came from (its node gathers those segments), written once per read.
      const acceptedFrom = this.redis.pipeline();
      for (const [entryId, flat] of reply?.[0]?.[1] ?? []) {
        lastId = entryId;
        const f = fields(flat);
        const index = f.task === undefined ? undefined : indexOf.get(f.task);
        const from = `worker ${f.worker ?? '?'} on node ${f.node ?? '?'}`;
        if (index === undefined) {
          this.reject(`result for ${JSON.stringify(f.task)} from ${from}: no such task in this round (foreign or from an earlier one)`);
          continue;
        }
        const what = describeTask(kind, tasks[index]);
        if (results[index] !== undefined) {
          this.options.log(`duplicate result for ${what} from ${from} ignored (the first was accepted)`);
          continue;
        }
        if (f.outcome === 'error') {
          attempts[index]++;
          if (attempts[index] > this.ctx.retries) {
            throw new WeError(`${what} failed after ${attempts[index]} attempt(s), last on node ${f.node ?? '?'}: ${f.body ?? ''}`);
          }
          this.options.log(`${what} failed on ${from} (attempt ${attempts[index]} of ${this.ctx.retries + 1}); queued again: ${f.body ?? ''}`);
          requeue.push(index);
          continue;
        }
        try {
          if (f.outcome !== 'ok') throw new MalformedEntryError(`outcome ${JSON.stringify(f.outcome)} is neither 'ok' nor 'error'`);
          results[index] = decodeResult(kind, f.body ?? '', tasks[index], valuesPerItem);
        } catch (error) {
          if (!(error instanceof MalformedEntryError)) throw error;
          this.reject(`result for ${what} from ${from}: ${error.name}: ${error.message}; queued again`);
          requeue.push(index);
          continue;
        }
        accepted++;
        done += taskSize(kind, tasks[index]);
        busySeconds += Number(f.busy) || 0;
        if (kind === 'propagate' && f.node) {
          const { iteration } = tasks[index] as TaskOf<'propagate'>;
          acceptedFrom.hset(this.keys.accepted(iteration), keys[index], f.node);
        }
        onProgress?.({ done, total });
      }
      if (acceptedFrom.length) await acceptedFrom.exec();
      if (requeue.length) await this.enqueue(kind, tasks, keys, requeue);

      const now = performance.now();
      if (now - lastLook >= READ_BLOCK_MS) {
        slotSeconds += ((now - lastLook) / 1000) * (await this.liveSlots());
        lastLook = now;
        // A server restarted without its data has lost the round: publish again what has no result yet.
        if (accepted < tasks.length && (await this.redis.hget(this.keys.round, 'id')) !== roundId) {
          const open = results.flatMap((r, i) => (r === undefined ? [i] : []));
          this.options.log(`the open round is gone from the server (restarted without its data?): publishing its ${open.length} unfinished task(s) again`);
          await this.publish(kind, roundId, tasks, keys, open);
          lastId = '0';
        }
      }
    }
    const wall = (performance.now() - started) / 1000;
    slotSeconds += ((performance.now() - lastLook) / 1000) * (await this.liveSlots());
    this.occupancy = { busySeconds, slotSeconds, busyFraction: slotSeconds > 0 ? Math.min(1, busySeconds / slotSeconds) : 0 };
    if (kind === 'propagate') {
      await this.redis.lpush(this.keys.occupancy, JSON.stringify({ ...this.occupancy, iteration: (tasks[0] as TaskOf<'propagate'>).iteration, wall }));
      await this.redis.ltrim(this.keys.occupancy, 0, 19);
    }
    return results as ResultOf<K>[];
  }

  lastOccupancy(): SlotOccupancy | undefined {
    return this.occupancy;
  }

  /**
   * Every iteration before `nextIteration` is durable: workers gather those iterations' segments they ran (the
   * accepted-by-node hashes say which), then the hashes go after a day.
   */
  async iterationsDurable(nextIteration: number): Promise<void> {
    await this.redis.set(this.keys.durable, String(nextIteration));
    if (nextIteration > 1) await this.redis.expire(this.keys.accepted(nextIteration - 1), 86_400);
  }

  async close(): Promise<void> {
    this.reader.disconnect();
    await this.redis.quit();
  }

  /**
   * Names a round by what its tasks are (every task's full text) and by the simulation they belong to: a
   * driver that starts again with the same round adopts it, and anything else (another iteration, the same
   * iteration after `we truncate` with a changed config) publishes anew.
   */
  private roundId<K extends TaskKind>(kind: K, tasks: TaskOf<K>[]): string {
    const hash = createHash('sha256').update(`${this.ctx.simulation.configDigest}\n${kind}\n`);
    for (const task of tasks) hash.update(encodeTask(kind, task)).update('\n');
    return hash.digest('hex').slice(0, 24);
  }

  private reject(message: string): void {
    this.options.log(`rejected ${message}`);
    void this.redis.hincrby(this.keys.stats, 'rejected', 1);
  }

  /**
   * A new round: the previous round's queue and results go (they were used: the driver only publishes a new
   * round once the journal holds the last one's outcome), then the tasks, then the flag that they are all there.
   * A driver that dies before the flag publishes the whole round again.
   */
  private async publish<K extends TaskKind>(kind: K, roundId: string, tasks: TaskOf<K>[], keys: string[], which: number[]): Promise<void> {
    await this.redis
      .multi()
      .del(this.keys.queue, this.keys.results, this.keys.round)
      .xgroup('CREATE', this.keys.queue, GROUP, '0', 'MKSTREAM')
      .hset(this.keys.round, { id: roundId, kind, tasks: String(tasks.length), published: '0', started: new Date().toISOString() })
      .exec();
    await this.announce();
    await this.enqueue(kind, tasks, keys, which);
    await this.redis.hset(this.keys.round, 'published', '1');
  }

  private async enqueue<K extends TaskKind>(kind: K, tasks: TaskOf<K>[], keys: string[], which: number[]): Promise<void> {
    for (let start = 0; start < which.length; start += PUBLISH_CHUNK) {
      const pipeline = this.redis.pipeline();
      for (const i of which.slice(start, start + PUBLISH_CHUNK)) {
        pipeline.xadd(this.keys.queue, '*', 'task', keys[i], 'kind', kind, 'body', encodeTask(kind, tasks[i]));
      }
      await pipeline.exec();
    }
  }

  private async liveSlots(): Promise<number> {
    const workers = liveWorkers(await this.redis.hgetall(WORKERS_KEY), Date.now());
    return workers.filter((w) => w.runs.includes(this.id)).reduce((s, w) => s + w.slots, 0);
  }
}

function fields(flat: string[]): Record<string, string | undefined> {
  const out: Record<string, string> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) out[flat[i]] = flat[i + 1];
  return out;
}

function describeRound<K extends TaskKind>(kind: K, tasks: TaskOf<K>[]): string {
  return kind === 'propagate' ? `iteration ${(tasks[0] as TaskOf<'propagate'>).iteration}` : 'basis-state pcoords';
}

export async function createRedisWorkManager(ctx: WorkManagerContext, options: Omit<RedisWorkManagerOptions, 'log'>): Promise<RedisWorkManager> {
  const log = (line: string) => process.stderr.write(`${new Date().toISOString()} we: redis: ${line}\n`);
  const wm = new RedisWorkManager(ctx, { ...options, log }, connect(options.url, 'we-driver', log), connect(options.url, 'we-driver-results'));
  await wm.announce();
  return wm;
}
