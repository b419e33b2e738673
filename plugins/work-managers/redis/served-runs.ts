/**
 * The runs a worker serves: every run announced on the server whose we.yaml this worker reads the same as the
 * driver (digest of the validated config), each with its propagator host rebuilt here and kept warm; and the
 * gathering of this node's outputs of the iterations a run's driver has made durable.
 */
import type { Redis } from 'ioredis';
import { loadConfig } from '../../../core/config/load.js';
import { faultPoint } from '../../../core/driver/fault-injection.js';
import type { PluginRegistry, SimulationSpec } from '../../../core/plugins.js';
import { configDigest, hostPropagator, type PropagatorHost } from '../../../core/work/propagator-host.js';
import { RUNS_KEY, runKeys, segmentIds, type RunKeys } from './keys.js';

/** What the driver announces (SimulationSpec plus the delivery parameters it wants). */
export interface AnnouncedRun extends SimulationSpec {
  leaseSeconds: number;
}

export interface ServedRun {
  id: string;
  spec: AnnouncedRun;
  keys: RunKeys;
  host: PropagatorHost;
  /** The `durable` pointer last acted on. */
  settled: number;
  /** Whether the last heartbeat found this worker's lease still in place (false before the first). */
  leased: boolean;
}

export interface ServedRunsOptions {
  registry: PluginRegistry;
  node: string;
  gpus: string[];
  log(line: string): void;
}

export class ServedRuns {
  readonly runs = new Map<string, ServedRun>();
  /** Runs refused (another we.yaml than the driver's, or one that fails to load), with the reason already logged. */
  private readonly refused = new Map<string, string>();

  constructor(
    private readonly redis: Redis,
    private readonly options: ServedRunsOptions,
  ) {}

  /** Reads the announced runs; a new one is checked against its we.yaml before any of its tasks is taken. True if one was added. */
  async refresh(): Promise<boolean> {
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
        const { node, gpus, registry } = this.options;
        const host = hostPropagator(config, registry, { node, gpus, sharedWithNodes: true });
        this.runs.set(id, { id, spec, keys: runKeys(id), host, settled: 0, leased: false });
        this.options.log(`serving run ${id} (${spec.configFile})`);
        added = true;
      } catch (error) {
        this.refused.set(id, (error as Error).message);
        this.options.log(`not serving run ${id}: ${(error as Error).message}`);
      }
    }
    return added;
  }

  /**
   * Gathers, for each run, this node's outputs of the iterations the driver has made durable (only the segments
   * whose results the driver accepted from this node), then says so: the iterations gathered, and the pointer
   * settled, from which the driver tells a node that has nothing left to gather from one that is gone.
   */
  async settle(): Promise<void> {
    const node = this.options.node;
    for (const run of this.runs.values()) {
      const durable = Number(await this.redis.get(run.keys.durable));
      if (!(durable > run.settled)) continue;
      const gathered: number[] = [];
      await run.host.iterationsDurable(durable, async (iteration) => {
        // Test hook (WE_FAULT=gather:N): a node lost after its results were accepted, before it gathered.
        faultPoint('gather', iteration);
        gathered.push(iteration);
        const bytes = await this.redis.getBuffer(run.keys.acceptedOn(iteration, node));
        return new Set(bytes ? segmentIds(bytes) : []);
      });
      const report = this.redis.pipeline();
      for (const iteration of gathered) report.sadd(run.keys.gathered(iteration), node);
      report.hset(run.keys.settled, node, String(durable));
      await report.exec();
      run.settled = durable;
    }
  }

  async close(): Promise<void> {
    for (const run of this.runs.values()) await run.host.close();
  }
}
