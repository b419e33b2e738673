/**
 * Records of node outputs that will not be gathered: `traj_segs/iter_NNNNNN.<node>.lost.json`, written when a
 * node that ran accepted segments of an iteration is gone before it gathered them (its restarts reached the
 * shared file system when its results were accepted, so the run went on; the rest of its outputs are lost).
 * A node that comes back and gathers after all removes its record. `we status` lists them and `we extract`
 * names them, so nobody looks for those files in vain.
 */
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from './atomic-file.js';
import { assertNodeName, sixDigits, TRAJ_SEGS } from './layout.js';
import { entriesOrNone } from './list-dir.js';

export interface LostOutputs {
  iteration: number;
  node: string;
  /** Segment ids whose accepted outputs were on the node. */
  segments: number[];
  reason: string;
  /** When the loss was found (ISO 8601). */
  detected: string;
}

const SUFFIX = '.lost.json';

function recordName(iteration: number, node: string): string {
  assertNodeName(node);
  return `iter_${sixDigits(iteration, 'iteration')}.${node}${SUFFIX}`;
}

export async function recordLostOutputs(sharedRoot: string, lost: LostOutputs): Promise<string> {
  const path = join(sharedRoot, TRAJ_SEGS, recordName(lost.iteration, lost.node));
  await writeFileAtomic(path, `${JSON.stringify(lost)}\n`);
  return path;
}

/** The node gathered the iteration after all. */
export async function clearLostOutputs(sharedRoot: string, iteration: number, node: string): Promise<void> {
  await rm(join(sharedRoot, TRAJ_SEGS, recordName(iteration, node)), { force: true });
}

/** Every record (of one iteration, if given), by iteration then node; unreadable records are skipped. */
export async function readLostOutputs(sharedRoot: string, iteration?: number): Promise<LostOutputs[]> {
  const dir = join(sharedRoot, TRAJ_SEGS);
  const names = await entriesOrNone(dir);
  const prefix = iteration === undefined ? 'iter_' : `iter_${sixDigits(iteration, 'iteration')}.`;
  const records: LostOutputs[] = [];
  for (const name of names.filter((n) => n.startsWith(prefix) && n.endsWith(SUFFIX)).sort()) {
    try {
      records.push(JSON.parse(await readFile(join(dir, name), 'utf8')) as LostOutputs);
    } catch {
      // Being replaced, or not ours: nothing to report from it.
    }
  }
  return records;
}
