/** The `redis` work manager as we.yaml names it: `work_manager: {name: redis, options: {url, lease_seconds, segments_per_task}}`. */
import type { WorkManager, WorkManagerContext } from '../../../core/plugins.js';
import { WeError } from '../../../core/errors.js';
import { parsePluginOptions } from '../../options.js';
import { checkRedisUrl, REDIS_URL_VARIABLE } from './connection.js';
import { redisOptions } from './options.js';
import { createRedisWorkManager } from './redis-work-manager.js';

export async function createRedisWorkManagerPlugin(
  ctx: WorkManagerContext,
  raw: Record<string, unknown>,
): Promise<WorkManager> {
  const options = parsePluginOptions(redisOptions, raw, ctx.configFile, 'work_manager.options');
  const text = options.url ?? process.env[REDIS_URL_VARIABLE];
  if (!text) {
    throw new WeError(`work_manager redis: no server; give work_manager.options.url, \`we run --redis URL\` or ${REDIS_URL_VARIABLE}`, ctx.configFile);
  }
  const url = checkRedisUrl(text, options.url ? 'work_manager.options.url' : REDIS_URL_VARIABLE);
  return createRedisWorkManager(ctx, { url, leaseSeconds: options.lease_seconds, segmentsPerTask: options.segments_per_task });
}
