import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { NodeLocalStaging } from '../plugins/staging/node-local.js';
import { tempDir } from './helpers/temp-dir.js';

let work: string;
let shared: string;
let local: string;
beforeEach(async () => {
  work = tempDir('staging-run-node');
  shared = join(work, 'shared');
  local = join(work, 'local');
  await mkdir(join(shared, 'inputs'), { recursive: true });
  await writeFile(join(shared, 'inputs', 'params.in'), 'v1\n');
  await writeFile(join(shared, 'runseg.sh'), '#!/bin/sh\n');
});

const staging = (session?: string) =>
  new NodeLocalStaging({ runId: 'sim', sharedRoot: shared, localRoot: local, stage: ['inputs', 'runseg.sh'], keep: ['seg.rst'], session });

describe('NodeLocalStaging across runs (sessions)', () => {
  it('copies once per session, and a new session replaces the old copy, dropping files no longer listed', async () => {
    const first = staging('run-1');
    expect(await first.prepareOnce()).toBe(true);
    expect(await staging('run-1').prepareOnce()).toBe(false);
    await writeFile(join(first.stagedRoot, 'inputs', 'stray.txt'), 'left by run 1');
    await writeFile(join(shared, 'inputs', 'params.in'), 'v2\n');

    expect(await staging('run-2').prepareOnce()).toBe(true);
    expect(await readFile(first.stagedPath('inputs/params.in'), 'utf8')).toBe('v2\n');
    expect(existsSync(first.stagedPath('inputs/stray.txt'))).toBe(false);
  });

  it('maps paths the stage list covers to their staged copies and leaves the rest', () => {
    const stage = staging();
    expect(stage.stagedCopy('runseg.sh')).toBe(join(stage.stagedRoot, 'runseg.sh'));
    expect(stage.stagedCopy('inputs/sub/params.in')).toBe(join(stage.stagedRoot, 'inputs', 'sub', 'params.in'));
    expect(stage.stagedCopy('inputs-old/params.in')).toBeUndefined();
    expect(stage.stagedCopy('../shared/runseg.sh')).toBeUndefined();
  });

  it('lists local iterations, discards one without gathering, and gathers the others', async () => {
    const stage = staging('run-1');
    for (const iteration of [2, 3]) await writeFile(join(await stage.segmentDir(iteration, 0), 'seg.rst'), `r${iteration}`);
    expect(stage.segmentPath(3, 0)).toBe(join(stage.runDir, 'traj_segs', '000003', '000000'));
    expect(await stage.localIterations()).toEqual([2, 3]);

    await stage.discardIteration(3);
    await stage.discardIteration(3);
    expect(await stage.localIterations()).toEqual([2]);
    expect(existsSync(join(shared, 'traj_segs', 'iter_000003.n1.tar'))).toBe(false);

    expect((await stage.gatherIteration(2, 'n1')).segIds).toEqual([0]);
    expect(await stage.localIterations()).toEqual([]);
  });

  it('release removes its own or a dead process’s stage copy, never a live one’s, and keeps ungathered outputs', async () => {
    const mine = staging('run-1');
    await mine.prepareOnce();
    // Another live session (this process, under another name) is using the copy.
    await staging('run-2').release();
    expect(existsSync(mine.stagedPath('runseg.sh'))).toBe(true);

    await writeFile(join(await mine.segmentDir(4, 1), 'seg.rst'), 'not gathered');
    await mine.release();
    expect(existsSync(mine.stagedRoot)).toBe(false);
    expect(await readdir(mine.runDir)).toEqual(['traj_segs']);

    await mine.discardIteration(4);
    const deadPid = spawnSync('true').pid as number;
    await mine.prepareOnce();
    const marker = join(mine.runDir, '.staged');
    const record = JSON.parse(await readFile(marker, 'utf8'));
    await writeFile(marker, JSON.stringify({ ...record, pid: deadPid }));
    await staging('run-3').release();
    expect(existsSync(local) && (await readdir(local))).toEqual([]);
  });
});
