/**
 * Brute-force folding rate of examples/go-chignolin, the yardstick for `we kinetics` on that run: independent
 * trajectories of the same embedded Go-model engine at the same settings as its runseg.sh (300 K, 5 fs, γ = 1/ps,
 * 10 ps segments of 10 frames written in float32), each started from a basis state chosen by probability with
 * fresh Maxwell–Boltzmann velocities (as a recycled walker is), and observed as WE observes them: each segment's
 * 10 frames embedded by the same autoencoder package (box normalised over the segment's frames), the final frame's
 * latent point rounded to float32 and binned by the run's own mapper; a trajectory ends at the first segment ending
 * in the target bin. The rate per τ (one segment) is 1 / MFPT (Hill relation: WE's recycling flux at steady state).
 *
 *   node dist/bench/science/go-chignolin-brute-force.js TRAJECTORIES [SEED] [MAX_SEGMENTS]
 *
 * Prints one JSON object (mfpt and rate in segments, standard errors, censored trajectories) on stdout.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createBinMapper } from '../../core/binning/create.js';
import { loadConfig } from '../../core/config/load.js';
import { targetBins } from '../../core/driver/recycling.js';
import { Random } from '../../core/random.js';
import { readCaStructure } from '../../plugins/engines/go-model/ca-structure.js';
import { buildGoModel, CLEMENTI_PARAMETERS } from '../../plugins/engines/go-model/go-model.js';
import { LangevinIntegrator } from '../../plugins/engines/go-model/langevin.js';
import { startState } from '../../plugins/engines/go-model/md-state.js';
import { embedFrames, loadModelPackage } from '../../plugins/pcoord-onnx/index.js';

const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));
const example = join(repoRoot, 'examples/go-chignolin');
/** runseg.sh's settings. */
const TEMPERATURE = 300;
const TIMESTEP = 0.005;
const FRICTION = 1;
const STEPS = 2000;
const FRAMES = 10;

async function main(): Promise<void> {
  const trajectories = Number(process.argv[2] ?? 100);
  const seed = Number(process.argv[3] ?? 1);
  const maxSegments = Number(process.argv[4] ?? 5000);
  const config = await loadConfig(join(example, 'we.yaml'));
  const mapper = await createBinMapper(config.binning.mapper, config.pcoord.ndim);
  const targets = new Set(targetBins(mapper, config.targetStates));
  const pkg = await loadModelPackage(join(example, '../../models/chignolin-aae'), { ndim: config.pcoord.ndim });
  const native = await readCaStructure(join(example, 'native.pdb'));
  const model = buildGoModel(native.positions, CLEMENTI_PARAMETERS);
  const integrator = new LangevinIntegrator(model, { temperature: TEMPERATURE, friction: FRICTION, timestep: TIMESTEP });
  const starts = await Promise.all(config.basisStates.map((b) => readCaStructure(join(example, 'bstates', b.auxref, 'bstate.pdb'))));
  const probabilities = config.basisStates.map((b) => b.probability);

  const passage: number[] = [];
  let censored = 0;
  const nAtoms = model.nAtoms;
  const xyz = new Float32Array(FRAMES * nAtoms * 3);
  const point = new Float64Array(config.pcoord.ndim);
  const started = performance.now();
  for (let k = 0; k < trajectories; k++) {
    const choice = new Random(seed, 1_000_000 + k);
    const start = starts[choice.choose(probabilities)];
    const state = startState(start.positions, TEMPERATURE, model.parameters.mass, seed * 1_000_003 + k + 1);
    let segments = 0;
    let arrived = false;
    while (!arrived && segments < maxSegments) {
      for (let f = 0; f < FRAMES; f++) {
        integrator.run(state, STEPS / FRAMES);
        xyz.set(state.positions, f * nAtoms * 3);
      }
      segments++;
      const latent = await embedFrames(pkg, { nFrames: FRAMES, nAtoms, xyz });
      for (let d = 0; d < point.length; d++) point[d] = Math.fround(latent[(FRAMES - 1) * point.length + d]);
      const [bin] = mapper.assign({ n: 1, ndim: point.length, points: point, weights: new Float64Array([1]) });
      arrived = targets.has(bin);
    }
    if (arrived) passage.push(segments);
    else censored++;
    if ((k + 1) % 50 === 0) {
      process.stderr.write(`${k + 1}/${trajectories} trajectories, ${((performance.now() - started) / 1000).toFixed(0)} s\n`);
    }
  }
  await pkg.close();
  const n = passage.length;
  const mean = passage.reduce((s, v) => s + v, 0) / n;
  const sd = Math.sqrt(passage.reduce((s, v) => s + (v - mean) ** 2, 0) / (n - 1));
  const se = sd / Math.sqrt(n);
  console.log(JSON.stringify({
    trajectories,
    seed,
    arrived: n,
    censored,
    mfpt_segments: mean,
    mfpt_se: se,
    rate_per_tau: 1 / mean,
    rate_se: se / (mean * mean),
    tau_ps: (STEPS * TIMESTEP),
    seconds: (performance.now() - started) / 1000,
  }));
}

await main();
