/**
 * Names in the shared `traj_segs` tree, following WESTPA's default data refs
 * (`traj_segs/{n_iter:06d}/{seg_id:06d}`), plus one gathered tar per node and iteration.
 */
import { WeError } from '../../core/errors.js';

export const TRAJ_SEGS = 'traj_segs';

/** `%06d`, as WESTPA formats iteration numbers and segment ids in data refs. */
export function sixDigits(value: number, field: string): string {
  if (!Number.isSafeInteger(value) || value < 0) throw new WeError(`expected a non-negative integer, found ${value}`, field);
  return String(value).padStart(6, '0');
}

/** `000001/000003`: a segment's directory relative to `traj_segs`, and its member prefix in a gathered tar. */
export function segmentRelativePath(iteration: number, segId: number): string {
  return `${sixDigits(iteration, 'iteration')}/${sixDigits(segId, 'segment id')}`;
}

export function assertNodeName(nodeName: string): void {
  if (nodeName === '' || nodeName === '.' || nodeName === '..' || /[/\0]/.test(nodeName)) {
    throw new WeError(`expected a node name without "/" (e.g. the host name), found ${JSON.stringify(nodeName)}`, 'node name');
  }
}

export function iterationTarName(iteration: number, nodeName: string): string {
  assertNodeName(nodeName);
  return `iter_${sixDigits(iteration, 'iteration')}.${nodeName}.tar`;
}

/** True when `fileName` is a gathered tar of `iteration` (from any node). */
export function isIterationTarName(fileName: string, iteration: number): boolean {
  const prefix = `iter_${sixDigits(iteration, 'iteration')}.`;
  return fileName.startsWith(prefix) && fileName.endsWith('.tar') && fileName.length > prefix.length + '.tar'.length;
}
