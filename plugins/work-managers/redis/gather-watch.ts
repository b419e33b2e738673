/**
 * The driver's watch over node outputs: which nodes hold outputs of which iteration's accepted segments, which
 * have gathered them, and which are gone first. A node is gone for an iteration when no worker of it has a
 * heartbeat, or when its worker settled past the iteration without gathering it (its node-local files were
 * lost); its outputs are then recorded as lost (plugins/staging/lost-outputs.ts). Nothing else is lost with
 * it: its restarts were moved into place when its results were accepted.
 */
import type { ChainableCommander, Redis } from 'ioredis';
import { recordLostOutputs } from '../../staging/lost-outputs.js';
import { packSegmentIds, segmentIds, WORKERS_KEY, type RunKeys } from './keys.js';
import { liveWorkers } from './worker-records.js';

/** Hours the per-iteration records stay on the server once settled (for `we status` and a resumed driver). */
const KEEP_SECONDS = 86_400;
const REPORT_EVERY_MS = 10_000;

export class GatherWatch {
  /** `iteration:node` pairs already recorded as lost by this driver. */
  private readonly recorded = new Set<string>();

  constructor(
    private readonly redis: Redis,
    private readonly keys: RunKeys,
    private readonly runId: string,
    private readonly simRoot: string,
    private readonly log: (line: string) => void,
  ) {}

  /** Adds to `pipeline` that `node` holds the outputs of these accepted segments of `iteration`. */
  owe(pipeline: ChainableCommander, iteration: number, node: string, segIds: readonly number[]): void {
    pipeline.append(this.keys.acceptedOn(iteration, node), packSegmentIds(segIds)).sadd(this.keys.owed(iteration), node).sadd(this.keys.owing, String(iteration));
  }

  /**
   * Settles what it can of the iterations before `durable`: nodes gone are recorded as lost, iterations with
   * nothing left to gather are dropped from the watch. Returns the nodes still gathering, as "iteration k: node".
   */
  async check(durable: number): Promise<string[]> {
    const iterations = (await this.redis.smembers(this.keys.owing)).map(Number).filter((k) => k < durable).sort((a, b) => a - b);
    if (iterations.length === 0) return [];
    // Settled pointers before gathered sets: a worker reports its gathers first, so this order never sees a
    // node settled past an iteration whose gather it has reported but not yet had read here.
    const settled = await this.redis.hgetall(this.keys.settled);
    const live = new Set(liveWorkers(await this.redis.hgetall(WORKERS_KEY), Date.now()).filter((w) => w.runs.includes(this.runId)).map((w) => w.node));
    const pending: string[] = [];
    for (const k of iterations) {
      const [owed, gathered] = await Promise.all([this.redis.smembers(this.keys.owed(k)), this.redis.smembers(this.keys.gathered(k))]);
      let open = false;
      for (const node of owed.filter((n) => !gathered.includes(n))) {
        let reason: string;
        if (Number(settled[node] ?? 0) > k) reason = `its worker settled past iteration ${k} without them (its node-local files were lost)`;
        else if (!live.has(node)) reason = `no worker of node ${node} has a heartbeat: it was lost before it gathered iteration ${k}`;
        else {
          pending.push(`iteration ${k}: ${node}`);
          open = true;
          continue;
        }
        await this.recordLost(k, node, reason);
      }
      if (!open) {
        const expire = this.redis.pipeline().srem(this.keys.owing, String(k));
        for (const key of [this.keys.owed(k), this.keys.gathered(k), ...owed.map((n) => this.keys.acceptedOn(k, n))]) expire.expire(key, KEEP_SECONDS);
        await expire.exec();
      }
    }
    return pending;
  }

  /** Waits until every node has gathered the iterations before `durable` or is gone, at most `seconds`. */
  async settle(durable: number, seconds: number): Promise<void> {
    const deadline = Date.now() + seconds * 1000;
    let reported = Date.now();
    for (let pending = await this.check(durable); pending.length > 0; pending = await this.check(durable)) {
      if (Date.now() >= deadline) {
        this.log(`gave up waiting after ${seconds} s for nodes still gathering (${pending.join(', ')}): their outputs stay on the nodes until their workers gather them`);
        return;
      }
      if (Date.now() - reported >= REPORT_EVERY_MS) {
        reported = Date.now();
        this.log(`waiting for nodes to gather: ${pending.join(', ')}`);
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  private async recordLost(iteration: number, node: string, reason: string): Promise<void> {
    if (this.recorded.has(`${iteration}:${node}`)) return;
    const bytes = await this.redis.getBuffer(this.keys.acceptedOn(iteration, node));
    const segments = [...new Set(bytes ? segmentIds(bytes) : [])].sort((a, b) => a - b);
    const path = await recordLostOutputs(this.simRoot, { iteration, node, segments, reason, detected: new Date().toISOString() });
    this.recorded.add(`${iteration}:${node}`);
    this.log(`outputs of ${segments.length} segment(s) of iteration ${iteration} on node ${node} are lost: ${reason}; their restarts are in place, the run goes on (recorded in ${path})`);
  }
}
