/**
 * `we pdist` and `we kinetics` on a 200-iteration × ~10,000-walker west.h5 (ODLD, every bin full from iteration 1,
 * recycling into the deep well), side by side in one run with: a numpy + h5py script computing the same histograms
 * (bench/pdist-numpy.py), and, when a built WESTPA source tree is in WESTPA_SRC (default /tmp/westpa-src), WESTPA's
 * own w_pdist, w_fluxanl and w_assign + w_direct on the same file. Every row is a whole command, start-up included
 * (what a user waits for), median of REPEATS (WESTPA's, which take minutes, once); the numbers each tool gives are
 * compared too. Then where `we pdist`'s
 * time goes, measured in this process.
 *
 *   npx tsc && node dist/bench/analysis.js [--iterations 200] [--walkers-per-bin 111]
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { probabilityDistribution } from '../core/analysis/pdist.js';
import { writePdistFile } from '../plugins/stores/westh5/pdist-file.js';
import { openRunView } from '../plugins/stores/westh5/run-view.js';
import { median } from './lib/median.js';
import { odldBenchConfig } from './lib/odld-bench-config.js';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const WE = join(repoRoot, 'dist/cli/we.js');
const NUMPY = join(repoRoot, 'bench/pdist-numpy.py');
const PYTHON = '/usr/bin/python3';
const WESTPA_SRC = process.env.WESTPA_SRC ?? '/tmp/westpa-src';
const REPEATS = 3;
/** examples/odld's bins (-inf, 1.1, 1.2, …, 10.1, inf): for w_assign as a Python expression, for we as a list. */
const ODLD_BINS = `[[-inf] + [round(1.1 + 0.1 * i, 6) for i in range(91)] + [inf]]`;
const WE_BINS = `[[-inf,${Array.from({ length: 91 }, (_, i) => Number((1.1 + 0.1 * i).toFixed(6))).join(',')},inf]]`;

/** A whole command's wall time, and the CPU time (user + system) it and its children used, from bash's `times`. */
function run(cmd: string, args: string[], cwd: string, env: Record<string, string> = {}): { seconds: number; cpu: number; stdout: string } {
  const start = performance.now();
  const out = execFileSync('bash', ['-c', '"$@" > .stdout; times', 'bash', cmd, ...args], {
    cwd,
    env: { ...process.env, ...env },
    encoding: 'utf8',
    maxBuffer: 1 << 30,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const seconds = (performance.now() - start) / 1000;
  // second line of `times`: the children's user and system time, as 0m1.234s
  const [user, system] = out.trim().split('\n')[1].split(' ').map((t) => {
    const [, m, sec] = /(\d+)m([\d.]+)s/.exec(t)!;
    return Number(m) * 60 + Number(sec);
  });
  return { seconds, cpu: user + system, stdout: readFileSync(join(cwd, '.stdout'), 'utf8') };
}

function timed(cmd: string, args: string[], cwd: string, env: Record<string, string> = {}): { seconds: number; cpu: number; stdout: string } {
  const runs = Array.from({ length: REPEATS }, () => run(cmd, args, cwd, env));
  return { seconds: median(runs.map((r) => r.seconds)), cpu: median(runs.map((r) => r.cpu)), stdout: runs[runs.length - 1].stdout };
}

function pythonJson<T>(script: string, args: string[], env: Record<string, string> = {}): T {
  return JSON.parse(execFileSync(PYTHON, ['-c', script, ...args], { encoding: 'utf8', env: { ...process.env, ...env } })) as T;
}

const COMPARE_PDIST = `
import sys, json, h5py, numpy as np
a, b = (h5py.File(p, 'r')['histograms'][...] for p in sys.argv[1:3])
print(json.dumps({'max_abs_diff': float(np.abs(a - b).max()), 'max': float(np.abs(a).max())}))
`;

const FLUXANL_MEAN = `
import sys, json, h5py
f = h5py.File(sys.argv[1], 'r')
row = f['target_flux/index'][0]
print(json.dumps({'mean': float(row['mean_flux']), 'lb': float(row['mean_flux_ci_lb']), 'ub': float(row['mean_flux_ci_ub']), 'corr_len': int(row['mean_flux_correl_len'])}))
`;

function row(cells: (string | number)[], widths: number[]): string {
  return cells.map((c, k) => String(c)[k === 0 ? 'padEnd' : 'padStart'](widths[k])).join('  ');
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { iterations: { type: 'string', default: '200' }, 'walkers-per-bin': { type: 'string', default: '111' } } });
  const iterations = Number(values.iterations);
  const walkersPerBin = Number(values['walkers-per-bin']);
  const dir = mkdtempSync(join(tmpdir(), 'we-bench-analysis-'));
  try {
    writeFileSync(join(dir, 'we.yaml'), odldBenchConfig(walkersPerBin, iterations));
    run('node', [WE, 'init'], dir);
    const made = run('node', [WE, 'run'], dir);
    const view = await openRunView(join(dir, 'west.h5'));
    const walkers = view.segments(iterations).n;
    view.close();
    console.log(`west.h5: ${iterations} iterations × ${walkers.toLocaleString('en')} walkers, pcoord 21 × 1 float32 (made by we run in ${made.seconds.toFixed(1)} s)`);

    const rows: { tool: string; seconds: number; cpu: number; vs: string }[] = [];
    // -W, as WESTPA's tools take the file: no we.yaml to load (which costs ~0.5 s CPU of its own)
    const pdist = timed('node', [WE, 'pdist', '-W', 'west.h5', '-o', 'we-pdist.h5'], dir);
    rows.push({ tool: 'we pdist -W (100 bins)', seconds: pdist.seconds, cpu: pdist.cpu, vs: 'pdist' });
    const numpy = timed(PYTHON, [NUMPY, 'west.h5', 'numpy-pdist.h5', '100'], dir);
    const numpyInside = JSON.parse(numpy.stdout) as { read: number; histogram: number; write: number; total: number };
    rows.push({ tool: 'numpy + h5py script, same histograms', seconds: numpy.seconds, cpu: numpy.cpu, vs: 'pdist' });
    const direct = timed('node', [WE, 'kinetics', '-W', 'west.h5', '--json', '--no-hamsm'], dir);
    rows.push({ tool: 'we kinetics -W --no-hamsm (direct, MCBS)', seconds: direct.seconds, cpu: direct.cpu, vs: 'kinetics' });
    const both = timed('node', [WE, 'kinetics', '-W', 'west.h5', '--bins', WE_BINS, '--json'], dir);
    rows.push({ tool: 'we kinetics -W --bins (direct + haMSM)', seconds: both.seconds, cpu: both.cpu, vs: 'kinetics' });

    const checks: string[] = [];
    const numpyDiff = pythonJson<{ max_abs_diff: number; max: number }>(COMPARE_PDIST, [join(dir, 'we-pdist.h5'), join(dir, 'numpy-pdist.h5')]);
    checks.push(`we pdist vs numpy: max |difference| ${numpyDiff.max_abs_diff.toExponential(2)} (histogram values up to ${numpyDiff.max.toFixed(3)})`);
    const ours = (JSON.parse(direct.stdout) as { targets: { direct: { per_tau: { expected: number; ci_lbound: number; ci_ubound: number; corr_len: number } } }[] }).targets[0].direct.per_tau;
    const hamsm = (JSON.parse(both.stdout) as { targets: { hamsm: { per_tau: { expected: number; ci_lbound: number; ci_ubound: number } } }[] }).targets[0].hamsm.per_tau;
    checks.push(`we kinetics: direct ${ours.expected.toExponential(4)} [${ours.ci_lbound.toExponential(3)}, ${ours.ci_ubound.toExponential(3)}] corr_len ${ours.corr_len}; haMSM ${hamsm.expected.toExponential(4)} [${hamsm.ci_lbound.toExponential(3)}, ${hamsm.ci_ubound.toExponential(3)}] per τ`);

    const westpa = existsSync(join(WESTPA_SRC, 'src', 'westpa'));
    if (westpa) {
      const env = { PYTHONPATH: join(WESTPA_SRC, 'src') };
      // once each: they take minutes
      const tool = (name: string, args: string[]) => run(PYTHON, ['-m', `westpa.cli.tools.${name}`, ...args], dir, env);
      const wPdist = tool('w_pdist', ['-W', 'west.h5', '--serial', '-o', 'w-pdist.h5']);
      rows.push({ tool: 'WESTPA w_pdist --serial', seconds: wPdist.seconds, cpu: wPdist.cpu, vs: 'pdist' });
      const fluxanl = tool('w_fluxanl', ['-W', 'west.h5', '-o', 'fluxanl.h5']);
      rows.push({ tool: 'WESTPA w_fluxanl (recycled flux, MCBS)', seconds: fluxanl.seconds, cpu: fluxanl.cpu, vs: 'kinetics' });
      const assign = tool('w_assign', ['-W', 'west.h5', '--serial', '--bins-from-expr', ODLD_BINS, '--states', 'bound:1.0', 'unbound:8.0', '-o', 'assign.h5']);
      const wDirect = tool('w_direct', ['--serial', 'all', '-W', 'west.h5', '-a', 'assign.h5', '-o', 'direct.h5']);
      rows.push({ tool: 'WESTPA w_assign + w_direct all --serial', seconds: assign.seconds + wDirect.seconds, cpu: assign.cpu + wDirect.cpu, vs: 'kinetics' });
      const wDiff = pythonJson<{ max_abs_diff: number; max: number }>(COMPARE_PDIST, [join(dir, 'we-pdist.h5'), join(dir, 'w-pdist.h5')]);
      checks.push(`we pdist vs w_pdist: max |difference| ${wDiff.max_abs_diff.toExponential(2)}`);
      const theirs = pythonJson<{ mean: number; lb: number; ub: number; corr_len: number }>(FLUXANL_MEAN, [join(dir, 'fluxanl.h5')], env);
      checks.push(`w_fluxanl: ${theirs.mean.toExponential(4)} [${theirs.lb.toExponential(3)}, ${theirs.ub.toExponential(3)}] corr_len ${theirs.corr_len} per τ (w_assign ${assign.seconds.toFixed(1)} s + w_direct ${wDirect.seconds.toFixed(1)} s)`);
    } else {
      checks.push(`(no WESTPA source tree at ${WESTPA_SRC}: its rows are left out; set WESTPA_SRC)`);
    }

    const baseline = (vs: string) => rows.find((r) => r.vs === vs)!;
    const widths = [44, 9, 9, 9, 9];
    console.log(`\nwhole commands, start-up included, median of ${REPEATS} (WESTPA's: one run) (machine load: ${execFileSync('cat', ['/proc/loadavg'], { encoding: 'utf8' }).trim()})`);
    console.log(row(['command', 'wall s', '÷ we', 'CPU s', '÷ we'], widths));
    for (const r of rows) {
      const base = baseline(r.vs);
      console.log(row([r.tool, r.seconds.toFixed(2), (r.seconds / base.seconds).toFixed(1), r.cpu.toFixed(2), (r.cpu / base.cpu).toFixed(1)], widths));
    }
    console.log('(÷ we: against `we pdist` for histograms, `we kinetics --no-hamsm` for rates; CPU: user + system of the process and its children)');
    console.log(`numpy script inside Python (imports excluded): read ${numpyInside.read.toFixed(2)} s, histogram ${numpyInside.histogram.toFixed(2)} s, write ${numpyInside.write.toFixed(2)} s`);
    for (const line of checks) console.log(line);

    // where we pdist's time goes, in this process, as CPU time (the machine is shared): with count bins it reads
    // every pcoord twice (range, then histograms) and every weight once
    const cpu = () => {
      const { user, system } = process.cpuUsage();
      return (user + system) / 1000;
    };
    const c0 = cpu();
    const v = await openRunView(join(dir, 'west.h5'));
    const c1 = cpu();
    let buffer;
    for (let n = 1; n <= v.lastIteration; n++) buffer = v.pcoords(n, 'all', buffer);
    const c2 = cpu();
    for (let n = 1; n <= v.lastIteration; n++) v.weights(n);
    const c3 = cpu();
    const result = probabilityDistribution(v, {});
    const c4 = cpu();
    await writePdistFile(join(dir, 'again.h5'), result, v.source);
    const c5 = cpu();
    v.close();
    const ms = (x: number) => `${x.toFixed(0)} ms`;
    console.log(`we pdist in process, CPU: open west.h5 ${ms(c1 - c0)}; one pass over every pcoord ${ms(c2 - c1)} ` +
      `(${(v.lastIteration * walkers * 21 * 4 / 2 ** 20).toFixed(0)} MiB); one over every weight ${ms(c3 - c2)} (whole seg_index rows); ` +
      `pdist with both passes and the histograms ${ms(c4 - c3)}; write pdist.h5 ${ms(c5 - c4)}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
