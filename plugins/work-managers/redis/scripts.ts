/**
 * Server-side scripts: each checks and acts in one step, so no other client can come between the check that
 * a worker still holds a task's lease and what it then does.
 */
import type { Redis } from 'ioredis';

/**
 * A worker hands in a result (or a failure): accepted only while it still holds the task's lease, i.e. the
 * entry is pending with it as consumer. Then the entry is acknowledged and deleted and the result appended to
 * the results stream, all at once. A lease that lapsed and was taken over (or a queue that is gone) makes the
 * result late: counted and refused (0).
 * KEYS: queue, results, stats. ARGV: group, consumer, entry id, task key, node, outcome, body, busy seconds.
 */
const SUBMIT = `
local p = redis.pcall('XPENDING', KEYS[1], ARGV[1], ARGV[3], ARGV[3], 1)
if type(p) ~= 'table' or p.err or #p == 0 or p[1][2] ~= ARGV[2] then
  redis.call('HINCRBY', KEYS[3], 'late', 1)
  return 0
end
redis.call('XACK', KEYS[1], ARGV[1], ARGV[3])
redis.call('XDEL', KEYS[1], ARGV[3])
redis.call('XADD', KEYS[2], '*', 'task', ARGV[4], 'worker', ARGV[2], 'node', ARGV[5], 'outcome', ARGV[6], 'body', ARGV[7], 'busy', ARGV[8])
return 1
`;

/**
 * The heartbeat: resets the idle time of the entries this worker still holds (XCLAIM to itself), never
 * touching one another worker has taken over. Returns how many it still holds.
 * KEYS: queue. ARGV: group, consumer, entry ids...
 */
const HEARTBEAT = `
local held = 0
for i = 3, #ARGV do
  local p = redis.pcall('XPENDING', KEYS[1], ARGV[1], ARGV[i], ARGV[i], 1)
  if type(p) == 'table' and not p.err and #p > 0 and p[1][2] == ARGV[2] then
    redis.call('XCLAIM', KEYS[1], ARGV[1], ARGV[2], 0, ARGV[i], 'JUSTID')
    held = held + 1
  end
end
return held
`;

export interface Scripts {
  submit(
    keys: [queue: string, results: string, stats: string],
    args: [group: string, consumer: string, entry: string, task: string, node: string, outcome: 'ok' | 'error', body: string, busy: string],
  ): Promise<number>;
  heartbeat(queue: string, group: string, consumer: string, entries: string[]): Promise<number>;
}

export function defineScripts(redis: Redis): Scripts {
  redis.defineCommand('weSubmit', { numberOfKeys: 3, lua: SUBMIT });
  redis.defineCommand('weHeartbeat', { numberOfKeys: 1, lua: HEARTBEAT });
  const r = redis as unknown as Record<string, (...args: string[]) => Promise<number>>;
  return {
    submit: (keys, args) => r.weSubmit(...keys, ...args),
    heartbeat: (queue, group, consumer, entries) => r.weHeartbeat(queue, group, consumer, ...entries),
  };
}
