/**
 * `we plot` on a 200-iteration × 10,000-walker west.h5 (issue 11: under 5 s): the DeepDriveMD shape (latent 2-D
 * pcoord, 11 timepoints, float32), walkers diffusing in latent space, 0.1% recycled each iteration into one
 * target, segment times recorded. The file is written once by the westh5 store; then, in this process, a
 * baseline (reading every iteration's pcoord and seg_index, the least any figure needs) and `we plot` itself (all
 * figures: two evolutions, the 2-D distribution, flux and rate, walkers and bins, timing), split into computing
 * the figures and drawing them. Wall and CPU seconds (CPU includes resvg's threads), and the load.
 * Run: npx tsc -p tsconfig.json && node dist/bench/plot.js
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { plot } from '../cli/actions/plot.js';
import { withRunFigures } from '../cli/run-figures.js';
import { renderSvg, svgToPng } from '../plugins/figures/render.js';
import { Random } from '../core/random.js';
import type { IterationRecord, RunDefinition } from '../core/plugins.js';
import { Endpoint, IstateStatus, IstateType } from '../core/types.js';
import type { CompletedIteration, InitialState, PcoordShape, PreparedIteration } from '../core/types.js';
import { WestH5Store } from '../plugins/stores/westh5/index.js';
import { childrenCpuSeconds } from './lib/process-cpu.js';
import { openRunView } from '../plugins/stores/westh5/run-view.js';

const WE = fileURLToPath(new URL('../cli/we.js', import.meta.url));
const ITERATIONS = 200;
const WALKERS = 10_000;
const SHAPE: PcoordShape = { len: 11, ndim: 2, dtype: 'float32' };
const RECYCLED = 10;
const BOUNDARIES = '[-inf, -3.0, -2.5, -2.0, -1.5, -1.0, -0.5, 0.0, 0.5, 1.0, 1.5, 2.0, 2.5, inf]';
const YAML = `pcoord: {ndim: 2, len: 11, dtype: float32}
binning:
  mapper: {type: rectilinear, boundaries: [${BOUNDARIES}, ${BOUNDARIES}]}
  target_counts: 60
basis_states: [{label: unfolded, probability: 1, auxref: '0', pcoord: [-2.0, -2.0]}]
target_states: [{label: folded, pcoord: [2.2, 2.2]}]
propagator: {name: odld}
work_manager: {name: local, slots: 6}
store: {name: westh5, path: west.h5}
max_iterations: ${ITERATIONS}
seed: 1
`;

function istate(id: number, iteration: number): InitialState {
  return { id, iterCreated: Math.max(1, iteration - 1), iterUsed: iteration, basisStateId: 0, type: IstateType.basis, status: IstateStatus.prepared, pcoord: Float64Array.of(-2, -2) };
}

/** Walkers 0 … RECYCLED − 1 restart from new initial states; the others continue from where they ended. */
function prepared(iteration: number, ends: Float64Array, firstIstate: number): PreparedIteration {
  const recycled = iteration === 1 ? WALKERS : RECYCLED;
  const parentId = Int32Array.from({ length: WALKERS }, (_, i) => (i < recycled ? -(firstIstate + (iteration === 1 ? 0 : i) + 1) : i));
  const initialPoints = Float64Array.from({ length: WALKERS * 2 }, (_, k) => (k / 2 < recycled ? -2 : Math.fround(ends[k])));
  return {
    iteration,
    n: WALKERS,
    weight: new Float64Array(WALKERS).fill(1 / WALKERS),
    parentId,
    wtgOffset: Uint32Array.from({ length: WALKERS + 1 }, (_, i) => i),
    wtgParents: Int32Array.from(parentId),
    initialPoints,
    binTargetCounts: new Uint32Array(169).fill(60),
    newIstates: iteration === 1 ? [istate(0, 1)] : Array.from({ length: RECYCLED }, (_, k) => istate(firstIstate + k, iteration)),
  };
}

function completed(p: PreparedIteration, rng: Random, firstIstate: number): { completed: CompletedIteration; ends: Float64Array } {
  const pcoord = new Float32Array(WALKERS * SHAPE.len * 2);
  const ends = new Float64Array(WALKERS * 2);
  for (let i = 0; i < WALKERS; i++) {
    let [x, y] = [p.initialPoints[2 * i], p.initialPoints[2 * i + 1]];
    for (let t = 0; t < SHAPE.len; t++) {
      if (t > 0) [x, y] = [x + 0.004 + (rng.float() - 0.5) * 0.08, y + 0.004 + (rng.float() - 0.5) * 0.08];
      pcoord[(i * SHAPE.len + t) * 2] = x;
      pcoord[(i * SHAPE.len + t) * 2 + 1] = y;
    }
    [ends[2 * i], ends[2 * i + 1]] = [x, y];
  }
  const target = Int32Array.from({ length: WALKERS }, (_, i) => (i < RECYCLED ? 0 : -1));
  const walltime = Float64Array.from({ length: WALKERS }, () => 250 + 30 * rng.float());
  return {
    ends,
    completed: {
      iteration: p.iteration,
      pcoord,
      cputime: Float64Array.from(walltime, (w) => w * 0.98),
      walltime,
      endpointType: Uint8Array.from({ length: WALKERS }, (_, i) => (i < RECYCLED ? Endpoint.recycled : Endpoint.continues)),
      targetFlux: Float64Array.of(RECYCLED / WALKERS),
      recycling: { target, basisState: target.slice(), istate: Int32Array.from(target, (t, i) => (t === 0 ? firstIstate + i : -1)) },
      minBinProb: 1e-3,
      maxBinProb: 0.1,
      walltimeTotal: 300 + 20 * rng.float(),
      cputimeTotal: walltime.reduce((s, w) => s + w * 0.98, 0),
    },
  };
}

async function writeRun(dir: string): Promise<void> {
  const run: RunDefinition = { pcoord: SHAPE, basisStates: [{ label: 'unfolded', probability: 1, auxref: '0', pcoord: [-2, -2] }], targetStates: [{ label: 'folded', pcoord: [2.2, 2.2] }], binhash: 'f'.repeat(64), nbins: 169 };
  const store = new WestH5Store(join(dir, 'west.h5'), SHAPE);
  const rng = new Random(7, 1);
  let p = prepared(1, new Float64Array(WALKERS * 2), 0);
  let istates = 1;
  await store.initialize(run, p, true);
  for (let n = 1; n <= ITERATIONS; n++) {
    const { completed: c, ends } = completed(p, rng, istates);
    const next = prepared(n + 1, ends, istates);
    await store.commit({ prepared: p, completed: c, next } satisfies IterationRecord, 'f'.repeat(64));
    p = next;
    istates += RECYCLED;
  }
  await store.close();
  writeFileSync(join(dir, 'we.yaml'), YAML);
}

function seconds<T>(fn: () => Promise<T>): Promise<{ wall: number; cpu: number; result: T }> {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  return fn().then((result) => {
    const cpu = process.cpuUsage(cpu0);
    return { wall: (performance.now() - t0) / 1000, cpu: (cpu.user + cpu.system) / 1e6, result };
  });
}

export async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'we-bench-plot-'));
  const cwd = process.cwd();
  try {
    console.log(`writing a ${ITERATIONS}-iteration × ${WALKERS}-walker west.h5 (pcoord ${SHAPE.len} × ${SHAPE.ndim} ${SHAPE.dtype}) ...`);
    await writeRun(dir);
    process.chdir(dir);
    const baseline = await seconds(async () => {
      const view = await openRunView(join(dir, 'west.h5'));
      for (let n = 1; n <= view.lastIteration; n++) {
        view.pcoords(n, 'all');
        view.segments(n);
      }
      view.close();
    });
    const load = loadavg().map((x) => x.toFixed(2)).join(' ');
    const flags = { bins: 100 };
    const computed = await seconds(() => withRunFigures({ config: 'we.yaml' }, flags, (_run, _settings, figures) => figures));
    const drawn = await seconds(async () => {
      const pngs: Promise<Buffer>[] = [];
      for (const figure of computed.result.figures) pngs.push(svgToPng(await renderSvg(figure.spec, figure.name)));
      return Promise.all(pngs);
    });
    const whole = await seconds(() => plot({ config: 'we.yaml' }, 'figures', flags));
    // The command as a user runs it: Node's start-up and module loading included.
    const childCpu = childrenCpuSeconds();
    const started = performance.now();
    execFileSync(process.execPath, [WE, 'plot', '--bins', '100', '-o', 'figures-cli'], { cwd: dir, stdio: 'ignore' });
    const command = { wall: (performance.now() - started) / 1000, cpu: childrenCpuSeconds() - childCpu };
    const figures = readdirSync(join(dir, 'figures')).filter((f) => f.endsWith('.png'));
    console.log(`\nload average before: ${load}; after: ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
    console.log('step                                        wall s    CPU s   wall/baseline');
    const row = (name: string, t: { wall: number; cpu: number }) =>
      console.log(`${name.padEnd(42)} ${t.wall.toFixed(2).padStart(7)} ${t.cpu.toFixed(2).padStart(8)} ${(t.wall / baseline.wall).toFixed(2).padStart(14)}`);
    row('baseline: read every pcoord and seg_index', baseline);
    row('figures computed (histograms, rates, series)', computed);
    row(`figures drawn (${drawn.result.length} SVG → PNG)`, drawn);
    row(`we plot (${figures.length} PNG + specs, all figures)`, whole);
    row('`we plot --bins 100` as a command', command);
  } finally {
    process.chdir(cwd);
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
