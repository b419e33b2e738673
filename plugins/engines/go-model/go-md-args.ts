import { parseArgs } from 'node:util';
import { WeError } from '../../../core/errors.js';
import { CLEMENTI_PARAMETERS } from './go-model.js';

export interface GoMdOptions {
  native: string;
  /** Exactly one of `start` (a PDB) and `restartIn`. */
  start?: string;
  restartIn?: string;
  restartOut: string;
  dcd?: string;
  /** Final structure as a PDB (how basis states are made). */
  pdbOut?: string;
  steps: number;
  frames: number;
  /** Atoms written to the DCD and the PDB: the simulated C-alphas, or backbone atoms rebuilt around them. */
  atoms: 'ca' | 'backbone';
  /** Write the starting structure as frame 0 too (F + 1 frames). */
  includeStart: boolean;
  temperature: number;
  /** Required with `start`; with `restartIn` it defaults to the restart's seed, continuing its noise stream. */
  seed?: number;
  timestep: number;
  friction: number;
  epsilon: number;
  /** Print one line per frame (time, energies, temperature, Q). */
  log: boolean;
}

export const USAGE = `usage: we-go-md --native native.pdb (--start start.pdb | --restart-in parent.rst) --restart-out seg.rst
                [--dcd seg.dcd] [--pdb-out final.pdb] [--atoms ca|backbone] --steps N --frames F [--include-start]
                [--temperature K=300] [--seed S] [--timestep PS=0.005] [--friction PER_PS=1]
                [--epsilon KCAL_PER_MOL=${CLEMENTI_PARAMETERS.epsilon}] [--quiet]`;

/** Parses we-go-md's command line; every problem is a WeError naming the option and what it expected. */
export function parseGoMdArgs(argv: string[]): GoMdOptions {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        native: { type: 'string' },
        start: { type: 'string' },
        'restart-in': { type: 'string' },
        'restart-out': { type: 'string' },
        dcd: { type: 'string' },
        'pdb-out': { type: 'string' },
        steps: { type: 'string' },
        frames: { type: 'string' },
        atoms: { type: 'string' },
        'include-start': { type: 'boolean' },
        temperature: { type: 'string' },
        seed: { type: 'string' },
        timestep: { type: 'string' },
        friction: { type: 'string' },
        epsilon: { type: 'string' },
        quiet: { type: 'boolean' },
      },
    }));
  } catch (error) {
    throw new WeError(`${(error as Error).message}\n${USAGE}`);
  }
  const text = (name: string): string | undefined => values[name] as string | undefined;
  const required = (name: string): string => {
    const value = text(name);
    if (value === undefined || value === '') throw new WeError(`--${name} is missing, expected a value\n${USAGE}`);
    return value;
  };
  const number = (name: string, fallback: number | undefined, check: (n: number) => boolean, expected: string): number => {
    const raw = text(name);
    if (raw === undefined && fallback !== undefined) return fallback;
    const value = raw === undefined ? NaN : Number(raw);
    if (raw === undefined || raw.trim() === '' || !check(value)) {
      throw new WeError(`--${name} is ${raw === undefined ? 'missing' : `"${raw}"`}, expected ${expected}`);
    }
    return value;
  };
  const positive = (n: number) => Number.isFinite(n) && n > 0;
  const positiveInteger = (n: number) => Number.isSafeInteger(n) && n > 0;

  const start = text('start');
  const restartIn = text('restart-in');
  if ((start === undefined) === (restartIn === undefined)) {
    throw new WeError(`expected exactly one of --start and --restart-in, got ${start === undefined ? 'neither' : 'both'}\n${USAGE}`);
  }
  const steps = number('steps', undefined, positiveInteger, 'a positive integer');
  const frames = number('frames', undefined, positiveInteger, 'a positive integer');
  if (steps % frames !== 0) {
    throw new WeError(`--steps ${steps} is not a multiple of --frames ${frames}, expected frames evenly spaced in steps`);
  }
  const seedGiven = text('seed') !== undefined;
  if (start !== undefined && !seedGiven) {
    throw new WeError('--seed is missing, expected a non-negative integer (e.g. $WEST_RAND32) when starting from --start');
  }
  const atoms = text('atoms') ?? 'ca';
  if (atoms !== 'ca' && atoms !== 'backbone') throw new WeError(`--atoms is "${atoms}", expected ca or backbone`);
  return {
    native: required('native'),
    start,
    restartIn,
    restartOut: required('restart-out'),
    dcd: text('dcd'),
    pdbOut: text('pdb-out'),
    steps,
    frames,
    atoms,
    includeStart: values['include-start'] === true,
    temperature: number('temperature', 300, positive, 'a temperature in K above 0'),
    seed: seedGiven ? number('seed', undefined, (n) => Number.isSafeInteger(n) && n >= 0, 'a non-negative integer') : undefined,
    timestep: number('timestep', 0.005, positive, 'a time step in ps above 0'),
    friction: number('friction', 1, (n) => Number.isFinite(n) && n >= 0, 'a collision rate in 1/ps, 0 or more'),
    epsilon: number('epsilon', CLEMENTI_PARAMETERS.epsilon, positive, 'an energy in kcal/mol above 0'),
    log: values.quiet !== true,
  };
}
