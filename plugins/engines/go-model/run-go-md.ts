import { writeFile } from 'node:fs/promises';
import { WeError } from '../../../core/errors.js';
import type { Topology } from '../../trajectory/topology.js';
import { readBackboneTemplate, rebuildBackbone } from './backbone.js';
import { readCaStructure, type AtomStructure } from './ca-structure.js';
import { writeDcd } from './dcd-writer.js';
import { integrateFrames } from './frames-loop.js';
import type { GoMdOptions } from './go-md-args.js';
import { buildGoModel, CLEMENTI_PARAMETERS, nativeContactFraction } from './go-model.js';
import { LangevinIntegrator } from './langevin.js';
import { kineticTemperature, startState, type MdState } from './md-state.js';
import { formatPdb } from './pdb-writer.js';
import { readRestart, writeRestart } from './restart-file.js';

/** One segment: start or continue, integrate, write the frames, the restart and optionally the final PDB. */
export async function runGoMd(options: GoMdOptions, log: (line: string) => void = () => {}): Promise<MdState> {
  const native = await readCaStructure(options.native);
  const model = buildGoModel(native.positions, { ...CLEMENTI_PARAMETERS, epsilon: options.epsilon });
  const { mass } = model.parameters;
  const state = await initialState(options, native.nAtoms, mass);

  const integrator = new LangevinIntegrator(model, {
    temperature: options.temperature,
    friction: options.friction,
    timestep: options.timestep,
  });
  const stepsPerFrame = options.steps / options.frames;
  const nFrames = options.frames + (options.includeStart ? 1 : 0);
  const output = await outputAtoms(options, native);
  const frameSize = 3 * output.topology.nAtoms;
  const xyz = new Float32Array(nFrames * frameSize);
  let written = 0;
  const record = () => {
    output.write(state.positions, xyz.subarray(written * frameSize, (written + 1) * frameSize));
    written++;
    log(
      [state.step, state.timePs.toFixed(3), integrator.potentialEnergy.toFixed(4),
        kineticTemperature(state.velocities, mass).toFixed(2), nativeContactFraction(model, state.positions).toFixed(3)].join(' '),
    );
  };
  log('# step time_ps potential_kcal_per_mol kinetic_temperature_K Q');
  const firstStep = state.step + (options.includeStart ? 0 : stepsPerFrame);
  if (options.includeStart) {
    integrator.run(state, 0);
    record();
  }
  integrateFrames(integrator, state, options.frames, stepsPerFrame, record);

  if (options.dcd) {
    await writeDcd(
      options.dcd,
      { nFrames, nAtoms: output.topology.nAtoms, xyz },
      { firstStep, stepsPerFrame, timestepPs: options.timestep, title: `we go-model C-alpha, ${options.temperature} K` },
    );
  }
  await writeRestart(options.restartOut, state);
  if (options.pdbOut) {
    const remark = `we go-model, step ${state.step}, ${state.timePs.toFixed(3)} ps, ${options.temperature} K`;
    const final = new Float64Array(frameSize);
    output.write(state.positions, final);
    await writeFile(options.pdbOut, formatPdb(output.topology, final, remark));
  }
  return state;
}

interface OutputAtoms {
  topology: Topology;
  /** Writes the output atoms' coordinates for C-alpha positions `ca`. */
  write(ca: Float64Array, out: Float32Array | Float64Array): void;
}

async function outputAtoms(options: GoMdOptions, native: AtomStructure): Promise<OutputAtoms> {
  if (options.atoms === 'ca') return { topology: native.topology, write: (ca, out) => out.set(ca) };
  const template = await readBackboneTemplate(options.native, native);
  return { topology: template.atoms, write: (ca, out) => rebuildBackbone(template, ca, out) };
}

async function initialState(options: GoMdOptions, nAtoms: number, mass: number): Promise<MdState> {
  if (options.restartIn !== undefined) {
    const state = await readRestart(options.restartIn, nAtoms);
    if (options.seed !== undefined) state.seed = options.seed;
    return state;
  }
  const start = await readCaStructure(options.start as string);
  if (start.nAtoms !== nAtoms) {
    throw new WeError(`holds ${start.nAtoms} CA atoms, expected ${nAtoms} as in the native structure ${options.native}`, options.start);
  }
  return startState(start.positions, options.temperature, mass, options.seed as number);
}
