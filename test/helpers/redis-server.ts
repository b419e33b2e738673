/** A redis-server for one test, in a temporary directory removed after the test file (bench/lib/redis-server.ts). */
import { RedisServer } from '../../bench/lib/redis-server.js';
import { tempDir } from './temp-dir.js';

export type { RedisServer };

export function startRedis(options: { persistent?: boolean } = {}): Promise<RedisServer> {
  return RedisServer.start(tempDir('redis'), options);
}
