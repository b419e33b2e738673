import { describe, expect, it } from 'vitest';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { we } from './helpers/cli.js';
import { tempDir } from './helpers/temp-dir.js';
import { readMember } from '../plugins/staging/indexed-tar.js';

/**
 * A random walk whose restart file (seg.rst) is the only thing the next iteration reads. The script records
 * where it ran from, where it ran, what it read and a per-process token, so the test can tell which attempt
 * wrote what.
 */
const RUNSEG = `#!/bin/bash
set -e
cd "$WEST_CURRENT_SEG_DATA_REF"
if [ "$WEST_CURRENT_SEG_INITPOINT_TYPE" = SEG_INITPOINT_CONTINUES ]; then
  x=$(cat "$WEST_PARENT_DATA_REF/seg.rst")
else
  x=$(cat "$WE_STAGED_ROOT/inputs/start.txt")
fi
step=$(awk -v r="$WEST_RANDFLOAT" 'BEGIN { printf "%.4f", (r - 0.5) * 0.4 }')
y=$(awk -v x="$x" -v s="$step" 'BEGIN { printf "%.4f", x + s }')
z=$(awk -v x="$y" -v s="$step" 'BEGIN { printf "%.4f", x + s }')
echo "$z" > seg.rst
echo "$0" > script.txt
pwd > where.txt
printf '%s %s\\n' "$WEST_PARENT_ID" "$WEST_PARENT_DATA_REF" > parent.txt
echo "read $x; token $$-$RANDOM" > seg.log
printf '%s\\n%s\\n%s\\n' "$x" "$y" "$z" > "$WEST_PCOORD_RETURN"
`;

interface Sim {
  dir: string;
  localRoot: string;
}

function stagedSim(): Sim {
  const dir = tempDir('staging-run');
  const localRoot = join(dir, 'node-local');
  mkdirSync(join(dir, 'inputs'));
  writeFileSync(join(dir, 'inputs', 'start.txt'), '5.0000\n');
  writeFileSync(join(dir, 'runseg.sh'), RUNSEG);
  chmodSync(join(dir, 'runseg.sh'), 0o755);
  writeFileSync(
    join(dir, 'we.yaml'),
    `pcoord: {ndim: 1, len: 3, dtype: float32}
binning:
  mapper: {type: rectilinear, boundaries: [[-.inf, 4.0, 4.5, 5.0, 5.5, 6.0, .inf]]}
  target_counts: 2
basis_states: [{label: start, probability: 1, auxref: '0', pcoord: [5.0]}]
propagator:
  name: executable
  options:
    runseg: runseg.sh
    staging: {local_root: node-local, stage: [runseg.sh, inputs], keep: [seg.rst]}
work_manager: {name: local, slots: 2}
max_iterations: 3
seed: 11
`,
  );
  return { dir, localRoot };
}

const pad = (n: number) => String(n).padStart(6, '0');
const tarOf = (dir: string, iteration: number) => join(dir, 'traj_segs', `iter_${pad(iteration)}.${hostname()}.tar`);

/** Segment ids of `iteration` in its gathered tar. */
function segmentsInTar(dir: string, iteration: number): number[] {
  const index = JSON.parse(readFileSync(`${tarOf(dir, iteration)}.idx.json`, 'utf8')) as { members: { path: string }[] };
  return [...new Set(index.members.map((m) => Number(m.path.split('/')[1])))].sort((a, b) => a - b);
}

async function member(dir: string, iteration: number, seg: number, file: string): Promise<string> {
  return (await readMember(tarOf(dir, iteration), `${pad(iteration)}/${pad(seg)}/${file}`)).toString();
}

async function initialised(): Promise<Sim> {
  const sim = stagedSim();
  const init = await we(['init'], sim.dir);
  expect(init.exitCode, init.all).toBe(0);
  return sim;
}

describe('we run with node-local staging', () => {
  it('runs segments on the node, gathers one indexed tar per iteration, keeps restart files and empties the node', async () => {
    const { dir, localRoot } = await initialised();
    const run = await we(['run'], dir);
    expect(run.exitCode, run.all).toBe(0);
    expect(run.stdout).toMatch(/3 iteration\(s\) run, next is 4/);

    const trajSegs = readdirSync(join(dir, 'traj_segs')).sort();
    const node = hostname();
    expect(trajSegs).toEqual([
      '000001', '000002', '000003',
      `iter_000001.${node}.tar`, `iter_000001.${node}.tar.idx.json`,
      `iter_000002.${node}.tar`, `iter_000002.${node}.tar.idx.json`,
      `iter_000003.${node}.tar`, `iter_000003.${node}.tar.idx.json`,
    ]);
    // The run is over: no outputs, no stage copy left on the node.
    expect(readdirSync(localRoot)).toEqual([]);

    for (const iteration of [1, 2, 3]) {
      const segs = segmentsInTar(dir, iteration);
      expect(segs.length).toBeGreaterThan(0);
      expect(readdirSync(join(dir, 'traj_segs', pad(iteration))).sort()).toEqual(segs.map(pad));
      for (const seg of segs) {
        const shared = join(dir, 'traj_segs', pad(iteration), pad(seg));
        // Only the keep list is copied individually; everything else is in the tar.
        expect(readdirSync(shared)).toEqual(['seg.rst']);
        expect(readFileSync(join(shared, 'seg.rst'), 'utf8')).toBe(await member(dir, iteration, seg, 'seg.rst'));
        // The segment ran in the node-local directory, from the staged copy of the run script.
        expect((await member(dir, iteration, seg, 'where.txt')).trim()).toMatch(new RegExp(`^${localRoot}/we-[^/]+/traj_segs/${pad(iteration)}/${pad(seg)}$`));
        expect((await member(dir, iteration, seg, 'script.txt')).trim()).toMatch(new RegExp(`^${localRoot}/we-[^/]+/staged/runseg\\.sh$`));

        const [parentText, parentRef] = (await member(dir, iteration, seg, 'parent.txt')).trim().split(' ');
        const read = /^read (\S+);/.exec(await member(dir, iteration, seg, 'seg.log'))?.[1];
        const parent = Number(parentText);
        if (iteration === 1) {
          expect(parent).toBeLessThan(0);
          expect(read).toBe('5.0000');
        } else {
          // A continuing segment reads its parent's restart from the shared kept directory.
          expect(parent).toBeGreaterThanOrEqual(0);
          expect(parentRef).toBe(join(dir, 'traj_segs', pad(iteration - 1), pad(parent)));
          expect(`${read}\n`).toBe(readFileSync(join(parentRef, 'seg.rst'), 'utf8'));
        }
      }
    }
  });

  it('we extract prints a member, lists a segment, and refuses a path leaving the segment', async () => {
    const { dir } = await initialised();
    expect((await we(['run', '--max-iter', '2'], dir)).exitCode).toBe(0);

    const file = await we(['extract', '2', '1', 'seg.log'], dir);
    expect(file.exitCode, file.all).toBe(0);
    expect(file.stdout).toBe((await member(dir, 2, 1, 'seg.log')).replace(/\n$/, ''));
    expect(file.stdout).toMatch(/^read -?\d+\.\d{4}; token /);

    const list = await we(['extract', '2', '1'], dir);
    expect(list.exitCode, list.all).toBe(0);
    expect(list.stdout.split('\n')).toEqual(['parent.txt', 'script.txt', 'seg.log', 'seg.rst', 'where.txt']);
    expect(list.stderr).toContain(tarOf(dir, 2));

    const escape = await we(['extract', '2', '1', '../../../we.yaml'], dir);
    expect(escape.exitCode).toBe(1);
    expect(escape.stderr).toMatch(/^we: error: we extract FILE: member "\.\.\/\.\.\/\.\.\/we\.yaml": "\.\." component/);
    expect(escape.stdout).toBe('');
  });

  it('a run killed after an iteration is durable but before its gather leaves it to the next run, even one with nothing left to do', async () => {
    const { dir, localRoot } = await initialised();
    const crashed = await we(['run'], dir, { WE_FAULT: 'committed:3' });
    expect(crashed.signal).toBe('SIGKILL');
    expect(existsSync(tarOf(dir, 2))).toBe(true);
    expect(existsSync(tarOf(dir, 3))).toBe(false);
    const [runDir] = readdirSync(localRoot);
    const leftSegs = readdirSync(join(localRoot, runDir, 'traj_segs', pad(3))).map(Number);
    expect(leftSegs.length).toBeGreaterThan(0);

    const resumed = await we(['run'], dir);
    expect(resumed.exitCode, resumed.all).toBe(0);
    expect(resumed.stdout).toMatch(/0 iteration\(s\) run, next is 4/);
    expect(segmentsInTar(dir, 3)).toEqual(leftSegs.sort((a, b) => a - b));
    for (const seg of leftSegs) expect(readdirSync(join(dir, 'traj_segs', pad(3), pad(seg)))).toEqual(['seg.rst']);
    expect(readdirSync(localRoot)).toEqual([]);
  });

  it('an iteration interrupted before it is durable is redone, and the redone outputs replace the partial ones', async () => {
    const { dir, localRoot } = await initialised();
    const crashed = await we(['run'], dir, { WE_FAULT: 'propagated:2' });
    expect(crashed.signal).toBe('SIGKILL');
    const [runDir] = readdirSync(localRoot);
    const partialLog = readFileSync(join(localRoot, runDir, 'traj_segs', pad(2), pad(0), 'seg.log'), 'utf8');
    // The killed run's stage copy is left behind; the next run copies the (edited) run script afresh.
    expect(existsSync(join(localRoot, runDir, 'staged', 'runseg.sh'))).toBe(true);
    writeFileSync(join(dir, 'runseg.sh'), `${RUNSEG}echo edited > edited.txt\n`);

    const resumed = await we(['run'], dir);
    expect(resumed.exitCode, resumed.all).toBe(0);
    expect(resumed.stdout).toMatch(/2 iteration\(s\) run, next is 4/);
    const redoneLog = await member(dir, 2, 0, 'seg.log');
    // Same seeds, same walk; a different process token.
    expect(redoneLog.split(';')[0]).toBe(partialLog.split(';')[0]);
    expect(redoneLog).not.toBe(partialLog);
    expect(await member(dir, 2, 0, 'edited.txt')).toBe('edited\n');
    expect(readdirSync(localRoot)).toEqual([]);
  });

  it('a run that fails leaves nothing on the node: the failed iteration is redone, so its outputs go', async () => {
    const { dir, localRoot } = await initialised();
    writeFileSync(join(dir, 'runseg.sh'), RUNSEG.replace('set -e\n', 'set -e\n[ "$WEST_CURRENT_ITER" = 2 ] && [ -e "$WEST_SIM_ROOT/fail" ] && exit 3\n'));
    writeFileSync(join(dir, 'fail'), '');
    const failed = await we(['run'], dir);
    expect(failed.exitCode, failed.all).toBe(1);
    expect(failed.stderr).toMatch(/iteration 2, segment \d+ failed after \d+ attempt/);
    expect(readdirSync(localRoot)).toEqual([]);
    expect(segmentsInTar(dir, 1).length).toBeGreaterThan(0);
    expect(existsSync(tarOf(dir, 2))).toBe(false);
  });

  it('runs without staging keep their outputs in the shared segment directories', async () => {
    const { dir } = stagedSim();
    const yaml = readFileSync(join(dir, 'we.yaml'), 'utf8').replace(/ {4}staging: .*\n/, '');
    writeFileSync(join(dir, 'we.yaml'), yaml);
    writeFileSync(join(dir, 'runseg.sh'), RUNSEG.replace('$WE_STAGED_ROOT', '$WEST_SIM_ROOT'));
    expect((await we(['init'], dir)).exitCode).toBe(0);
    const run = await we(['run', '--max-iter', '1'], dir);
    expect(run.exitCode, run.all).toBe(0);
    expect(readdirSync(join(dir, 'traj_segs'))).toEqual(['000001']);
    expect(readdirSync(join(dir, 'traj_segs', '000001', '000000')).sort()).toEqual(['parent.txt', 'script.txt', 'seg.log', 'seg.rst', 'where.txt']);
    const list = await we(['extract', '1', '0'], dir);
    expect(list.stdout.split('\n')).toEqual(['parent.txt', 'script.txt', 'seg.log', 'seg.rst', 'where.txt']);
  });

  it('names bad staging options in we.yaml', async () => {
    const { dir } = stagedSim();
    const yaml = readFileSync(join(dir, 'we.yaml'), 'utf8');
    writeFileSync(join(dir, 'we.yaml'), yaml.replace('stage: [runseg.sh, inputs]', 'stage: [../outside]'));
    expect((await we(['init'], dir)).exitCode).toBe(0);
    const outside = await we(['run'], dir);
    expect(outside.exitCode).toBe(1);
    expect(outside.stderr).toMatch(/we\.yaml: propagator\.options\.staging: .*"\.\.\/outside": "\.\." component/);

    writeFileSync(join(dir, 'we.yaml'), yaml.replace('keep: [seg.rst]', 'kep: [seg.rst]'));
    const typo = await we(['run'], dir);
    expect(typo.exitCode).toBe(1);
    expect(typo.stderr).toMatch(/we\.yaml:\d+:\d+: propagator\.options\.staging: unknown key 'kep'; did you mean 'keep'\?/);
  });
});
