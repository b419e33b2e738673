/**
 * One trajectory along a walker's lineage: each segment's trajectory file (plain under traj_segs/, or a member of
 * the iteration's gathered per-node tar, read by offset), read in whatever format the run wrote, frames appended
 * oldest first and written as one DCD (what VMD and PyMOL load beside a topology).
 */
import { extname } from 'node:path';
import { WeError } from '../../core/errors.js';
import type { Frames } from '../../core/plugins.js';
import { encodeDcd } from '../engines/go-model/dcd-writer.js';
import { writeFileAtomic } from '../staging/atomic-file.js';
import { findSegmentFiles } from '../staging/extract-command.js';
import { parseFrames, TRAJECTORY_EXTENSIONS } from './read-frames.js';

export interface LineageFrames extends Frames {
  /** Frames contributed by each segment, in lineage order. */
  framesPerSegment: number[];
  /** The file name read in each segment's directory. */
  file: string;
}

/** The segment's trajectory file: `name` when given, else its one file in a trajectory format. */
function chooseFile(files: string[], name: string | undefined, where: string): string {
  if (name !== undefined) {
    if (!files.includes(name)) throw new WeError(`has no ${name} (its files: ${files.join(', ') || 'none'})`, where);
    return name;
  }
  const candidates = files.filter((f) => TRAJECTORY_EXTENSIONS.includes(extname(f).toLowerCase()) && extname(f).toLowerCase() !== '.pdb');
  if (candidates.length !== 1) {
    const found = candidates.length ? `several: ${candidates.join(', ')}` : `none among ${files.join(', ') || 'no files'}`;
    throw new WeError(`which file is the trajectory? found ${found}; name it with --traj FILE`, where);
  }
  return candidates[0];
}

export async function lineageFrames(simRoot: string, steps: readonly { iteration: number; segment: number }[], name?: string): Promise<LineageFrames> {
  const parts: Frames[] = [];
  let file = name;
  for (const { iteration, segment } of steps) {
    let source;
    try {
      source = await findSegmentFiles(simRoot, iteration, segment);
    } catch (error) {
      if (!(error instanceof WeError)) throw error;
      throw new WeError(`the trajectory of iteration ${iteration}, segment ${segment} is gone (${error.message}); nothing was written`);
    }
    try {
      const where = `${source.source} (iteration ${iteration}, segment ${segment})`;
      file = chooseFile(source.files, file, where);
      const frames = parseFrames(await source.read(file), `${where}: ${file}`);
      if (parts.length && frames.nAtoms !== parts[0].nAtoms) {
        throw new WeError(`has ${frames.nAtoms} atoms per frame; the lineage's earlier segments have ${parts[0].nAtoms}`, `${where}: ${file}`);
      }
      parts.push(frames);
    } finally {
      await source.close();
    }
  }
  const nAtoms = parts[0]?.nAtoms ?? 0;
  const nFrames = parts.reduce((sum, p) => sum + p.nFrames, 0);
  const xyz = new Float32Array(nFrames * nAtoms * 3);
  let at = 0;
  for (const p of parts) {
    xyz.set(p.xyz, at);
    at += p.xyz.length;
  }
  return { nFrames, nAtoms, xyz, framesPerSegment: parts.map((p) => p.nFrames), file: file ?? '' };
}

/** Writes the frames as a DCD under a temporary name, renamed into place once complete. */
export async function writeLineageDcd(path: string, frames: Frames, title: string): Promise<void> {
  if (extname(path).toLowerCase() !== '.dcd') throw new WeError(`expected a .dcd file name (the lineage is written as DCD), got '${path}'`, '--export');
  const bytes = encodeDcd(frames, { firstStep: 0, stepsPerFrame: 1, timestepPs: 0, title });
  await writeFileAtomic(path, Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
}
