import { mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { WeError } from '../core/errors.js';
import { extractCommand } from '../plugins/staging/extract-command.js';
import { indexPathFor } from '../plugins/staging/indexed-tar.js';
import { NodeLocalStaging } from '../plugins/staging/node-local.js';
import { tempDir } from './helpers/temp-dir.js';

let work: string;
let sim: string;
beforeEach(async () => {
  work = tempDir('extract');
  sim = join(work, 'sim');
  await mkdir(sim);
});

/** Runs segments of iteration 1 on two "nodes" and gathers each node's outputs into its own tar. */
async function gatherTwoNodes(): Promise<void> {
  const nodes: Array<[string, number[]]> = [
    ['node-a', [0, 1]],
    ['node-b', [2]],
  ];
  for (const [node, segIds] of nodes) {
    const staging = new NodeLocalStaging({ runId: node, sharedRoot: sim, localRoot: join(work, node), keep: ['seg.rst'] });
    for (const segId of segIds) {
      const dir = await staging.segmentDir(1, segId);
      await writeFile(join(dir, 'seg.rst'), `restart of ${segId}`);
      await writeFile(join(dir, 'seg.dcd'), `frames of ${segId} from ${node}`);
    }
    await staging.gatherIteration(1, node);
  }
}

async function expectWeError(promise: Promise<unknown>, ...fragments: string[]): Promise<void> {
  const error = await promise.then(
    () => new Error('expected a WeError, but the call succeeded'),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(WeError);
  for (const fragment of fragments) expect((error as WeError).message).toContain(fragment);
}

describe('extractCommand', () => {
  it('lists a segment from whichever node tar holds it, and returns one file', async () => {
    await gatherTwoNodes();
    const tarB = join(sim, 'traj_segs', 'iter_000001.node-b.tar');
    expect(await extractCommand(sim, 1, 2)).toEqual({ kind: 'list', source: tarB, files: ['seg.dcd', 'seg.rst'] });
    const result = await extractCommand(sim, 1, 2, 'seg.dcd');
    expect(result.kind).toBe('file');
    expect(result.source).toBe(tarB);
    expect(result.kind === 'file' && result.data.toString()).toBe('frames of 2 from node-b');
    const fromA = await extractCommand(sim, 1, 0, 'seg.dcd');
    expect(fromA.kind === 'file' && fromA.data.toString()).toBe('frames of 0 from node-a');
  });

  it('names similar files when the file is missing, and what was searched when the segment is', async () => {
    await gatherTwoNodes();
    await expectWeError(extractCommand(sim, 1, 1, 'seg.dcx'), 'no file "seg.dcx"', 'similar: seg.dcd');
    await expectWeError(extractCommand(sim, 1, 9), 'segment 9 of iteration 1 not found', 'iter_000001.node-a.tar', 'iter_000001.node-b.tar');
    await expectWeError(extractCommand(sim, 1, 0, '../../../etc/passwd'), '".."');
  });

  it('ignores a tar that has no index yet, saying so when nothing else has the segment', async () => {
    await gatherTwoNodes();
    await rm(indexPathFor(join(sim, 'traj_segs', 'iter_000001.node-b.tar')));
    await rm(join(sim, 'traj_segs', '000001', '000002'), { recursive: true });
    await expectWeError(extractCommand(sim, 1, 2), 'not gathered yet', 'iter_000001.node-b.tar');
  });

  it('falls back to the plain segment directory of a run without staging', async () => {
    const file = join(sim, 'traj_segs', '000004', '000003', 'sub', 'pcoord.txt');
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, '1.0\n');
    expect(await extractCommand(sim, 4, 3)).toEqual({ kind: 'list', source: join(sim, 'traj_segs', '000004', '000003'), files: ['sub/pcoord.txt'] });
    const result = await extractCommand(sim, 4, 3, 'sub/pcoord.txt');
    expect(result.kind === 'file' && result.data.toString()).toBe('1.0\n');
  });
});
