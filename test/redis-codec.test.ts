/** What travels through Redis: exact round trips, and entries that are refused with a named error. */
import { describe, expect, it } from 'vitest';
import { BinaryWriter } from '../plugins/work-managers/redis/binary.js';
import { decodeEntry, decodeRecord, decodeResult, decodeTask, encodeEntry, encodeRecord, encodeResult, encodeTask, MalformedEntryError } from '../plugins/work-managers/redis/codec.js';
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
  it('round-trips tasks, entries and results bit for bit', () => {
    expect(decodeTask(encodeTask('propagate', task))).toEqual({ kind: 'propagate', task });
    expect(decodeTask(encodeTask('basisPcoords', { basisStateIds: [0, 2] }))).toEqual({ kind: 'basisPcoords', task: { basisStateIds: [0, 2] } });
    const entry = decodeEntry(encodeEntry(7, encodeTask('propagate', task)));
    expect(entry.index).toBe(7);
    expect(decodeTask(entry.task)).toEqual({ kind: 'propagate', task });
    const back = decodeResult('propagate', encodeResult('propagate', result), task, 3);
    expect(Buffer.from(back.pcoord.buffer).equals(Buffer.from(result.pcoord.buffer))).toBe(true);
    expect(back).toEqual(result);
    const kept = { ...result, nodeOutputs: { kept: [{ from: 'traj_segs/.kept/a/seg.rst', to: 'traj_segs/000003/000004/seg.rst' }] } };
    expect(decodeResult('propagate', encodeResult('propagate', kept), task, 3)).toEqual(kept);
    const basis = { basisStateIds: [0, 2], pcoord: Float64Array.of(1, 2, 3, 4) };
    expect(decodeResult('basisPcoords', encodeResult('basisPcoords', basis), { basisStateIds: [0, 2] }, 2)).toEqual(basis);
    const record = decodeRecord(encodeRecord(9, 'error', 0.25, Buffer.from('boom')));
    expect({ ...record, body: record.body.toString() }).toEqual({ index: 9, outcome: 'error', busy: 0.25, body: 'boom' });
  });

  it('refuses malformed and mismatched entries with MalformedEntryError naming the problem', () => {
    const good = encodeResult('propagate', result);
    const cases: [Buffer, RegExp][] = [
      [Buffer.from('not binary'), /result: unknown task kind 110/],
      [good.subarray(0, 20), /result pcoord.*needs \d+ byte\(s\), \d+ left/],
      [encodeResult('propagate', { ...result, segIds: Int32Array.of(4, 6) }), /result is for segments 4, 6, the task for 4, 5/],
      [encodeResult('propagate', { ...result, pcoord: new Float64Array(5) }), /result pcoord has 5 values, expected 6/],
      [encodeResult('propagate', { ...result, walltime: new Float64Array(1) }), /result walltime has 1 values, expected 2/],
      [Buffer.concat([good, Buffer.of(0)]), /result: 1 byte\(s\) after its last field/],
      [encodeResult('basisPcoords', { basisStateIds: [4, 5], pcoord: new Float64Array(6) }), /result is of kind basisPcoords, the task of kind propagate/],
    ];
    for (const [bytes, message] of cases) {
      expect(() => decodeResult('propagate', bytes, task, 3)).toThrow(MalformedEntryError);
      expect(() => decodeResult('propagate', bytes, task, 3)).toThrow(message);
    }
    expect(() => decodeTask(Buffer.of(9))).toThrow(/task: unknown task kind 9/);
    expect(() => decodeTask(new BinaryWriter(5).u8(1).u32(0).finish())).toThrow(/task iteration: expected ≥ 1, got 0/);
    expect(() => decodeRecord(encodeRecord(1, 'ok', 0, Buffer.alloc(0)).fill(2, 4, 5))).toThrow(/result outcome: expected 0 \(ok\) or 1 \(error\), got 2/);
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
