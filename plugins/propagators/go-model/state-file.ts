/**
 * The final MD states of a task's segments, one binary file per task in the iteration's folder, which the next
 * iteration's segments continue from. Binary float64 so states come back bit for bit; one file per task rather
 * than per segment, since an iteration of a few hundred segments would otherwise leave a few hundred files.
 */
import { mkdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { WeError } from '../../../core/errors.js';
import { writeFileAtomic } from '../../staging/atomic-file.js';
import { entriesOrNone } from '../../staging/list-dir.js';
import type { MdState } from '../../engines/go-model/md-state.js';

const MAGIC = 'WEGOST01';
const HEADER_BYTES = 16;
const FILE_NAME = /^go-states\.(\d+)-(\d+)\.bin$/;

/** Where iteration `iteration`'s states are kept, under the simulation root. */
export function iterationStatesDir(simRoot: string, iteration: number): string {
  return join(simRoot, 'traj_segs', String(iteration).padStart(6, '0'));
}

function recordLength(nAtoms: number): number {
  return 4 + 6 * nAtoms;
}

/**
 * Writes the states of segments `segIds` (in order) durably, and removes files an earlier attempt of this
 * iteration left for overlapping segments (tasks split otherwise then), so each segment has one state.
 */
export async function writeStates(dir: string, segIds: Int32Array, states: readonly MdState[]): Promise<void> {
  const nAtoms = states[0].positions.length / 3;
  const first = segIds[0];
  const last = segIds[segIds.length - 1];
  const values = new Float64Array(states.length * recordLength(nAtoms));
  states.forEach((state, i) => {
    const at = i * recordLength(nAtoms);
    values.set([segIds[i], state.seed, state.step, state.timePs], at);
    values.set(state.positions, at + 4);
    values.set(state.velocities, at + 4 + 3 * nAtoms);
  });
  const header = Buffer.alloc(HEADER_BYTES);
  header.write(MAGIC, 0, 'ascii');
  header.writeUInt32LE(nAtoms, 8);
  header.writeUInt32LE(states.length, 12);
  const name = `go-states.${first}-${last}.bin`;
  await mkdir(dir, { recursive: true });
  await writeFileAtomic(join(dir, name), Buffer.concat([header, Buffer.from(values.buffer)]));
  for (const other of await entriesOrNone(dir)) {
    const range = FILE_NAME.exec(other);
    if (range && other !== name && Number(range[1]) <= last && Number(range[2]) >= first) {
      await rm(join(dir, other), { force: true });
    }
  }
}

/** Every state kept in `dir`, by segment id; a file of another shape is an error naming it. */
export async function readStates(dir: string, nAtoms: number): Promise<Map<number, MdState>> {
  const states = new Map<number, MdState>();
  for (const name of await entriesOrNone(dir)) {
    if (!FILE_NAME.test(name)) continue;
    const path = join(dir, name);
    const bytes = await readFile(path);
    const count = bytes.length >= HEADER_BYTES ? bytes.readUInt32LE(12) : -1;
    const length = recordLength(nAtoms);
    if (bytes.toString('ascii', 0, 8) !== MAGIC || bytes.readUInt32LE(8) !== nAtoms || bytes.length !== HEADER_BYTES + count * length * 8) {
      throw new WeError(`not a go-model state file of ${nAtoms} atoms (damaged, or written for another system)`, path);
    }
    const values = new Float64Array(bytes.buffer.slice(bytes.byteOffset + HEADER_BYTES, bytes.byteOffset + bytes.length));
    for (let i = 0; i < count; i++) {
      const at = i * length;
      states.set(values[at], {
        seed: values[at + 1],
        step: values[at + 2],
        timePs: values[at + 3],
        positions: values.slice(at + 4, at + 4 + 3 * nAtoms),
        velocities: values.slice(at + 4 + 3 * nAtoms, at + length),
      });
    }
  }
  return states;
}
