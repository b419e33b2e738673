import { extname } from 'node:path';
import { WeError } from '../../core/errors.js';
import type { Frames } from '../../core/plugins.js';
import { readDcd } from './dcd.js';
import { readAmberNetcdf } from './netcdf.js';
import type { ReadFramesOptions } from './options.js';
import { readPdb } from './pdb.js';

type Reader = (path: string, options: ReadFramesOptions) => Promise<Frames>;

const READERS = new Map<string, Reader>([
  ['.pdb', async (path, options) => (await readPdb(path, options)).frames],
  ['.dcd', readDcd],
  ['.nc', readAmberNetcdf],
  ['.ncdf', readAmberNetcdf],
  ['.netcdf', readAmberNetcdf],
  ['.ncrst', readAmberNetcdf],
]);

export const TRAJECTORY_EXTENSIONS: readonly string[] = [...READERS.keys()];

/** Reads every frame of a structure or trajectory file, choosing the reader by the file's extension. */
export async function readFrames(path: string, options: ReadFramesOptions = {}): Promise<Frames> {
  const extension = extname(path).toLowerCase();
  const reader = READERS.get(extension);
  if (!reader) {
    throw new WeError(
      `unknown trajectory format "${extension || '(no extension)'}", expected one of ${TRAJECTORY_EXTENSIONS.join(', ')}`,
      path,
    );
  }
  return reader(path, options);
}
