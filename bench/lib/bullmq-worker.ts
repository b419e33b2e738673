/**
 * A BullMQ worker process for the dispatch bench (bench/redis-dispatch.ts): runs the same tasks as `we worker`
 * (the same codec, the run's propagator rebuilt from its we.yaml) through BullMQ's Worker, `slots` at a time.
 *
 *   node dist/bench/lib/bullmq-worker.js REDIS_URL QUEUE WE_YAML SLOTS
 */
import { Worker } from 'bullmq';
import { loadConfig } from '../../core/config/load.js';
import { hostPropagator } from '../../core/work/propagator-host.js';
import { builtinPlugins } from '../../plugins/registry.js';
import { decodeTask, encodeResult } from '../../plugins/work-managers/redis/codec.js';

const [url, queue, configFile, slots] = process.argv.slice(2);
const config = await loadConfig(configFile);
const host = hostPropagator(config, builtinPlugins);
const { hostname, port } = new URL(url);
const worker = new Worker<{ t: string }, string>(
  queue,
  async (job) => {
    const { kind, task } = decodeTask(Buffer.from(job.data.t, 'base64'));
    return encodeResult(kind, await host.run(kind, task, undefined, 0)).toString('base64');
  },
  { connection: { host: hostname, port: Number(port) }, concurrency: Number(slots) },
);
await worker.waitUntilReady();
process.stdout.write('ready\n');
process.on('SIGTERM', () => {
  void worker
    .close()
    .then(() => host.close())
    .then(() => process.exit(0));
});
