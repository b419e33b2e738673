/** What travels through Redis: exact round trips, and entries that are refused with a named error. */
import { describe, expect, it } from 'vitest';
import { decodeResult, decodeTask, encodeResult, encodeTask, MalformedEntryError, parseKind } from '../plugins/work-managers/redis/codec.js';
import { checkRedisUrl } from '../plugins/work-managers/redis/connection.js';
import { repoRoot, we } from './helpers/cli.js';

const task = {
  iteration: 3,
  segIds: Int32Array.of(4, 5),
  parentIds: Int32Array.of(1, -2),
  startPoints: Float64Array.of(0.1, 1 / 3),
  initialStates: [{ istateId: 1, basisStateId: 0, auxref: '0', iterCreated: 2 }],
};
const result = {
  segIds: Int32Array.of(4, 5),
  pcoord: Float64Array.of(0.1, Math.PI, -0, 1e-300, 1 / 3, Number.MIN_VALUE),
  cputime: Float64Array.of(1.5, 2),
  walltime: Float64Array.of(1.75, 2.25),
  auxdata: { energy: { data: Float64Array.of(1, 2, 3, 4), shape: [2, 2, 1] } },
};

describe('Redis codec', () => {
  it('round-trips tasks and results bit for bit', () => {
    expect(decodeTask('propagate', encodeTask('propagate', task))).toEqual(task);
    const back = decodeResult('propagate', encodeResult('propagate', result), task, 3);
    expect(Buffer.from(back.pcoord.buffer).equals(Buffer.from(result.pcoord.buffer))).toBe(true);
    expect(back).toEqual(result);
    const basis = { basisStateIds: [0, 2], pcoord: Float64Array.of(1, 2, 3, 4) };
    expect(decodeResult('basisPcoords', encodeResult('basisPcoords', basis), { basisStateIds: [0, 2] }, 2)).toEqual(basis);
  });

  it('refuses malformed and mismatched entries with MalformedEntryError naming the problem', () => {
    const cases: [string, RegExp][] = [
      ['not json', /result is not JSON/],
      ['{"segIds":"AAAA"}', /result: pcoord: /],
      [encodeResult('propagate', { ...result, segIds: Int32Array.of(4, 6) }), /result is for segments 4, 6, the task for 4, 5/],
      [encodeResult('propagate', { ...result, pcoord: new Float64Array(5) }), /result pcoord has 5 values, expected 6/],
      [encodeResult('propagate', { ...result, walltime: new Float64Array(1) }), /result walltime has 1 values, expected 2/],
      [JSON.stringify({ ...JSON.parse(encodeResult('propagate', result)), extra: 1 }), /result: value: /],
    ];
    for (const [text, message] of cases) {
      expect(() => decodeResult('propagate', text, task, 3)).toThrow(MalformedEntryError);
      expect(() => decodeResult('propagate', text, task, 3)).toThrow(message);
    }
    expect(() => parseKind('rm -rf /')).toThrow(/unknown task kind "rm -rf \/"/);
    expect(() => decodeTask('propagate', '{"iteration":0}')).toThrow(MalformedEntryError);
  });
});

describe('Redis URLs', () => {
  it('takes loopback without a password, and any host with one or over TLS with one', () => {
    for (const url of ['redis://127.0.0.1:6379', 'redis://localhost', 'redis://[::1]:6379', 'redis://:secret@10.1.2.3:6379', 'rediss://:secret@login1:6380']) {
      expect(checkRedisUrl(url, '--redis').toString()).toBe(new URL(url).toString());
    }
  });

  it('refuses a server off loopback without a password, and what is not a redis URL', () => {
    expect(() => checkRedisUrl('redis://10.1.2.3:6379', '--redis')).toThrow(/--redis: 10\.1\.2\.3 is not this machine and the URL has no password; .*requirepass/);
    expect(() => checkRedisUrl('rediss://login1:6380', 'WE_REDIS_URL')).toThrow(/WE_REDIS_URL: login1 is not this machine/);
    expect(() => checkRedisUrl('http://127.0.0.1', '--redis')).toThrow(/expected a redis:\/\/ or rediss:\/\/ URL/);
    expect(() => checkRedisUrl('127.0.0.1:6379', '--redis')).toThrow(/expected a URL such as/);
  });

  it('`we worker` says so in one line and exits 1 before connecting anywhere', async () => {
    const refused = await we(['worker', '--redis', 'redis://10.1.2.3:6379'], repoRoot);
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toMatch(/^we: error: --redis: 10\.1\.2\.3 is not this machine and the URL has no password/);
    expect(refused.stderr.trim().split('\n')).toHaveLength(1);
  });
});
