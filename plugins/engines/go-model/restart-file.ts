import { readFile, writeFile } from 'node:fs/promises';
import { WeError } from '../../../core/errors.js';
import type { MdState } from './md-state.js';

const FORMAT = 'we-go-model-restart';
const VERSION = 1;

/**
 * Restarts are JSON: JavaScript prints every double in its shortest round-tripping form, so positions and
 * velocities come back bit for bit, and a person can read the file. Written without fsync: a segment cut short
 * by a crash is rerun whole, so its outputs need no durability of their own (and fsync cost more than the MD).
 */
export async function writeRestart(path: string, state: MdState): Promise<void> {
  const body = {
    format: FORMAT,
    version: VERSION,
    nAtoms: state.positions.length / 3,
    step: state.step,
    timePs: state.timePs,
    seed: state.seed,
    positions: Array.from(state.positions),
    velocities: Array.from(state.velocities),
  };
  await writeFile(path, `${JSON.stringify(body)}\n`);
}

export async function readRestart(path: string, expectedAtoms: number): Promise<MdState> {
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>;
  } catch (error) {
    throw new WeError(`cannot read restart: ${(error as Error).message}`, path);
  }
  if (body?.format !== FORMAT || body.version !== VERSION) {
    throw new WeError(`format is ${JSON.stringify(body?.format)} version ${JSON.stringify(body?.version)}, expected "${FORMAT}" version ${VERSION}`, path);
  }
  const integer = (field: string): number => {
    const value = body[field];
    if (!Number.isSafeInteger(value) || (value as number) < 0) {
      throw new WeError(`field ${field} is ${JSON.stringify(value)}, expected a non-negative integer`, path);
    }
    return value as number;
  };
  const vector = (field: string): Float64Array => {
    const value = body[field];
    if (!Array.isArray(value) || value.length !== 3 * expectedAtoms || !value.every((n) => Number.isFinite(n))) {
      const found = Array.isArray(value) ? `${value.length} values (or non-finite ones)` : JSON.stringify(typeof value);
      throw new WeError(`field ${field} holds ${found}, expected ${3 * expectedAtoms} finite numbers (${expectedAtoms} atoms × 3)`, path);
    }
    return Float64Array.from(value as number[]);
  };
  const timePs = body.timePs;
  if (typeof timePs !== 'number' || !Number.isFinite(timePs)) {
    throw new WeError(`field timePs is ${JSON.stringify(timePs)}, expected a finite number`, path);
  }
  return {
    positions: vector('positions'),
    velocities: vector('velocities'),
    step: integer('step'),
    timePs,
    seed: integer('seed'),
  };
}
