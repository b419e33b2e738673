import { describe, expect, it } from 'vitest';
import { cpSync, existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { repoRoot, we, weBin } from './helpers/cli.js';
import { h5pyJson } from './helpers/h5py.js';
import { tempDir } from './helpers/temp-dir.js';

function fixture(name: string): string {
  const dir = tempDir(name);
  cpSync(join(repoRoot, 'test/fixtures', name), dir, { recursive: true });
  return dir;
}

const OPENS = `
import sys, json, h5py
f = h5py.File(sys.argv[1], 'r')
print(json.dumps({'current': int(f.attrs['west_current_iteration']), 'groups': len(f['iterations']), 'summary': len(f['summary'])}))
`;

const lockFile = (dir: string) => join(dir, 'west.h5.lock');

/** Field 22 of /proc/<pid>/stat: when the process started, in clock ticks after boot. */
function startTicks(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]);
}

/** A lock as another `we` would have left it. */
function plantLock(dir: string, holder: { host: string; pid: number; startTicks?: number }): void {
  const record = {
    token: `planted-${holder.pid}-${Math.random().toString(16).slice(2)}`,
    ...holder,
    bootId: readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim(),
    started: '2025-01-01T00:00:00.000Z',
    command: 'we run',
  };
  writeFileSync(lockFile(dir), `${JSON.stringify(record)}\n`);
}

/** The pid of a process that has just exited (and been reaped): a holder that is certainly gone. */
async function deadPid(): Promise<number> {
  const child = execa('true');
  await child;
  return child.pid!;
}

async function waitFor(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 1500 && !condition(); i++) await new Promise((r) => setTimeout(r, 20));
  if (!condition()) throw new Error(`timed out waiting for ${what}`);
}

describe('one writer per simulation: the lock on west.h5', () => {
  it('of two `we run` started together (20 times, half of them over a dead holder\'s lock), one runs and the other refuses naming it; the file is never damaged', { timeout: 900_000 }, async () => {
    const dir = fixture('racing-sim');
    expect((await we(['init'], dir)).exitCode).toBe(0);
    for (let trial = 1; trial <= 20; trial++) {
      if (trial % 2 === 0) plantLock(dir, { host: hostname(), pid: await deadPid() });
      const args = ['run', '--max-iter', String(trial)];
      const runs = [0, 1].map(() => execa('node', [weBin, ...args], { cwd: dir, reject: false, all: true }));
      const [a, b] = await Promise.all(runs);
      const results = [a, b].map((r, k) => ({ ...r, pid: runs[k].pid }));
      const winners = results.filter((r) => r.exitCode === 0);
      const losers = results.filter((r) => r.exitCode !== 0);
      expect(winners, `trial ${trial}: ${a.all}\n---\n${b.all}`).toHaveLength(1);
      expect(losers[0].exitCode).toBe(1);
      expect(losers[0].stderr).toMatch(
        new RegExp(`^we: error: .*west\\.h5\\.lock: the simulation is in use by \`we run --max-iter ${trial}\` \\(pid ${winners[0].pid} on this host, ${hostname()}, since \\S+\\)`),
      );
      expect(losers[0].stderr.trim().split('\n')).toHaveLength(1);
      expect(await h5pyJson(OPENS, join(dir, 'west.h5'))).toEqual({ current: trial + 1, groups: trial + 1, summary: trial + 1 });
      expect(existsSync(lockFile(dir)), 'released').toBe(false);
    }
    expect(readdirSync(dir).filter((f) => f.startsWith('west.h5.lock'))).toEqual([]);
    const finish = await we(['run', '--max-iter', '22'], dir);
    expect(finish.exitCode, finish.all).toBe(0);
    expect(await h5pyJson(OPENS, join(dir, 'west.h5'))).toEqual({ current: 23, groups: 23, summary: 23 });
  });

  it('takes over the lock of a holder killed with SIGKILL; meanwhile status reads and truncate refuses; then status says the process is gone', async () => {
    const dir = fixture('flaky-sim');
    expect((await we(['init'], dir)).exitCode).toBe(0);
    writeFileSync(join(dir, 'hang'), '');
    const engine = execa('node', [weBin, 'run'], { cwd: dir, reject: false });
    await waitFor(() => readdirSync(dir).some((f) => f.startsWith('sleeper-')), 'the run to reach its hanging segments');
    const holder = JSON.parse(readFileSync(lockFile(dir), 'utf8'));
    expect(holder).toMatchObject({ host: hostname(), pid: engine.pid, command: 'we run' });

    const status = await we(['status'], dir);
    expect(status.exitCode, status.all).toBe(0);
    expect(status.stdout).toMatch(/^state +running/m);
    const truncate = await we(['truncate', '1'], dir);
    expect(truncate.exitCode).toBe(1);
    expect(truncate.stderr).toMatch(new RegExp(`in use by \`we run\` \\(pid ${engine.pid} on this host`));
    expect(truncate.stderr).toMatch(/stop it first/);

    engine.kill('SIGKILL');
    expect((await engine).signal).toBe('SIGKILL');
    expect(existsSync(lockFile(dir)), 'a killed holder leaves its lock').toBe(true);
    // we-status.json still says running; `we status` sees that its process is gone.
    expect(JSON.parse(readFileSync(join(dir, 'we-status.json'), 'utf8')).state).toBe('running');
    const afterKill = await we(['status'], dir);
    expect(afterKill.stdout).toMatch(new RegExp(`^state +stopped \\(process gone: pid ${engine.pid} ended`, 'm'));
    expect(JSON.parse((await we(['status', '--json'], dir)).stdout)).toMatchObject({ state: 'stopped', pid: engine.pid, host: hostname() });
    rmSync(join(dir, 'hang'));
    const resumed = await we(['run'], dir);
    expect(resumed.exitCode, resumed.all).toBe(0);
    expect(resumed.stderr).toMatch(new RegExp(`took over the lock of \`we run\` \\(pid ${engine.pid} on this host, .*\\): that process is gone`));
    expect(resumed.stdout).toMatch(/completed: reached iteration limit 4/);
    expect(existsSync(lockFile(dir))).toBe(false);
  });

  it('refuses a lock held by a live process on this host, and takes one whose pid now belongs to another process', async () => {
    const dir = fixture('flaky-sim');
    expect((await we(['init'], dir)).exitCode).toBe(0);
    const sleeper = execa('sleep', ['60']);
    try {
      plantLock(dir, { host: hostname(), pid: sleeper.pid!, startTicks: startTicks(sleeper.pid!) });
      const refused = await we(['run'], dir);
      expect(refused.exitCode).toBe(1);
      expect(refused.stderr).toMatch(new RegExp(`in use by \`we run\` \\(pid ${sleeper.pid} on this host, ${hostname()}, since 2025-01-01T00:00:00.000Z\\)`));
      // The same pid, started at another time: the holder died and its pid was reused.
      plantLock(dir, { host: hostname(), pid: sleeper.pid!, startTicks: startTicks(sleeper.pid!) - 1 });
      const run = await we(['run', '--max-iter', '1'], dir);
      expect(run.exitCode, run.all).toBe(0);
      expect(run.stderr).toMatch(/took over the lock .*: that process is gone/);
    } finally {
      sleeper.kill();
      await sleeper.catch(() => undefined);
    }
  });

  it('refuses a lock from another host, naming it and --force-unlock, and takes it with --force-unlock', async () => {
    const dir = fixture('flaky-sim');
    expect((await we(['init'], dir)).exitCode).toBe(0);
    plantLock(dir, { host: 'node-elsewhere', pid: 4242 });
    const before = readFileSync(join(dir, 'west.h5'));
    for (const command of [['run'], ['truncate', '1'], ['init', '--force']]) {
      const refused = await we(command, dir);
      expect(refused.exitCode).toBe(1);
      expect(refused.stderr).toMatch(/in use by `we run` \(pid 4242 on host node-elsewhere, since 2025-01-01T00:00:00.000Z\).*--force-unlock/);
    }
    expect(readFileSync(join(dir, 'west.h5')).equals(before), 'nothing written').toBe(true);
    const forced = await we(['run', '--force-unlock'], dir);
    expect(forced.exitCode, forced.all).toBe(0);
    expect(forced.stderr).toMatch(/took over the lock of `we run` \(pid 4242 on host node-elsewhere, .*\): --force-unlock/);
    expect(existsSync(lockFile(dir))).toBe(false);
  });
});
