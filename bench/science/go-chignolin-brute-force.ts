/**
 * Brute-force folding rate of a go-chignolin simulation, the yardstick for `we kinetics` on that run: independent
 * trajectories of the same embedded Go-model engine at the same settings as its runseg.sh (300 K, 5 fs, γ = 1/ps,
 * 10 ps segments of 10 frames written in float32), each started from a basis state chosen by probability with
 * fresh Maxwell–Boltzmann velocities (as a recycled walker is), and observed as WE observes them: each segment's
 * 10 frames embedded by the same autoencoder package (box normalised over the segment's frames), the final frame's
 * latent point rounded to float32 and binned by the run's own mapper; a trajectory ends at the first segment ending
 * in the target bin. The rate per τ (one segment) is 1 / MFPT (Hill relation: WE's recycling flux at steady state).
 *
 * Everything WE takes from the simulation is taken the way `we run` takes it: we.yaml through `loadRunConfig`
 * (so the basis-state set and the model are resolved by name, core/named-resources.ts), the progress coordinate
 * from the run's own plugin, the basis-state structures from the resolved set's folders. SIM is a simulation
 * directory (e.g. one `we new --from go-chignolin` wrote) or its we.yaml.
 *
 *   node dist/bench/science/go-chignolin-brute-force.js SIM TRAJECTORIES [SEED] [MAX_SEGMENTS]
 *
 * Prints one JSON object (mfpt and rate in segments, standard errors, censored trajectories, and every first
 * passage time so runs with different seeds can be pooled) on stdout.
 */
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { loadRunConfig } from '../../cli/run-config.js';
import { createBinMapper } from '../../core/binning/create.js';
import { targetBins } from '../../core/driver/recycling.js';
import { hostPropagator } from '../../core/work/propagator-host.js';
import { Random } from '../../core/random.js';
import { readCaStructure } from '../../plugins/engines/go-model/ca-structure.js';
import { integrateFrames } from '../../plugins/engines/go-model/frames-loop.js';
import { buildGoModel, CLEMENTI_PARAMETERS } from '../../plugins/engines/go-model/go-model.js';
import { LangevinIntegrator } from '../../plugins/engines/go-model/langevin.js';
import { startState } from '../../plugins/engines/go-model/md-state.js';
import { builtinPlugins } from '../../plugins/registry.js';

/** runseg.sh's settings. */
const TEMPERATURE = 300;
const TIMESTEP = 0.005;
const FRICTION = 1;
const STEPS = 2000;
const FRAMES = 10;

async function configPath(sim: string): Promise<string> {
  return (await stat(sim)).isDirectory() ? join(sim, 'we.yaml') : sim;
}

async function main(): Promise<void> {
  const [sim, trajectoriesArg, seedArg, maxSegmentsArg] = process.argv.slice(2);
  if (!sim) throw new Error('usage: go-chignolin-brute-force.js SIM TRAJECTORIES [SEED] [MAX_SEGMENTS]');
  const trajectories = Number(trajectoriesArg ?? 100);
  const seed = Number(seedArg ?? 1);
  const maxSegments = Number(maxSegmentsArg ?? 5000);
  const config = await loadRunConfig(await configPath(sim));
  const mapper = await createBinMapper(config.binning.mapper, config.pcoord.ndim);
  const targets = new Set(targetBins(mapper, config.targetStates));
  const host = hostPropagator(config, builtinPlugins);
  if (!host.context.progressCoordinate) throw new Error(`${config.file}: no progress_coordinate to embed frames with`);
  const pcoord = await host.context.progressCoordinate();
  const structure = String(config.propagator.options.bstate_structure ?? 'bstate.pdb');
  // runseg.sh reads native.pdb from the simulation's root.
  const native = await readCaStructure(join(config.simRoot, 'native.pdb'));
  const model = buildGoModel(native.positions, CLEMENTI_PARAMETERS);
  const integrator = new LangevinIntegrator(model, { temperature: TEMPERATURE, friction: FRICTION, timestep: TIMESTEP });
  const starts = await Promise.all(config.basisStates.map((b) => readCaStructure(join(config.basisStateDir, b.auxref, structure))));
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
      integrateFrames(integrator, state, FRAMES, STEPS / FRAMES, (f) => xyz.set(state.positions, f * nAtoms * 3));
      segments++;
      const [latent] = await pcoord.fromFrames([{ nFrames: FRAMES, nAtoms, xyz }]);
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
  await host.close();
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
    first_passages: passage,
  }));
}

await main();
