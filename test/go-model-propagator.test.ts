/**
 * The in-process Go-model propagator (`propagator: {name: go-model}`) on go-chignolin: it is we-go-md's physics
 * (a segment continued by we-go-md from the same parent state and seed ends in the same state, bit for bit, and
 * the model embeds its frames to the pcoord the run stored), and a run killed with SIGKILL mid-iteration resumes
 * to the same west.h5 contents as a run never interrupted.
 */
import { execa } from 'execa';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readRestart, writeRestart } from '../plugins/engines/go-model/restart-file.js';
import { embedFiles, loadModelPackage } from '../plugins/pcoord-onnx/index.js';
import { iterationStatesDir, readStates } from '../plugins/propagators/go-model/state-file.js';
import { openRunView } from '../plugins/stores/westh5/run-view.js';
import { copyExample, repoRoot, we } from './helpers/cli.js';
import { WeProcess } from './helpers/we-process.js';

const ITERATIONS = 4;

/** go-chignolin with runseg.sh's settings run in process. */
function inProcessChignolin(yamlEdit: (yaml: string) => string = (y) => y): string {
  const dir = copyExample('go-chignolin');
  const file = join(dir, 'we.yaml');
  let yaml = readFileSync(file, 'utf8');
  yaml = yaml.slice(0, yaml.indexOf('propagator:')) + 'propagator: {name: go-model}\n\n' + yaml.slice(yaml.indexOf('progress_coordinate:'));
  yaml = yaml.replace(/^max_iterations: \d+/m, `max_iterations: ${ITERATIONS}`);
  writeFileSync(file, yamlEdit(yaml));
  return dir;
}

async function initAndRun(dir: string): Promise<void> {
  for (const command of ['init', 'run']) {
    const result = await we([command], dir);
    expect(result.exitCode, result.all).toBe(0);
  }
}

/** Every iteration's weights, parents and pcoords. */
async function runContents(dir: string): Promise<unknown[]> {
  const view = await openRunView(join(dir, 'west.h5'));
  try {
    return Array.from({ length: view.lastIteration }, (_, k) => {
      const s = view.segments(k + 1);
      return { weight: Array.from(s.weight), parents: Array.from(s.parentId), pcoord: Array.from(view.pcoords(k + 1, 'all')) };
    });
  } finally {
    view.close();
  }
}

describe('go-model propagator (in process)', () => {
  it("continues a segment exactly as we-go-md does and stores the model's embedding of its frames", async () => {
    const dir = inProcessChignolin();
    await initAndRun(dir);
    const view = await openRunView(join(dir, 'west.h5'));
    const iteration = 3;
    const segments = view.segments(iteration);
    const segId = segments.parentId.findIndex((p) => p >= 0);
    const parentId = segments.parentId[segId];
    const stored = view.pcoords(iteration, 'all').slice(segId * 11 * 2, (segId + 1) * 11 * 2);
    view.close();

    const parent = (await readStates(iterationStatesDir(dir, iteration - 1), 10)).get(parentId)!;
    const child = (await readStates(iterationStatesDir(dir, iteration), 10)).get(segId)!;
    await writeRestart(join(dir, 'parent.rst'), parent);
    const md = await execa(join(repoRoot, 'bin/we-go-md'), [
      '--native', 'native.pdb', '--restart-in', 'parent.rst', '--restart-out', 'child.rst', '--dcd', 'child.dcd',
      '--atoms', 'ca', '--steps', '2000', '--frames', '10', '--temperature', '300', '--seed', String(child.seed), '--quiet',
    ], { cwd: dir, reject: false, all: true });
    expect(md.exitCode, md.all).toBe(0);
    expect(await readRestart(join(dir, 'child.rst'), 10)).toEqual(child);

    const pkg = await loadModelPackage(join(repoRoot, 'models/chignolin-aae'), { ndim: 2 });
    const [embedded] = await embedFiles(pkg, [join(dir, 'child.dcd')]);
    await pkg.session.release();
    expect(Array.from(stored.slice(2))).toEqual(Array.from(embedded, Math.fround));
    // Row 0 is the parent's final point.
    const parentPcoord = await openRunView(join(dir, 'west.h5')).then((v) => {
      const rows = v.pcoords(iteration - 1, 'last').slice(parentId * 2, parentId * 2 + 2);
      v.close();
      return rows;
    });
    expect(Array.from(stored.slice(0, 2))).toEqual(Array.from(parentPcoord));
  });

  it('resumes a run killed with SIGKILL mid-iteration to the same west.h5 contents as an uninterrupted run', async () => {
    const whole = inProcessChignolin();
    await initAndRun(whole);

    const killed = inProcessChignolin();
    expect((await we(['init'], killed)).exitCode).toBe(0);
    const run = new WeProcess(['run'], killed);
    await run.waitFor(/iteration 2: /);
    expect(await run.stop('SIGKILL')).toBe('SIGKILL');
    const status = JSON.parse(readFileSync(join(killed, 'we-status.json'), 'utf8')) as { state: string };
    expect(status.state).not.toBe('completed');
    expect(run.output).not.toMatch(new RegExp(`iteration ${ITERATIONS}: `));

    const resumed = await we(['run'], killed);
    expect(resumed.exitCode, resumed.all).toBe(0);
    // The killed run still held the lock: it really died in the middle.
    expect(resumed.all).toMatch(/took over the lock/);
    expect(await runContents(killed)).toEqual(await runContents(whole));
  });

  it('refuses a pcoord.len that is not frames + 1, naming the field', async () => {
    const dir = inProcessChignolin((yaml) => yaml.replace('propagator: {name: go-model}', 'propagator: {name: go-model, options: {frames: 5, steps: 1000}}'));
    const result = await we(['init'], dir);
    expect(result.exitCode).not.toBe(0);
    expect(result.all).toMatch(/we\.yaml.*pcoord\.len.*is 11, expected 6/);
  });

  it('refuses steps that frames do not divide, and a run without a progress_coordinate, naming each field', async () => {
    const dir = inProcessChignolin((yaml) =>
      yaml
        .replace('propagator: {name: go-model}', 'propagator: {name: go-model, options: {steps: 2001}}')
        .replace(/^progress_coordinate:\n(  .*\n)+/m, ''),
    );
    const result = await we(['init'], dir);
    expect(result.exitCode).not.toBe(0);
    expect(result.all).toMatch(/we\.yaml.*propagator\.options\.steps.*2001 is not a multiple of frames \(10\)/);
    expect(result.all).toMatch(/we\.yaml.*progress_coordinate.*is missing, expected a model that embeds the frames/);
  });
});
