import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, readdir, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { WeError } from '../core/errors.js';
import { indexPathFor, listMembers, readMember } from '../plugins/staging/indexed-tar.js';
import { NodeLocalStaging } from '../plugins/staging/node-local.js';
import { tempDir } from './helpers/temp-dir.js';

const run = promisify(execFile);

let work: string;
let shared: string;
let local: string;
beforeEach(async () => {
  work = tempDir('staging');
  shared = join(work, 'shared');
  local = join(work, 'local');
  await mkdir(join(shared, 'westpa_scripts'), { recursive: true });
  await writeFile(join(shared, 'westpa_scripts', 'runseg.sh'), '#!/bin/sh\necho run\n');
  await mkdir(join(shared, 'common_files', 'params'), { recursive: true });
  await writeFile(join(shared, 'common_files', 'params', 'prod.in'), 'nstlim=50000\n');
  await writeFile(join(shared, 'common_files', 'ref.pdb'), 'ATOM\n');
});

function staging(extra: Partial<ConstructorParameters<typeof NodeLocalStaging>[0]> = {}): NodeLocalStaging {
  return new NodeLocalStaging({
    runId: 'r1',
    sharedRoot: shared,
    localRoot: local,
    stage: ['westpa_scripts/runseg.sh', 'common_files'],
    keep: ['seg.rst', '*.log'],
    ...extra,
  });
}

async function writeSegment(stage: NodeLocalStaging, iteration: number, segId: number): Promise<Record<string, string>> {
  const dir = await stage.segmentDir(iteration, segId);
  const files = { 'seg.rst': `restart ${iteration}/${segId}`, 'seg.dcd': `frames ${iteration}/${segId}`.repeat(100), 'pcoord.txt': '1.0\n2.0\n', 'logs/seg.log': 'ok' };
  for (const [name, content] of Object.entries(files)) {
    await mkdir(dirname(join(dir, name)), { recursive: true });
    await writeFile(join(dir, name), content);
  }
  return files;
}

describe('NodeLocalStaging.prepareOnce', () => {
  it('copies the stage list (directories recursively) once, into the per-run directory', async () => {
    const stage = staging();
    expect(stage.runDir).toBe(join(local, 'we-r1'));
    expect(await stage.prepareOnce()).toBe(true);
    expect(await readFile(stage.stagedPath('westpa_scripts/runseg.sh'), 'utf8')).toBe('#!/bin/sh\necho run\n');
    expect(await readFile(stage.stagedPath('common_files/params/prod.in'), 'utf8')).toBe('nstlim=50000\n');

    await writeFile(join(shared, 'common_files', 'ref.pdb'), 'CHANGED\n');
    expect(await stage.prepareOnce()).toBe(false);
    expect(await staging().prepareOnce()).toBe(false);
    expect(await readFile(stage.stagedPath('common_files/ref.pdb'), 'utf8')).toBe('ATOM\n');
  });

  it('defaults the local root to the temporary directory', () => {
    const stage = new NodeLocalStaging({ runId: 'abc', sharedRoot: shared });
    expect(stage.runDir).toBe(join(tmpdir(), 'we-abc'));
  });

  it('lets exactly one of several concurrent callers copy', async () => {
    const results = await Promise.all([staging(), staging(), staging(), staging()].map((stage) => stage.prepareOnce()));
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await readFile(staging().stagedPath('common_files/ref.pdb'), 'utf8')).toBe('ATOM\n');
  });

  it('takes over a lock left by a dead process', async () => {
    const child = spawn('true');
    const deadPid = child.pid as number;
    await new Promise((resolveExit) => child.on('exit', resolveExit));
    const stage = staging();
    await mkdir(join(stage.runDir, '.staging.lock'), { recursive: true });
    await writeFile(join(stage.runDir, '.staging.lock', 'pid'), String(deadPid));
    expect(await stage.prepareOnce()).toBe(true);
    expect(existsSync(join(stage.runDir, '.staging.lock'))).toBe(false);
  });

  it('names a stage entry that does not exist, and refuses entries outside the shared root', async () => {
    await expect(staging({ stage: ['missing/inputs'] }).prepareOnce()).rejects.toThrow(/stage entry "missing\/inputs"/);
    expect(() => staging({ stage: ['../elsewhere'] })).toThrow(WeError);
    expect(() => staging({ keep: ['sub/seg.rst'] })).toThrow(/file-name pattern/);
    expect(() => staging({ runId: 'a/b' })).toThrow(/staging runId/);
  });
});

describe('NodeLocalStaging across processes', () => {
  let build: string;
  beforeAll(async () => {
    build = tempDir('staging-build');
    const root = resolve(import.meta.dirname, '..');
    await run(join(root, 'node_modules/.bin/tsc'), [
      '--outDir', build, '--rootDir', root, '--module', 'NodeNext', '--moduleResolution', 'NodeNext',
      '--target', 'ES2022', '--strict', '--skipLibCheck', '--types', 'node', join(root, 'plugins/staging/node-local.ts'),
    ]);
    await writeFile(join(build, 'package.json'), '{"type":"module"}\n');
    await symlink(join(root, 'node_modules'), join(build, 'node_modules'));
    await writeFile(
      join(build, 'prepare.mjs'),
      `import { NodeLocalStaging } from './plugins/staging/node-local.js';
const [sharedRoot, localRoot] = process.argv.slice(2);
const staging = new NodeLocalStaging({ runId: 'multi', sharedRoot, localRoot, stage: ['inputs'] });
process.stdout.write((await staging.prepareOnce()) ? 'copied' : 'skipped');
`,
    );
  });

  it('copies once when several processes on the node prepare at the same time', async () => {
    for (let i = 0; i < 300; i++) {
      await mkdir(join(shared, 'inputs', String(i % 10)), { recursive: true });
      await writeFile(join(shared, 'inputs', String(i % 10), `f${i}.dat`), `data ${i}`);
    }
    const outputs = await Promise.all(
      Array.from({ length: 4 }, () => run(process.execPath, [join(build, 'prepare.mjs'), shared, local]).then((r) => r.stdout)),
    );
    expect(outputs.sort()).toEqual(['copied', 'skipped', 'skipped', 'skipped']);
    const stage = new NodeLocalStaging({ runId: 'multi', sharedRoot: shared, localRoot: local, stage: ['inputs'] });
    expect(await readFile(stage.stagedPath('inputs/7/f297.dat'), 'utf8')).toBe('data 297');
  });
});

describe('NodeLocalStaging.gatherIteration', () => {
  it('packs the iteration into one node tar, copies keep files, then removes the local iteration', async () => {
    const stage = staging();
    const written = new Map<number, Record<string, string>>();
    for (const segId of [0, 1, 5]) written.set(segId, await writeSegment(stage, 3, segId));
    await writeSegment(stage, 4, 0);

    const result = await stage.gatherIteration(3, 'node-a');

    const tarPath = join(shared, 'traj_segs', 'iter_000003.node-a.tar');
    expect(result).toEqual({
      tarPath,
      segIds: [0, 1, 5],
      members: 12,
      kept: ['000003/000000/logs/seg.log', '000003/000000/seg.rst', '000003/000001/logs/seg.log', '000003/000001/seg.rst', '000003/000005/logs/seg.log', '000003/000005/seg.rst'],
    });
    for (const [segId, files] of written) {
      for (const [name, content] of Object.entries(files)) {
        const member = `000003/${String(segId).padStart(6, '0')}/${name}`;
        expect((await readMember(tarPath, member)).toString()).toBe(content);
      }
      expect(await readFile(join(shared, 'traj_segs', '000003', String(segId).padStart(6, '0'), 'seg.rst'), 'utf8')).toBe(files['seg.rst']);
      expect(existsSync(join(shared, 'traj_segs', '000003', String(segId).padStart(6, '0'), 'seg.dcd'))).toBe(false);
    }
    expect(existsSync(join(stage.runDir, 'traj_segs', '000003'))).toBe(false);
    expect(existsSync(join(stage.runDir, 'traj_segs', '000004', '000000', 'seg.rst'))).toBe(true);
    expect((await readdir(join(stage.runDir, 'traj_segs'))).sort()).toEqual(['000004']);
  });

  it('keeps the local files when the tar cannot be put in place, and gathers them on the re-run', async () => {
    const stage = staging();
    await writeSegment(stage, 1, 0);
    const tarPath = join(shared, 'traj_segs', 'iter_000001.node-a.tar');
    await mkdir(join(tarPath, 'blocker'), { recursive: true });

    await expect(stage.gatherIteration(1, 'node-a')).rejects.toThrow();
    expect(await readFile(join(stage.runDir, 'traj_segs', '000001', '000000', 'seg.rst'), 'utf8')).toBe('restart 1/0');
    expect(existsSync(indexPathFor(tarPath))).toBe(false);

    await rm(tarPath, { recursive: true });
    const result = await stage.gatherIteration(1, 'node-a');
    expect(result.segIds).toEqual([0]);
    expect((await stat(tarPath)).isFile()).toBe(true);
    expect(existsSync(join(stage.runDir, 'traj_segs', '000001'))).toBe(false);
  });

  it('is idempotent: a finished gather reports the existing tar, and a re-gather overwrites it', async () => {
    const stage = staging();
    await writeSegment(stage, 2, 7);
    const first = await stage.gatherIteration(2, 'node-b');
    const again = await stage.gatherIteration(2, 'node-b');
    expect(again).toEqual({ tarPath: first.tarPath, segIds: [], members: 0, kept: [] });
    expect((await readMember(first.tarPath as string, '000002/000007/seg.rst')).toString()).toBe('restart 2/7');

    // As after a crash between writing the tar and removing the local files: the local tree is gathered again.
    const dir = await stage.segmentDir(2, 7);
    await writeFile(join(dir, 'seg.rst'), 'rerun');
    await stage.gatherIteration(2, 'node-b');
    expect((await readMember(first.tarPath as string, '000002/000007/seg.rst')).toString()).toBe('rerun');
    expect((await listMembers(first.tarPath as string)).map((m) => m.path)).toEqual(['000002/000007/seg.rst']);
  });

  it('reports no tar for an iteration that ran no segments on this node, and clears retired leftovers', async () => {
    const stage = staging();
    await mkdir(join(stage.runDir, 'traj_segs', '.gathered-000009-12345', '000000'), { recursive: true });
    expect(await stage.gatherIteration(9, 'node-c')).toEqual({ tarPath: null, segIds: [], members: 0, kept: [] });
    expect(await readdir(join(stage.runDir, 'traj_segs'))).toEqual([]);
    await expect(stage.gatherIteration(9, 'bad/name')).rejects.toThrow(/node name/);
  });
});
