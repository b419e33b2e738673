/**
 * go-chignolin by its two propagators, the same physics (test/go-model-propagator.test.ts checks it bit for bit):
 * `executable` (examples/go-chignolin as shipped: runseg.sh starts we-go-md once per segment, 2 slots) against
 * `go-model` (the engine in process, one task per iteration). Each runs ITERATIONS iterations from `we init`
 * in its own copy; wall seconds, and CPU seconds of `we run` with every process it started (this process's
 * waited-for children, /proc/self/stat cutime + cstime), per segment. The load average is printed: CPU per
 * segment is the figure to compare on a shared machine.
 * Run: npx tsc -p tsconfig.json && node dist/bench/go-chignolin-propagators.js [ITERATIONS=4]
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isSimulationInput } from '../cli/new/copy-simulation.js';
import { openRunView } from '../plugins/stores/westh5/run-view.js';
import { childrenCpuSeconds } from './lib/process-cpu.js';

const iterations = Number(process.argv[2] ?? 4);
const root = fileURLToPath(new URL('../..', import.meta.url));
const we = join(root, 'dist/cli/we.js');
const example = join(root, 'examples/go-chignolin');

function simulation(propagatorSection: string | undefined): string {
  const dir = mkdtempSync(join(tmpdir(), 'we-bench-gochig-'));
  cpSync(example, dir, { recursive: true, filter: (path) => isSimulationInput(example, path) });
  let yaml = readFileSync(join(dir, 'we.yaml'), 'utf8').replace(/^max_iterations: \d+/m, `max_iterations: ${iterations}`);
  if (propagatorSection) {
    yaml = yaml.slice(0, yaml.indexOf('propagator:')) + propagatorSection + yaml.slice(yaml.indexOf('progress_coordinate:'));
  }
  writeFileSync(join(dir, 'we.yaml'), yaml);
  execFileSync(process.execPath, [we, 'init'], { cwd: dir, stdio: 'ignore' });
  return dir;
}

async function segments(dir: string): Promise<number> {
  const view = await openRunView(join(dir, 'west.h5'));
  let n = 0;
  for (let k = 1; k <= view.lastIteration; k++) n += view.segments(k).n;
  view.close();
  return n;
}

const cases: [string, string | undefined][] = [
  ['executable (runseg.sh + we-go-md, 2 slots)', undefined],
  ['go-model (in process)', 'propagator: {name: go-model}\n\n'],
];
console.log(`go-chignolin, ${iterations} iterations from we init; load average ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
console.log('| propagator | segments | wall s | CPU s | CPU ms / segment | wall ms / segment |');
console.log('|---|---:|---:|---:|---:|---:|');
for (const [name, section] of cases) {
  const dir = simulation(section);
  try {
    const cpuBefore = childrenCpuSeconds();
    const started = performance.now();
    execFileSync(process.execPath, [we, 'run'], { cwd: dir, stdio: 'ignore' });
    const wall = (performance.now() - started) / 1000;
    const cpu = childrenCpuSeconds() - cpuBefore;
    const n = await segments(dir);
    console.log(`| ${name} | ${n} | ${wall.toFixed(2)} | ${cpu.toFixed(2)} | ${((1000 * cpu) / n).toFixed(1)} | ${((1000 * wall) / n).toFixed(1)} |`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
console.log(`load average at the end ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
