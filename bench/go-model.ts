/**
 * Chignolin C-alpha Go model: integrator speed in process (steps/s and ns/day at a 5 fs step, median of several
 * runs), the cost of one 10 ps segment as a run script calls it (a fresh `we-go-md` process), and the
 * folded fraction and fold/unfold transitions per temperature behind the default ε.
 * Run: npx tsc && node dist/bench/go-model.js
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { packageBin, packageRoot } from '../core/installation.js';
import { readCaStructure } from '../plugins/engines/go-model/ca-structure.js';
import { FoldingTracker } from '../plugins/engines/go-model/folding-tracker.js';
import { buildGoModel, CLEMENTI_PARAMETERS } from '../plugins/engines/go-model/go-model.js';
import { LangevinIntegrator } from '../plugins/engines/go-model/langevin.js';
import { startState } from '../plugins/engines/go-model/md-state.js';
import { median } from './lib/median.js';

const NATIVE = join(packageRoot, 'examples/go-chignolin/native.pdb');
const GO_MD = join(packageBin, 'we-go-md');
const TIMESTEP_PS = 0.005;
const RUNS = 5;

function row(cells: (string | number)[], widths: number[]): string {
  return cells.map((cell, k) => String(cell)[k === 0 ? 'padEnd' : 'padStart'](widths[k])).join('  ');
}

export async function main(): Promise<void> {
  const native = await readCaStructure(NATIVE);
  const model = buildGoModel(native.positions);

  const steps = 200_000;
  const integrator = new LangevinIntegrator(model, { temperature: 300, friction: 1, timestep: TIMESTEP_PS });
  const state = startState(native.positions, 300, model.parameters.mass, 1);
  integrator.run(state, 20_000); // warm-up: let the optimising compiler take over
  const seconds = Array.from({ length: RUNS }, () => {
    const start = performance.now();
    integrator.run(state, steps);
    return (performance.now() - start) / 1000;
  });
  const stepsPerSecond = steps / median(seconds);
  const nsPerDay = (stepsPerSecond * TIMESTEP_PS * 86_400) / 1000;

  const scratch = mkdtempSync(join(tmpdir(), 'we-go-bench-'));
  const segmentSeconds = Array.from({ length: RUNS }, (_, k) => {
    const start = performance.now();
    execFileSync(GO_MD, ['--native', NATIVE, '--start', NATIVE, '--seed', String(k + 1), '--quiet',
      '--restart-out', join(scratch, 'seg.rst'), '--dcd', join(scratch, 'seg.dcd'), '--steps', '2000', '--frames', '10']);
    return (performance.now() - start) / 1000;
  });
  rmSync(scratch, { recursive: true, force: true });

  console.log(`chignolin C-alpha Go model (${model.nAtoms} beads, ${model.contactDistance.length} native contacts), ` +
    `BAOAB ${TIMESTEP_PS * 1000} fs, median of ${RUNS} runs`);
  const widths = [44, 14];
  console.log(row(['measure', 'value'], widths));
  console.log(row(['in-process steps/s', Math.round(stepsPerSecond).toLocaleString('en')], widths));
  console.log(row(['in-process ns/day', Math.round(nsPerDay).toLocaleString('en')], widths));
  console.log(row(['10 ps segment as a child process (s)', median(segmentSeconds).toFixed(3)], widths));
  console.log(row(['10 ps segments/s per core, child processes', (1 / median(segmentSeconds)).toFixed(1)], widths));

  const simulatedPs = 500;
  console.log(`\nfolding at ε = ${CLEMENTI_PARAMETERS.epsilon} kcal/mol, γ = 1/ps, ${simulatedPs} ps per temperature from the native`);
  const tWidths = [6, 16, 22];
  console.log(row(['T (K)', 'folded (Q>=0.7)', 'fold/unfold events'], tWidths));
  for (const temperature of [250, 275, 300, 325, 350, 400]) {
    const run = startState(native.positions, temperature, model.parameters.mass, 7);
    const dynamics = new LangevinIntegrator(model, { temperature, friction: 1, timestep: TIMESTEP_PS });
    const tracker = new FoldingTracker(model, true);
    for (let s = 0; s < simulatedPs / TIMESTEP_PS; s += 20) {
      dynamics.run(run, 20);
      tracker.observe(run.positions);
    }
    console.log(row([temperature, tracker.foldedFraction.toFixed(2), tracker.events], tWidths));
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
