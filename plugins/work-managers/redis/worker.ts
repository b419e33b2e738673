/**
 * `we worker`: takes tasks of every run announced on the server, one per slot, runs them with the run's
 * propagator and progress coordinate (rebuilt here from the run's we.yaml, warm across tasks and iterations),
 * and hands the results in. One heartbeat keeps its lease on every task it holds (one key per run); it takes
 * over the tasks of workers whose lease lapsed (killed, hung, cut off); it gathers its node's outputs of
 * iterations the driver says are durable. `drain()` (SIGTERM) finishes the tasks it runs, puts back those it
 * read ahead, and takes no more.
 *
 * When tasks turn out shorter than a round trip to the server, it reads ahead (several entries per read, at
 * most READ_AHEAD_MS of expected work per slot) and hands results in by the batch (ResultOutbox): the per-task
 * cost is then a share of one read and one hand-in. Segments of seconds or more are read one per free slot.
 */
import type { Redis } from 'ioredis';
import { randomBytes } from 'node:crypto';
import { rm, rmdir } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { PluginRegistry, SegmentResult, TaskKind, TaskOf } from '../../../core/plugins.js';
import { describeTask } from '../../../core/work/tasks.js';
import { decodeEntry, decodeTask, encodeRecord, encodeResult, MalformedEntryError, type Outcome } from './codec.js';
import { connect } from './connection.js';
import { GROUP, WORKERS_KEY } from './keys.js';
import { ResultOutbox, type Verdict } from './result-outbox.js';
import { defineScripts, type RawEntry, type Scripts } from './scripts.js';
import { ServedRuns, type ServedRun } from './served-runs.js';
import type { WorkerRecord } from './worker-records.js';

export interface WorkerOptions {
  url: URL;
  slots: number;
  /** GPU of each slot (CUDA_VISIBLE_DEVICES), if any. */
  gpus: string[];
  node: string;
  registry: PluginRegistry;
  log(line: string): void;
}

/** A task read from the queue (leased to this worker), not started yet. */
interface Held {
  run: ServedRun;
  entry: string;
  bytes: Buffer;
  takenOver: boolean;
}

interface Running {
  run: ServedRun;
  what: string;
  slot: number;
  since: number;
}

/** What a result's verdict is logged and acted on with. */
interface HandedIn {
  run: ServedRun;
  what: string;
  outcome: Outcome;
  message: string;
  busy: number;
  /** Restarts this attempt copied to the shared file system, for the driver to move into place if accepted. */
  kept: { from: string; to: string }[];
}

const REFRESH_RUNS_MS = 1000;
const READ_BLOCK_MS = 1000;
/** Expected work (ms) a worker may hold per slot beyond the task it runs. */
const READ_AHEAD_MS = 20;
const MAX_READ_AHEAD_PER_SLOT = 64;
/** Weight of the newest task in the running mean of task times. */
const MEAN_WEIGHT = 0.2;
/**
 * Tasks shorter than this (running mean) are logged as a count per heartbeat, not a line each: thousands of
 * no-op tasks a second would make the log the worker's main work. Failures and late results always get a line.
 */
const LINE_PER_TASK_MS = 100;

export class RedisWorker {
  readonly id: string;
  private readonly redis: Redis;
  private readonly blocker: Redis;
  private readonly scripts: Scripts;
  private readonly served: ServedRuns;
  private readonly outbox: ResultOutbox<HandedIn>;
  private held: Held[] = [];
  private readonly running = new Map<string, Running>();
  private readonly freeSlots: number[];
  private draining = false;
  private lastRefresh = 0;
  private lastReclaim = 0;
  /** Running mean of task times (ms); unknown until a task has run, and then no read-ahead. */
  private meanTaskMs?: number;
  private wake: () => void = () => {};
  /** Tasks done (accepted) since the last count was logged, and their busy seconds. */
  private uncounted = { tasks: 0, busy: 0 };
  private heartbeat?: NodeJS.Timeout;
  /** Whether `serve` keeps the heartbeat going (from its first beat until it stops). */
  private beating = false;
  private settling = Promise.resolve();

  constructor(private readonly options: WorkerOptions) {
    this.id = `${options.node}:${process.pid}:${randomBytes(3).toString('hex')}`;
    this.redis = connect(options.url, `we-worker-${this.id}`, options.log);
    this.blocker = connect(options.url, `we-worker-${this.id}-reads`);
    this.scripts = defineScripts(this.redis);
    this.served = new ServedRuns(this.redis, options);
    this.outbox = new ResultOutbox(this.scripts, this.id, options.node, (about, verdict) => void this.verdict(about, verdict), options.log);
    this.freeSlots = Array.from({ length: options.slots }, (_, k) => options.slots - 1 - k);
  }

  /** Finish the tasks running, put back those read ahead, take no more; `serve` then returns. */
  drain(): void {
    if (this.draining) return;
    this.draining = true;
    this.options.log(`draining: finishing ${this.running.size} task(s), taking no more`);
    this.wake();
  }

  async serve(): Promise<void> {
    this.options.log(`worker ${this.id}: ${this.options.slots} slot(s)${this.options.gpus.length ? `, GPUs ${this.options.gpus.join(',')}` : ''}`);
    await this.beat();
    this.beating = true;
    this.rearm();
    try {
      while (!this.draining) await this.fetch();
      await this.putBack();
      while (this.running.size > 0) await this.waitForWake();
      await this.outbox.drained();
      await this.settling;
      await this.served.settle();
      this.logCount();
    } finally {
      this.beating = false;
      clearTimeout(this.heartbeat);
      this.heartbeat = undefined;
      const bye = this.redis.pipeline().hdel(WORKERS_KEY, this.id);
      for (const run of this.served.runs.values()) bye.del(run.keys.alive(this.id));
      await bye.exec();
      this.blocker.disconnect();
      await this.redis.quit();
      await this.served.close();
    }
  }

  /**
   * The next heartbeat, one interval from now. Re-armed after each beat, and when a run is added: the interval
   * follows the shortest lease of the runs served, which a new run can shorten.
   */
  private rearm(): void {
    clearTimeout(this.heartbeat);
    if (!this.beating) return;
    this.heartbeat = setTimeout(() => {
      void this.beat()
        .catch((e: Error) => this.options.log(`heartbeat failed: ${e.message}`))
        .finally(() => this.rearm());
    }, this.heartbeatMs());
  }

  private heartbeatMs(): number {
    const leases = [...this.served.runs.values()].map((r) => r.spec.leaseSeconds * 1000);
    return Math.max(200, Math.min(5000, ...leases.map((l) => l / 4)));
  }

  /** Tasks this worker may hold at once: one per slot, plus read-ahead while tasks are short. */
  private capacity(): number {
    const { slots } = this.options;
    if (this.meanTaskMs === undefined) return slots;
    const ahead = Math.floor((slots * READ_AHEAD_MS) / Math.max(this.meanTaskMs, 1e-3));
    return slots + Math.min(ahead, slots * MAX_READ_AHEAD_PER_SLOT);
  }

  private waitForWake(timeoutMs?: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = timeoutMs === undefined ? undefined : setTimeout(resolve, timeoutMs);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  /** One turn: wait for room, take over lapsed leases, else read new tasks (several when tasks are short). */
  private async fetch(): Promise<void> {
    const room = this.capacity() - this.held.length - this.running.size;
    if (room <= 0) return this.waitForWake();
    const now = Date.now();
    if (now - this.lastRefresh >= REFRESH_RUNS_MS) {
      this.lastRefresh = now;
      // The driver counts the slots of the workers that serve its run: say so now, not at the next heartbeat.
      if (await this.served.refresh()) {
        await this.beat();
        this.rearm();
      }
    }
    const runs = [...this.served.runs.values()];
    if (runs.length === 0) return this.waitForWake(READ_BLOCK_MS);
    if (now - this.lastReclaim >= Math.min(...runs.map((r) => r.spec.leaseSeconds * 250))) {
      this.lastReclaim = now;
      if ((await this.takeOverLapsed(runs, room)) > 0) return;
    }
    let reply: [Buffer, RawEntry[]][] | null;
    try {
      reply = (await this.blocker.callBuffer(
        'XREADGROUP', 'GROUP', GROUP, this.id,
        'COUNT', room,
        'BLOCK', READ_BLOCK_MS,
        'STREAMS', ...runs.map((r) => r.keys.queue), ...runs.map(() => '>'),
      )) as [Buffer, RawEntry[]][] | null;
    } catch (error) {
      // NOGROUP: a run's queue is not (or no longer) there, e.g. between rounds or after a server restart.
      if (!/NOGROUP/.test((error as Error).message)) throw error;
      await this.waitForWake(200);
      return;
    }
    for (const [queue, entries] of reply ?? []) {
      const run = runs.find((r) => r.keys.queue === queue.toString());
      if (run) this.hold(run, entries, false);
    }
    this.dispatch();
  }

  /** Tasks of workers whose lease lapsed, taken over (at most `room`); returns how many. */
  private async takeOverLapsed(runs: ServedRun[], room: number): Promise<number> {
    let taken = 0;
    for (const run of runs) {
      if (taken >= room) break;
      const entries = await this.scripts.reclaim(run.keys, GROUP, this.id, run.keys.alivePrefix, room - taken);
      this.hold(run, entries, true);
      taken += entries.length;
    }
    this.dispatch();
    return taken;
  }

  private hold(run: ServedRun, entries: RawEntry[], takenOver: boolean): void {
    for (const [id, fields] of entries) {
      const at = fields.findIndex((f, k) => k % 2 === 0 && f.toString() === 't');
      this.held.push({ run, entry: id.toString(), bytes: at >= 0 ? fields[at + 1] : Buffer.alloc(0), takenOver });
    }
  }

  private dispatch(): void {
    while (this.freeSlots.length > 0 && this.held.length > 0) this.start(this.held.shift()!);
  }

  private start(held: Held): void {
    const { run, entry, takenOver } = held;
    let index: number;
    let kind: TaskKind;
    let task: TaskOf<TaskKind>;
    try {
      const decoded = decodeEntry(held.bytes);
      index = decoded.index;
      ({ kind, task } = decodeTask(decoded.task));
    } catch (error) {
      if (!(error instanceof MalformedEntryError)) throw error;
      this.options.log(`rejected queue entry ${entry} of run ${run.id}: ${error.message}`);
      void this.redis.multi().xack(run.keys.queue, GROUP, entry).xdel(run.keys.queue, entry).hincrby(run.keys.stats, 'rejected', 1).exec();
      return;
    }
    const slot = this.freeSlots.pop()!;
    const what = describeTask(kind, task);
    this.running.set(entry, { run, what, slot, since: Date.now() });
    if (this.linePerTask() || takenOver) this.options.log(`${what} started on slot ${slot}${takenOver ? ' (taken over: its lease had lapsed)' : ''}`);
    void this.execute(run, entry, index, kind, task, what, slot).finally(() => {
      this.running.delete(entry);
      this.freeSlots.push(slot);
      this.dispatch();
      this.wake();
    });
  }

  private async execute(run: ServedRun, entry: string, index: number, kind: TaskKind, task: TaskOf<TaskKind>, what: string, slot: number): Promise<void> {
    const started = performance.now();
    let outcome: Outcome = 'ok';
    let body: Buffer;
    let message = '';
    let kept: HandedIn['kept'] = [];
    try {
      const result = await run.host.run(kind, task, undefined, slot);
      if (kind === 'propagate') kept = (result as SegmentResult).nodeOutputs?.kept ?? [];
      body = encodeResult(kind, result);
    } catch (error) {
      outcome = 'error';
      message = (error as Error).message;
      body = Buffer.from(message, 'utf8');
    }
    const busy = (performance.now() - started) / 1000;
    this.meanTaskMs = this.meanTaskMs === undefined ? busy * 1000 : (1 - MEAN_WEIGHT) * this.meanTaskMs + MEAN_WEIGHT * busy * 1000;
    this.outbox.add(run.keys, { entry, record: encodeRecord(index, outcome, busy, body), about: { run, what, outcome, message, busy, kept } });
  }

  private async verdict(r: HandedIn, verdict: Verdict): Promise<void> {
    if (verdict === 'accepted') {
      if (r.outcome === 'ok' && !this.linePerTask()) {
        this.uncounted.tasks++;
        this.uncounted.busy += r.busy;
      } else this.options.log(`${r.what} ${r.outcome === 'ok' ? 'done' : `failed: ${r.message}`} in ${r.busy.toFixed(3)} s`);
      return;
    }
    this.options.log(`late result for ${r.what} ignored: its lease lapsed and another worker took it over`);
    // This attempt's restarts must not linger beside the accepted attempt's.
    for (const { from } of r.kept) {
      const path = resolve(r.run.spec.simRoot, from);
      await rm(path, { force: true });
      await rmdir(dirname(path)).catch(() => undefined);
    }
  }

  private linePerTask(): boolean {
    return this.meanTaskMs === undefined || this.meanTaskMs >= LINE_PER_TASK_MS;
  }

  private logCount(): void {
    const { tasks, busy } = this.uncounted;
    if (tasks === 0) return;
    this.options.log(`${tasks} short task(s) done since the last count, ${((1000 * busy) / tasks).toFixed(2)} ms each on average`);
    this.uncounted = { tasks: 0, busy: 0 };
  }

  /** A draining worker's read-ahead goes back to the queue for others. */
  private async putBack(): Promise<void> {
    const byRun = new Map<ServedRun, string[]>();
    for (const h of this.held) byRun.set(h.run, [...(byRun.get(h.run) ?? []), h.entry]);
    this.held = [];
    for (const [run, entries] of byRun) {
      const n = await this.scripts.release(run.keys.queue, GROUP, this.id, entries);
      this.options.log(`put ${n} task(s) read ahead back in the queue of run ${run.id}`);
    }
  }

  /** The heartbeat: renew the lease on every task held, say who we are, and gather what the driver says is durable. */
  private async beat(): Promise<void> {
    this.logCount();
    const runs = [...this.served.runs.values()];
    const pipeline = this.redis.pipeline();
    for (const run of runs) pipeline.set(run.keys.alive(this.id), '1', 'PX', run.spec.leaseSeconds * 1000, 'GET');
    const record: WorkerRecord = {
      id: this.id,
      node: this.options.node,
      pid: process.pid,
      slots: this.options.slots,
      gpus: this.options.gpus,
      runs: runs.map((r) => r.id),
      tasks: [...this.running.values()].map((r) => ({ run: r.run.id, task: r.what, slot: r.slot, since: r.since })),
      heartbeat: Date.now(),
      leaseMs: Math.max(...runs.map((r) => r.spec.leaseSeconds * 1000), this.heartbeatMs() * 3),
      draining: this.draining,
    };
    pipeline.hset(WORKERS_KEY, this.id, JSON.stringify(record));
    const replies = (await pipeline.exec()) ?? [];
    runs.forEach((run, k) => {
      if (run.leased && replies[k]?.[1] === null) {
        this.options.log(
          `the lease of run ${run.id} lapsed (this worker was stopped or cut off for over ${run.spec.leaseSeconds} s): results of tasks taken over meanwhile will be refused`,
        );
      }
      run.leased = true;
    });
    this.settling = this.settling.then(() => this.served.settle()).catch((e: Error) => this.options.log(`gathering failed: ${e.message}`));
  }
}
