/**
 * A full disk, for real: the simulation lives on a small tmpfs mounted by this test (as root, which CI is), which
 * a filler file then fills. Where no tmpfs can be mounted the test is skipped, saying why.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { cpSync, readdirSync, readFileSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { copyExample, repoRoot, we } from './helpers/cli.js';
import { DUMP_RUN, h5pyJson } from './helpers/h5py.js';
import { tempDir } from './helpers/temp-dir.js';

const mountPoint = tempDir('disk-full');
const mount = await execa('mount', ['-t', 'tmpfs', '-o', 'size=16m', 'tmpfs', mountPoint], { reject: false, all: true });
const mounted = mount.exitCode === 0;
// Before test/setup.ts removes the temporary directories (after-all hooks run in reverse order).
afterAll(async () => {
  if (mounted) await execa('umount', [mountPoint]);
});

const ITERATIONS = '8';
const KEPT_FREE = 64 * 1024;

const dump = (dir: string) => h5pyJson<{ current: number }>(DUMP_RUN, join(dir, 'west.h5'));
const status = (dir: string) => JSON.parse(readFileSync(join(dir, 'we-status.json'), 'utf8')) as { state: string; message?: string };

/** Fills the file system of `dir` but for KEPT_FREE bytes. */
function fill(dir: string): void {
  const { bavail, bsize } = statfsSync(dir);
  writeFileSync(join(dir, 'filler'), Buffer.alloc(bavail * bsize - KEPT_FREE));
}

/** What a file set should hold: nothing temporary (no .tmp-PID, no undo log, no lock) left behind. */
const RUN_FILES = ['filler', 'we-status.json', 'we.yaml', 'west.h5', 'west.h5.journal.0', 'west.h5.journal.1'];

describe.skipIf(!mounted)(`a full disk${mounted ? '' : ` (skipped: cannot mount a tmpfs here: ${mount.all})`}`, () => {
  it('refuses an iteration that would not fit, writing nothing; a commit that hits ENOSPC is undone; after space is freed the run resumes identical', async () => {
    const reference = copyExample('odld');
    expect((await we(['init'], reference)).exitCode).toBe(0);
    expect((await we(['run', '--max-iter', ITERATIONS], reference)).exitCode).toBe(0);

    const dir = join(mountPoint, 'odld');
    cpSync(join(repoRoot, 'examples/odld'), dir, { recursive: true });
    expect((await we(['init'], dir)).exitCode).toBe(0);
    expect((await we(['run', '--max-iter', '4'], dir)).exitCode).toBe(0);
    fill(dir);
    const before = Object.fromEntries(['west.h5', 'west.h5.journal.0', 'west.h5.journal.1'].map((f) => [f, readFileSync(join(dir, f))]));
    const unchanged = () => Object.entries(before).every(([f, bytes]) => readFileSync(join(dir, f)).equals(bytes));

    // Twice: the second `we run` on the still-full disk is refused the same way.
    for (const attempt of [1, 2]) {
      const refused = await we(['run', '--max-iter', ITERATIONS], dir);
      expect(refused.exitCode, refused.all).toBe(1);
      expect(refused.stderr.trim().split('\n'), `attempt ${attempt}: one line, no stack`).toHaveLength(1);
      expect(refused.stderr).toMatch(
        /^we: error: .*\/west\.h5: not enough free space: [\d.]+ KiB free on its file system, [\d.]+ MiB needed \(.*west\.h5 [\d.]+ MiB.*\); free some space/,
      );
      expect(unchanged(), 'west.h5 and its journal untouched').toBe(true);
      expect(readdirSync(dir).sort()).toEqual(RUN_FILES);
      expect(status(dir)).toMatchObject({ state: 'failed', message: expect.stringMatching(/not enough free space/) });
      expect((await dump(dir)).current).toBe(5);
    }

    // Past the check (as when a quota, which statfs cannot see, runs out): HDF5's writes fail part-way.
    const full = await we(['run', '--max-iter', ITERATIONS], dir, { WE_FAULT: 'no-space-check' });
    expect(full.exitCode, full.all).toBe(1);
    expect(full.stderr.trim().split('\n')).toHaveLength(1);
    expect(full.stderr).toMatch(/^we: error: .*\/west\.h5: the file system is full \(ENOSPC\): committing iteration 5 failed and was undone, the file is as before it; free at least [\d.]+ MiB/);
    expect(readFileSync(join(dir, 'west.h5')).equals(before['west.h5']), 'undone to the byte').toBe(true);
    expect(readdirSync(dir).sort()).toEqual(RUN_FILES);
    expect((await dump(dir)).current).toBe(5);
    expect(JSON.parse((await we(['status', '--json'], dir)).stdout).state).not.toBe('running');

    rmSync(join(dir, 'filler'));
    const resumed = await we(['run', '--max-iter', ITERATIONS], dir);
    expect(resumed.exitCode, resumed.all).toBe(0);
    expect(await dump(dir)).toEqual(await dump(reference));
    expect(readdirSync(dir).sort()).toEqual(RUN_FILES.filter((f) => f !== 'filler'));
  });
});
