/**
 * `we worker`: takes tasks of every run announced on the server, one per slot, runs them with the run's
 * propagator and progress coordinate (rebuilt here from the run's we.yaml, warm across tasks and iterations),
 * and hands the results in. A heartbeat keeps the leases of its tasks; it takes over tasks whose lease lapsed
 * (their worker died or stalled); it gathers its node's outputs of iterations the driver says are durable.
 * `drain()` (SIGTERM) finishes the tasks it holds and takes no more.
 */
import type { Redis } from 'ioredis';
import { randomBytes } from 'node:crypto';
import { loadConfig } from '../../../core/config/load.js';
import type { PluginRegistry, SimulationSpec, TaskKind } from '../../../core/plugins.js';
import { configDigest, hostPropagator, type PropagatorHost } from '../../../core/work/propagator-host.js';
import { describeTask } from '../../../core/work/tasks.js';
import { decodeTask, encodeResult, MalformedEntryError, parseKind } from './codec.js';
import { connect } from './connection.js';
import { GROUP, RUNS_KEY, runKeys, segmentsOfKey, WORKERS_KEY, type RunKeys } from './keys.js';
import { defineScripts, type Scripts } from './scripts.js';
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

/** What the driver announces (SimulationSpec plus the delivery parameters it wants). */
interface AnnouncedRun extends SimulationSpec {
  leaseSeconds: number;
}

interface RunState {
  id: string;
  spec: AnnouncedRun;
  keys: RunKeys;
  host: PropagatorHost;
  /** The `durable` pointer last acted on. */
  settled: number;
}

interface Running {
  run: RunState;
  entry: string;
  task: string;
  slot: number;
  since: number;
}

const REFRESH_RUNS_MS = 1000;
const READ_BLOCK_MS = 1000;

export class RedisWorker {
  readonly id: string;
  private readonly redis: Redis;
  private readonly blocker: Redis;
  private readonly scripts: Scripts;
  private readonly runs = new Map<string, RunState>();
  /** Runs refused (another we.yaml than the driver's, or one that fails to load), with the reason already logged. */
  private readonly refused = new Map<string, string>();
  private readonly running = new Map<string, Running>();
  private readonly freeSlots: number[];
  private draining = false;
  private runsRefreshed = 0;
  private lastClaim = 0;
  private slotFreed: () => void = () => {};
  private heartbeat?: NodeJS.Timeout;
  private settling = Promise.resolve();

  constructor(private readonly options: WorkerOptions) {
    this.id = `${options.node}:${process.pid}:${randomBytes(3).toString('hex')}`;
    this.redis = connect(options.url, `we-worker-${this.id}`, options.log);
    this.blocker = connect(options.url, `we-worker-${this.id}-reads`);
    this.scripts = defineScripts(this.redis);
    this.freeSlots = Array.from({ length: options.slots }, (_, k) => options.slots - 1 - k);
  }

  /** Finish the tasks held, take no more; `serve` then returns. */
  drain(): void {
    if (this.draining) return;
    this.draining = true;
    this.options.log(`draining: finishing ${this.running.size} task(s), taking no more`);
    this.slotFreed();
  }

  async serve(): Promise<void> {
    this.options.log(`worker ${this.id}: ${this.options.slots} slot(s)${this.options.gpus.length ? `, GPUs ${this.options.gpus.join(',')}` : ''}`);
    await this.beat();
    // Re-armed after each beat: the interval follows the shortest lease of the runs served, which a new run can shorten.
    const rearm = () => {
      this.heartbeat = setTimeout(() => {
        void this.beat()
          .catch((e: Error) => this.options.log(`heartbeat failed: ${e.message}`))
          .finally(() => this.heartbeat && rearm());
      }, this.heartbeatMs());
    };
    rearm();
    try {
      while (!this.draining) await this.fetch();
      while (this.running.size > 0) await new Promise<void>((resolve) => (this.slotFreed = resolve));
      await this.settle();
    } finally {
      clearTimeout(this.heartbeat);
      this.heartbeat = undefined;
      await this.redis.hdel(WORKERS_KEY, this.id);
      this.blocker.disconnect();
      await this.redis.quit();
      for (const run of this.runs.values()) await run.host.close();
    }
  }

  private heartbeatMs(): number {
    const leases = [...this.runs.values()].map((r) => r.spec.leaseSeconds * 1000);
    return Math.max(200, Math.min(5000, ...leases.map((l) => l / 4)));
  }

  /** One turn: wait for a free slot, take over lapsed leases, else read new tasks. */
  private async fetch(): Promise<void> {
    if (this.freeSlots.length === 0) {
      await new Promise<void>((resolve) => (this.slotFreed = resolve));
      return;
    }
    const now = Date.now();
    if (now - this.runsRefreshed >= REFRESH_RUNS_MS) await this.refreshRuns();
    const runs = [...this.runs.values()];
    if (runs.length === 0) {
      await new Promise((r) => setTimeout(r, READ_BLOCK_MS));
      return;
    }
    if (now - this.lastClaim >= Math.min(...runs.map((r) => r.spec.leaseSeconds * 250))) {
      this.lastClaim = now;
      for (const run of runs) await this.takeOverLapsed(run);
      if (this.freeSlots.length === 0) return;
    }
    let reply: [string, [string, string[]][]][] | null;
    try {
      reply = (await this.blocker.xreadgroup(
        'GROUP', GROUP, this.id,
        'COUNT', this.freeSlots.length,
        'BLOCK', READ_BLOCK_MS,
        'STREAMS', ...runs.map((r) => r.keys.queue), ...runs.map(() => '>'),
      )) as [string, [string, string[]][]][] | null;
    } catch (error) {
      // NOGROUP: a run's queue is not (or no longer) there, e.g. between rounds or after a server restart.
      if (!/NOGROUP/.test((error as Error).message)) throw error;
      this.runsRefreshed = 0;
      await new Promise((r) => setTimeout(r, 200));
      return;
    }
    for (const [queue, entries] of reply ?? []) {
      const run = runs.find((r) => r.keys.queue === queue);
      if (run) for (const [entry, flat] of entries) this.start(run, entry, flat, false);
    }
  }

  /** Entries idle past the run's lease belong to a worker that stopped beating: take them (XAUTOCLAIM). */
  private async takeOverLapsed(run: RunState): Promise<void> {
    let reply: [string, ([string, string[]] | null)[], string[]?];
    try {
      reply = (await this.redis.xautoclaim(run.keys.queue, GROUP, this.id, run.spec.leaseSeconds * 1000, '0-0', 'COUNT', this.freeSlots.length)) as typeof reply;
    } catch (error) {
      if (/NOGROUP/.test((error as Error).message)) return;
      throw error;
    }
    for (const item of reply[1]) {
      if (!item) continue;
      await this.redis.hincrby(run.keys.stats, 'requeues', 1);
      this.start(run, item[0], item[1], true);
    }
  }

  private start(run: RunState, entry: string, flat: string[], takenOver: boolean): void {
    const slot = this.freeSlots.pop();
    if (slot === undefined) throw new Error('internal: a task was read without a free slot');
    const f: Record<string, string> = {};
    for (let i = 0; i + 1 < flat.length; i += 2) f[flat[i]] = flat[i + 1];
    const record: Running = { run, entry, task: f.task ?? '?', slot, since: Date.now() };
    this.running.set(entry, record);
    void this.execute(record, f, takenOver).finally(() => {
      this.running.delete(entry);
      this.freeSlots.push(slot);
      this.slotFreed();
    });
  }

  private async execute(r: Running, f: Record<string, string>, takenOver: boolean): Promise<void> {
    const { run, entry, slot } = r;
    let kind: TaskKind;
    let task;
    try {
      kind = parseKind(f.kind);
      task = decodeTask(kind, f.body ?? '');
    } catch (error) {
      if (!(error instanceof MalformedEntryError)) throw error;
      this.options.log(`rejected queue entry ${entry} of run ${run.id} (${JSON.stringify(f.task)}): ${error.message}`);
      await this.redis.multi().xack(run.keys.queue, GROUP, entry).xdel(run.keys.queue, entry).hincrby(run.keys.stats, 'rejected', 1).exec();
      return;
    }
    const what = describeTask(kind, task);
    this.options.log(`task ${r.task} (${what}) started on slot ${slot}${takenOver ? ' (taken over: its lease had lapsed)' : ''}`);
    const started = performance.now();
    let outcome: 'ok' | 'error' = 'ok';
    let body: string;
    try {
      body = encodeResult(kind, await run.host.run(kind, task, undefined, slot));
    } catch (error) {
      outcome = 'error';
      body = (error as Error).message;
    }
    const busy = (performance.now() - started) / 1000;
    const accepted = await this.scripts.submit(
      [run.keys.queue, run.keys.results, run.keys.stats],
      [GROUP, this.id, entry, r.task, this.options.node, outcome, body, busy.toFixed(6)],
    );
    if (accepted) {
      this.options.log(`task ${r.task} ${outcome === 'ok' ? 'done' : `failed: ${body}`} in ${busy.toFixed(3)} s`);
    } else {
      this.options.log(`late result for task ${r.task} (${what}) ignored: its lease lapsed and another worker took it over`);
    }
  }

  /** Reads the announced runs; a new one is checked against its we.yaml before any of its tasks is taken. */
  private async refreshRuns(): Promise<void> {
    this.runsRefreshed = Date.now();
    const announced = await this.redis.hgetall(RUNS_KEY);
    let added = false;
    for (const [id, text] of Object.entries(announced)) {
      if (this.runs.has(id) || this.refused.has(id)) continue;
      try {
        const spec = JSON.parse(text) as AnnouncedRun;
        const config = await loadConfig(spec.configFile);
        if (configDigest(config) !== spec.configDigest) {
          throw new Error(`${spec.configFile} here differs from the driver's (another copy, or edited since the run started)`);
        }
        const host = hostPropagator(config, this.options.registry, this.options.node, this.options.gpus);
        this.runs.set(id, { id, spec, keys: runKeys(id), host, settled: 0 });
        this.options.log(`serving run ${id} (${spec.configFile})`);
        added = true;
      } catch (error) {
        this.refused.set(id, (error as Error).message);
        this.options.log(`not serving run ${id}: ${(error as Error).message}`);
      }
    }
    // The driver counts the slots of the workers that serve its run: say so now, not at the next heartbeat.
    if (added) await this.beat();
  }

  /** The heartbeat: keep leases, say who we are, and gather what the driver says is durable. */
  private async beat(): Promise<void> {
    const byRun = new Map<RunState, string[]>();
    for (const r of this.running.values()) byRun.set(r.run, [...(byRun.get(r.run) ?? []), r.entry]);
    for (const [run, entries] of byRun) {
      const held = await this.scripts.heartbeat(run.keys.queue, GROUP, this.id, entries);
      if (held < entries.length) this.options.log(`${entries.length - held} lease(s) of run ${run.id} lapsed and were taken over; their results will be ignored`);
    }
    const record: WorkerRecord = {
      id: this.id,
      node: this.options.node,
      pid: process.pid,
      slots: this.options.slots,
      gpus: this.options.gpus,
      runs: [...this.runs.keys()],
      tasks: [...this.running.values()].map((r) => ({ run: r.run.id, task: r.task, slot: r.slot, since: r.since })),
      heartbeat: Date.now(),
      leaseMs: Math.max(...[...this.runs.values()].map((r) => r.spec.leaseSeconds * 1000), this.heartbeatMs() * 3),
      draining: this.draining,
    };
    await this.redis.hset(WORKERS_KEY, this.id, JSON.stringify(record));
    this.settling = this.settling.then(() => this.settle()).catch((e: Error) => this.options.log(`gathering failed: ${e.message}`));
  }

  /** Gathers, for each run, this node's outputs of the iterations the driver has made durable. */
  private async settle(): Promise<void> {
    for (const run of this.runs.values()) {
      const durable = Number(await this.redis.get(run.keys.durable));
      if (!(durable > run.settled)) continue;
      await run.host.iterationsDurable(durable, async (iteration) => {
        const accepted = await this.redis.hgetall(run.keys.accepted(iteration));
        const mine = new Set<number>();
        for (const [key, node] of Object.entries(accepted)) {
          const s = segmentsOfKey(key);
          if (s && node === this.options.node) for (let k = 0; k < s.count; k++) mine.add(s.first + k);
        }
        return mine;
      });
      run.settled = durable;
    }
  }
}
