/** The `work_manager.options` of the `redis` work manager (its own module, so plugins/catalog.ts loads no Redis client). */
import * as z from 'zod';
import { closedObject } from '../../../core/config/closed-object.js';

export const redisOptions = closedObject({
  url: z
    .string()
    .min(1)
    .optional()
    .describe('The Redis server, redis://[:PASSWORD@]host:port or rediss:// (default: $WE_REDIS_URL, or `we run --redis URL`).'),
  lease_seconds: z
    .number()
    .positive()
    .default(60)
    .describe('Seconds a worker may go without a heartbeat before its tasks go back to the queue (not a task time limit).'),
  segments_per_task: z
    .int()
    .positive()
    .default(1)
    .describe('Segments per task at most (an in-process propagator such as odld takes them all in one call otherwise).'),
}).describe('Runs segments on `we worker`s on any number of nodes, through a Redis server (streams, leases kept by heartbeats).');
