import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { TextDecoder } from 'node:util';
import { WeError } from '../../core/errors.js';
import type { Frames } from '../../core/plugins.js';
import { parseDcd } from './dcd.js';
import { parseAmberNetcdf } from './netcdf.js';
import type { ReadFramesOptions } from './options.js';
import { parsePdb } from './pdb.js';

type Parser = (bytes: Uint8Array, source: string, options: ReadFramesOptions) => Frames;

const PARSERS = new Map<string, Parser>([
  ['.pdb', (bytes, source, options) => parsePdb(new TextDecoder().decode(bytes), source, options).frames],
  ['.dcd', parseDcd],
  ['.nc', parseAmberNetcdf],
  ['.ncdf', parseAmberNetcdf],
  ['.netcdf', parseAmberNetcdf],
  ['.ncrst', parseAmberNetcdf],
]);

export const TRAJECTORY_EXTENSIONS: readonly string[] = [...PARSERS.keys()];

function parserFor(source: string): Parser {
  const extension = extname(source).toLowerCase();
  const parser = PARSERS.get(extension);
  if (!parser) {
    throw new WeError(
      `unknown trajectory format "${extension || '(no extension)'}", expected one of ${TRAJECTORY_EXTENSIONS.join(', ')}`,
      source,
    );
  }
  return parser;
}

/** Reads every frame of a structure or trajectory file, choosing the reader by the file's extension. */
export async function readFrames(path: string, options: ReadFramesOptions = {}): Promise<Frames> {
  const parser = parserFor(path);
  return parser(await readFile(path), path, options);
}

/** Every frame of a structure or trajectory held in memory (e.g. a tar member); `source`'s extension picks the format. */
export function parseFrames(bytes: Uint8Array, source: string, options: ReadFramesOptions = {}): Frames {
  return parserFor(source)(bytes, source, options);
}
