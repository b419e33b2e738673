/**
 * The driver's side of the Redis work manager. Each `run` call is a round of tasks: published once to the
 * run's queue stream (workers read it through a consumer group), answered on the results stream. Results stay
 * in Redis until the next round is published, so a driver that dies mid-iteration and is started again adopts
 * the open round: results already in are used, tasks still running go on. See README "Many nodes: Redis".
 *
 * What it keeps per task is small: the result once accepted and a retry count. Tasks are encoded when
 * published (in pipelined chunks) and named by their index in the round, never kept as text.
 */
import type { Redis } from 'ioredis';
import { createHash } from 'node:crypto';
import { WeError } from '../../../core/errors.js';
import type {
  ResultOf,
  SegmentResult,
  SlotOccupancy,
  TaskKind,
  TaskOf,
  WorkManager,
  WorkManagerContext,
  WorkProgress,
} from '../../../core/plugins.js';
import { describeTask, taskSize } from '../../../core/work/tasks.js';
import { decodeRecord, decodeResult, encodeEntry, encodeTask, MalformedEntryError } from './codec.js';
import { connect } from './connection.js';
import { GatherWatch } from './gather-watch.js';
import { GROUP, RUNS_KEY, runId, runKeys, WORKERS_KEY, type RunKeys } from './keys.js';
import { forEachLimited, moveKeptFiles } from './kept-files.js';
import type { RawEntry } from './scripts.js';
import { liveWorkers } from './worker-records.js';

export interface RedisWorkManagerOptions {
  url: URL;
  /** Segments per propagation task at most. */
  segmentsPerTask: number;
  /** Seconds without a heartbeat before a worker's tasks go back to the queue (told to the workers). */
  leaseSeconds: number;
  log(line: string): void;
}

/** Result entries read per XREAD (each holds a worker's batch), and how long one waits (ms) before the driver looks at the server again. */
const READ_COUNT = 256;
const READ_BLOCK_MS = 500;
/** Tasks per pipelined chunk when publishing. */
const PUBLISH_CHUNK = 1000;
/** At the end of a run, how long to wait for nodes still gathering their outputs. */
const FINAL_GATHER_SECONDS = 600;

/** A result accepted by the checks, waiting for its restarts to be moved into place. */
interface Arrival {
  index: number;
  node: string;
  from: string;
  result: SegmentResult;
  busy: number;
}

export class RedisWorkManager implements WorkManager {
  readonly maxBatchSize: number;
  readonly broker: string;
  private readonly keys: RunKeys;
  private readonly id: string;
  private readonly gathers: GatherWatch;
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
    this.gathers = new GatherWatch(redis, this.keys, this.id, ctx.simulation.simRoot, options.log);
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
    const n = tasks.length;
    const roundId = this.roundId(kind, tasks);
    const results: (ResultOf<K> | undefined)[] = new Array(n);
    const attempts = new Uint16Array(n);
    const total = tasks.reduce((s, t) => s + taskSize(kind, t), 0);
    // Pcoord values per segment (len × ndim) or per basis state (ndim), to check results by.
    const valuesPerItem = kind === 'propagate' ? this.ctx.pcoord.len * this.ctx.pcoord.ndim : this.ctx.pcoord.ndim;
    let done = 0;
    let accepted = 0;
    let busySeconds = 0;
    let slotSeconds = 0;

    const round = await this.redis.hgetall(this.keys.round);
    if (round.id === roundId && round.published === '1') {
      this.options.log(`adopting the open round of ${n} task(s) (${describeRound(kind, tasks)}): results already in are kept`);
    } else {
      await this.publish(kind, roundId, tasks, Array.from({ length: n }, (_, i) => i));
    }

    const accept = (index: number, result: ResultOf<K>, busy: number) => {
      results[index] = result;
      accepted++;
      done += taskSize(kind, tasks[index]);
      busySeconds += busy;
    };

    let lastId = '0';
    let lastLook = performance.now();
    while (accepted < n) {
      signal?.throwIfAborted();
      const reply = (await this.reader.xreadBuffer('COUNT', READ_COUNT, 'BLOCK', READ_BLOCK_MS, 'STREAMS', this.keys.results, lastId)) as
        | [Buffer, RawEntry[]][]
        | null;
      const requeue: number[] = [];
      const arrivals: Arrival[] = [];
      const arriving = new Set<number>();
      const refuse = (index: number, message: string) => {
        this.reject(message);
        requeue.push(index);
      };
      for (const [entryId, fields] of reply?.[0]?.[1] ?? []) {
        lastId = entryId.toString();
        const { worker, node, records } = resultEntry(fields);
        const from = `worker ${worker} on node ${node}`;
        for (const bytes of records) {
          let record;
          try {
            record = decodeRecord(bytes);
          } catch (error) {
            if (!(error instanceof MalformedEntryError)) throw error;
            this.reject(`result from ${from}: ${error.name}: ${error.message}`);
            continue;
          }
          const { index } = record;
          if (index >= n) {
            this.reject(`result for task ${index} from ${from}: no such task in this round of ${n} (foreign or from an earlier one)`);
            continue;
          }
          const what = () => describeTask(kind, tasks[index]);
          if (results[index] !== undefined || arriving.has(index)) {
            this.options.log(`duplicate result for ${what()} from ${from} ignored (the first was accepted)`);
            continue;
          }
          if (record.outcome === 'error') {
            attempts[index]++;
            const message = record.body.toString('utf8');
            if (attempts[index] > this.ctx.retries) {
              throw new WeError(`${what()} failed after ${attempts[index]} attempt(s), last on node ${node}: ${message}`);
            }
            this.options.log(`${what()} failed on ${from} (attempt ${attempts[index]} of ${this.ctx.retries + 1}); queued again: ${message}`);
            requeue.push(index);
            continue;
          }
          let result: ResultOf<K>;
          try {
            result = decodeResult(kind, record.body, tasks[index], valuesPerItem);
          } catch (error) {
            if (!(error instanceof MalformedEntryError)) throw error;
            refuse(index, `result for ${what()} from ${from}: ${error.name}: ${error.message}; queued again`);
            continue;
          }
          const outputs = kind === 'propagate' ? (result as SegmentResult).nodeOutputs : undefined;
          if (outputs) {
            arriving.add(index);
            arrivals.push({ index, node, from, result: result as SegmentResult, busy: record.busy });
          }
          else accept(index, result, record.busy);
        }
      }
      if (arrivals.length > 0) {
        // Acceptance implies durability: an accepted segment's restarts are where the next iteration reads them.
        const owed = this.redis.pipeline();
        const byNode = new Map<string, number[]>();
        await forEachLimited(arrivals, async (a) => {
          const failure = await moveKeptFiles(this.ctx.simulation.simRoot, a.result.nodeOutputs!.kept);
          if (failure) return refuse(a.index, `result for ${describeTask(kind, tasks[a.index])} from ${a.from}: ${failure}; queued again`);
          accept(a.index, a.result as ResultOf<K>, a.busy);
          byNode.set(a.node, [...(byNode.get(a.node) ?? []), ...a.result.segIds]);
        });
        const iteration = (tasks[0] as TaskOf<'propagate'>).iteration;
        for (const [node, segIds] of byNode) this.gathers.owe(owed, iteration, node, segIds);
        await owed.exec();
      }
      if (reply) onProgress?.({ done, total });
      if (requeue.length) await this.enqueue(kind, tasks, requeue);

      const now = performance.now();
      if (now - lastLook >= READ_BLOCK_MS) {
        slotSeconds += ((now - lastLook) / 1000) * (await this.liveSlots());
        lastLook = now;
        // A server restarted without its data has lost the round: publish again what has no result yet.
        if (accepted < n && (await this.redis.hget(this.keys.round, 'id')) !== roundId) {
          const open = Array.from({ length: n }, (_, i) => i).filter((i) => results[i] === undefined);
          this.options.log(`the open round is gone from the server (restarted without its data?): publishing its ${open.length} unfinished task(s) again`);
          await this.publish(kind, roundId, tasks, open);
          lastId = '0';
        }
      }
    }
    const wall = (performance.now() - started) / 1000;
    slotSeconds += ((performance.now() - lastLook) / 1000) * (await this.liveSlots());
    this.occupancy = { busySeconds, slotSeconds, busyFraction: slotSeconds > 0 ? Math.min(1, busySeconds / slotSeconds) : 0 };
    if (kind === 'propagate') {
      await this.redis
        .pipeline()
        .lpush(this.keys.occupancy, JSON.stringify({ ...this.occupancy, iteration: (tasks[0] as TaskOf<'propagate'>).iteration, wall }))
        .ltrim(this.keys.occupancy, 0, 19)
        .exec();
    }
    return results as ResultOf<K>[];
  }

  lastOccupancy(): SlotOccupancy | undefined {
    return this.occupancy;
  }

  /**
   * Every iteration before `nextIteration` is durable: workers gather those iterations' outputs they hold (the
   * accepted-on-node records say which); nodes gone before gathering are recorded as lost. At the end of a run
   * (`final`), waits for the nodes still gathering, so that what `we run` leaves behind is complete.
   */
  async iterationsDurable(nextIteration: number, final = false): Promise<void> {
    await this.redis.set(this.keys.durable, String(nextIteration));
    if (final) await this.gathers.settle(nextIteration, FINAL_GATHER_SECONDS);
    else await this.gathers.check(nextIteration);
  }

  async close(): Promise<void> {
    this.reader.disconnect();
    await this.redis.quit();
  }

  /**
   * Names a round by what its tasks are (every task's encoding) and by the simulation they belong to: a driver
   * that starts again with the same round adopts it, and anything else (another iteration, the same iteration
   * after `we truncate` with a changed config) publishes anew.
   */
  private roundId<K extends TaskKind>(kind: K, tasks: TaskOf<K>[]): string {
    const hash = createHash('sha256').update(`${this.ctx.simulation.configDigest}\n${kind}\n`);
    for (const task of tasks) hash.update(encodeTask(kind, task));
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
  private async publish<K extends TaskKind>(kind: K, roundId: string, tasks: TaskOf<K>[], which: number[]): Promise<void> {
    await this.redis
      .multi()
      .del(this.keys.queue, this.keys.results, this.keys.round)
      .xgroup('CREATE', this.keys.queue, GROUP, '0', 'MKSTREAM')
      .hset(this.keys.round, { id: roundId, kind, tasks: String(tasks.length), published: '0', in: '0', started: new Date().toISOString() })
      .exec();
    await this.announce();
    await this.enqueue(kind, tasks, which);
    await this.redis.hset(this.keys.round, 'published', '1');
  }

  /** Queues the tasks `which` (indices into `tasks`), encoded chunk by chunk as they go. */
  private async enqueue<K extends TaskKind>(kind: K, tasks: TaskOf<K>[], which: number[]): Promise<void> {
    for (let start = 0; start < which.length; start += PUBLISH_CHUNK) {
      const pipeline = this.redis.pipeline();
      for (let k = start; k < Math.min(start + PUBLISH_CHUNK, which.length); k++) {
        const i = which[k];
        pipeline.xadd(this.keys.queue, '*', 't', encodeEntry(i, encodeTask(kind, tasks[i])));
      }
      await pipeline.exec();
    }
  }

  private async liveSlots(): Promise<number> {
    const workers = liveWorkers(await this.redis.hgetall(WORKERS_KEY), Date.now());
    return workers.filter((w) => w.runs.includes(this.id)).reduce((s, w) => s + w.slots, 0);
  }
}

/** A results-stream entry: `w` worker, `n` node, then one `r` record per result. */
function resultEntry(fields: Buffer[]): { worker: string; node: string; records: Buffer[] } {
  let worker = '?';
  let node = '?';
  const records: Buffer[] = [];
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const name = fields[i].toString();
    if (name === 'r') records.push(fields[i + 1]);
    else if (name === 'w') worker = fields[i + 1].toString();
    else if (name === 'n') node = fields[i + 1].toString();
  }
  return { worker, node, records };
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
