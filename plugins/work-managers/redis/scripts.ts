/**
 * Server-side scripts: each checks and acts in one step, so no other client can come between the check that
 * a worker still holds a task's lease and what it then does. A task is leased to the worker it is pending with
 * in the consumer group; the worker's lease on all of them is one key per run it renews on every heartbeat.
 * (The scripts read keys they compute, the `alive` keys: one Redis server, not a cluster.)
 */
import type { Redis } from 'ioredis';

/**
 * A worker hands in a batch of results (or failures). Each is accepted only while the worker still holds the
 * task's lease (the entry is pending with it); the accepted ones are acknowledged and deleted from the queue and
 * appended to the results stream as one entry (`w` worker, `n` node, then one `r` record each), all at once. A
 * lease that lapsed and was taken over (or a queue that is gone) makes a result late: counted and refused.
 * KEYS: queue, results, stats, round. ARGV: group, consumer, node, then entry id and record for each result.
 * Returns one character per result: '1' accepted, '0' late.
 */
const SUBMIT = `
local group, consumer = ARGV[1], ARGV[2]
local fields = {'w', consumer, 'n', ARGV[3]}
local acked, verdict = {}, {}
for i = 4, #ARGV, 2 do
  local p = redis.pcall('XPENDING', KEYS[1], group, ARGV[i], ARGV[i], 1)
  if type(p) == 'table' and not p.err and #p > 0 and p[1][2] == consumer then
    acked[#acked + 1] = ARGV[i]
    fields[#fields + 1] = 'r'
    fields[#fields + 1] = ARGV[i + 1]
    verdict[#verdict + 1] = '1'
  else
    verdict[#verdict + 1] = '0'
  end
end
if #acked > 0 then
  redis.call('XACK', KEYS[1], group, unpack(acked))
  redis.call('XDEL', KEYS[1], unpack(acked))
  redis.call('XADD', KEYS[2], '*', unpack(fields))
  redis.call('HINCRBY', KEYS[4], 'in', #acked)
end
if #verdict > #acked then redis.call('HINCRBY', KEYS[3], 'late', #verdict - #acked) end
return table.concat(verdict)
`;

/**
 * Takes over, for this worker, up to `max` tasks held by workers whose lease key is gone (killed, hung, cut
 * off), counted as requeues. Returns the entries taken: [id, [field, value, ...]] each.
 * KEYS: queue, stats. ARGV: group, consumer, alive-key prefix, max.
 */
const RECLAIM = `
local summary = redis.pcall('XPENDING', KEYS[1], ARGV[1])
if type(summary) ~= 'table' or summary.err or not summary[4] then return {} end
local want = tonumber(ARGV[4])
local taken = {}
for _, c in ipairs(summary[4]) do
  if want <= 0 then break end
  local holder = c[1]
  if holder ~= ARGV[2] and redis.call('EXISTS', ARGV[3] .. holder) == 0 then
    local ids = {}
    for _, e in ipairs(redis.call('XPENDING', KEYS[1], ARGV[1], '-', '+', want, holder)) do ids[#ids + 1] = e[1] end
    if #ids > 0 then
      for _, e in ipairs(redis.call('XCLAIM', KEYS[1], ARGV[1], ARGV[2], 0, unpack(ids))) do taken[#taken + 1] = e end
      want = want - #ids
    end
  end
end
if #taken > 0 then redis.call('HINCRBY', KEYS[2], 'requeues', #taken) end
return taken
`;

/**
 * Puts tasks this worker read but has not started back at the end of the queue for others (a draining worker),
 * each only if still leased to it. KEYS: queue. ARGV: group, consumer, entry ids... Returns how many went back.
 */
const RELEASE = `
local n = 0
for i = 3, #ARGV do
  local p = redis.pcall('XPENDING', KEYS[1], ARGV[1], ARGV[i], ARGV[i], 1)
  if type(p) == 'table' and not p.err and #p > 0 and p[1][2] == ARGV[2] then
    local e = redis.call('XRANGE', KEYS[1], ARGV[i], ARGV[i])
    if #e > 0 then
      redis.call('XADD', KEYS[1], '*', unpack(e[1][2]))
      n = n + 1
    end
    redis.call('XACK', KEYS[1], ARGV[1], ARGV[i])
    redis.call('XDEL', KEYS[1], ARGV[i])
  end
end
return n
`;

/** An entry as the server returns it with binary fields: [id, [field, value, ...]]. */
export type RawEntry = [Buffer, Buffer[]];

export interface Scripts {
  /** '1' (accepted) or '0' (late) per result, in order. */
  submit(
    keys: { queue: string; results: string; stats: string; round: string },
    group: string,
    consumer: string,
    node: string,
    results: { entry: string; record: Buffer }[],
  ): Promise<string>;
  reclaim(keys: { queue: string; stats: string }, group: string, consumer: string, alivePrefix: string, max: number): Promise<RawEntry[]>;
  release(queue: string, group: string, consumer: string, entries: string[]): Promise<number>;
}

export function defineScripts(redis: Redis): Scripts {
  redis.defineCommand('weSubmit', { numberOfKeys: 4, lua: SUBMIT });
  redis.defineCommand('weReclaim', { numberOfKeys: 2, lua: RECLAIM });
  redis.defineCommand('weRelease', { numberOfKeys: 1, lua: RELEASE });
  const r = redis as unknown as Record<string, (...args: (string | Buffer | number)[]) => Promise<unknown>>;
  return {
    submit: async (keys, group, consumer, node, results) =>
      String(await r.weSubmit(keys.queue, keys.results, keys.stats, keys.round, group, consumer, node, ...results.flatMap((x) => [x.entry, x.record]))),
    reclaim: async (keys, group, consumer, alivePrefix, max) =>
      ((await r.weReclaimBuffer(keys.queue, keys.stats, group, consumer, alivePrefix, max)) as (RawEntry | null)[]).filter((e): e is RawEntry => e !== null),
    release: async (queue, group, consumer, entries) => Number(await r.weRelease(queue, group, consumer, ...entries)),
  };
}
