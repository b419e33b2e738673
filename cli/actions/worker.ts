/** `we worker`: serves the runs on a Redis server until SIGTERM/SIGINT drains it (a second one exits at once). */
import { availableParallelism, hostname } from 'node:os';
import { WeError } from '../../core/errors.js';
import { builtinPlugins } from '../../plugins/registry.js';
import { checkRedisUrl, REDIS_URL_VARIABLE } from '../../plugins/work-managers/redis/connection.js';
import { RedisWorker } from '../../plugins/work-managers/redis/worker.js';

export interface WorkerFlags {
  redis?: string;
  slots?: number;
  /** Comma-separated GPU ids, one per slot. */
  gpus?: string;
  node?: string;
}

export async function work(flags: WorkerFlags): Promise<number> {
  const text = flags.redis ?? process.env[REDIS_URL_VARIABLE];
  if (!text) throw new WeError(`worker: expected --redis URL (or ${REDIS_URL_VARIABLE}), e.g. \`we worker --redis redis://127.0.0.1:6379\``);
  const url = checkRedisUrl(text, flags.redis ? '--redis' : REDIS_URL_VARIABLE);
  const gpus = flags.gpus === undefined ? [] : flags.gpus.split(',').map((g) => g.trim());
  if (gpus.some((g) => !/^[\w-]+$/.test(g))) throw new WeError(`--gpus: expected GPU ids separated by commas, e.g. 0,1,2, got '${flags.gpus}'`);
  const slots = flags.slots ?? (gpus.length || availableParallelism());
  if (gpus.length > 0 && slots > gpus.length) throw new WeError(`--slots ${slots} but --gpus names ${gpus.length}: one GPU per slot`);
  const node = flags.node ?? hostname();
  if (!/^[A-Za-z0-9._-]+$/.test(node)) throw new WeError(`--node: expected letters, digits, '.', '_' or '-' (it names the node's tars), got '${node}'`);

  const log = batchedLines((text) => process.stderr.write(text), `we worker ${node}`);
  const worker = new RedisWorker({ url, slots, gpus: gpus.slice(0, slots), node, registry: builtinPlugins, log });
  let signals = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    if (++signals > 1) process.exit(signal === 'SIGINT' ? 130 : 143);
    log(`${signal}: draining (again to exit at once)`);
    worker.drain();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    await worker.serve();
    log('stopped');
    return 0;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

/**
 * Log lines written once per turn of the event loop: a worker running thousands of short tasks a second logs
 * each (start, result), and one write per line would cost it more than the tasks. What is pending when the
 * process exits normally is written then; a SIGKILL loses at most the lines of that one turn.
 */
function batchedLines(write: (text: string) => void, prefix: string): (line: string) => void {
  let pending = '';
  const flush = () => {
    if (pending) write(pending);
    pending = '';
  };
  process.on('exit', flush);
  return (line) => {
    if (!pending) setImmediate(flush);
    pending += `${new Date().toISOString()} ${prefix}: ${line}\n`;
  };
}
