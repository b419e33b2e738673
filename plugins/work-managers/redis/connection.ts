/**
 * Connecting to the broker. The queue carries segment ids, paths and parameters that workers act on, so a
 * server anyone on the network can write to is refused: off loopback the URL must carry a password
 * (`redis://:PASSWORD@host:6379`, Redis `requirepass`), and may use TLS (`rediss://`).
 */
import { Redis } from 'ioredis';
import { isIP } from 'node:net';
import { WeError } from '../../../core/errors.js';

export const REDIS_URL_VARIABLE = 'WE_REDIS_URL';

function isLoopback(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '');
  if (bare === 'localhost') return true;
  if (isIP(bare) === 4) return bare.startsWith('127.');
  return bare === '::1';
}

/** Checks the URL and says where it came from in errors (`--redis`, `work_manager.options.url`, WE_REDIS_URL). */
export function checkRedisUrl(text: string, source: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new WeError(`${source}: expected a URL such as redis://127.0.0.1:6379 or rediss://:PASSWORD@host:6380, got '${text}'`);
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') {
    throw new WeError(`${source}: expected a redis:// or rediss:// URL, got '${url.protocol}'`);
  }
  if (!isLoopback(url.hostname) && url.password === '') {
    throw new WeError(
      `${source}: ${url.hostname} is not this machine and the URL has no password; workers run what the queue names, so set requirepass on the server and use redis://:PASSWORD@${url.host} (or rediss:// for TLS)`,
    );
  }
  return url;
}

/**
 * A connection that waits out a restarting server instead of failing commands: every command is retried
 * after a reconnect (commands are idempotent or checked by the caller, see the work manager's README part).
 */
export function connect(url: URL, name: string, log?: (line: string) => void): Redis {
  const client = new Redis(url.toString(), {
    connectionName: name,
    maxRetriesPerRequest: null,
    retryStrategy: (times) => Math.min(100 * times, 1000),
  });
  // Connection errors are retried (above); say once that the server went, and once that it is back.
  let lost = false;
  client.on('error', (error: Error) => {
    if (lost) return;
    lost = true;
    log?.(`lost the server (${error.message}); reconnecting`);
  });
  client.on('ready', () => {
    if (!lost) return;
    lost = false;
    log?.('reconnected');
  });
  return client;
}
