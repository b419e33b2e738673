/** A structure or trajectory file's bytes, with a failure to read named as the file and its reason. */
import { readFile } from 'node:fs/promises';
import { failureReason, WeError } from '../../core/errors.js';

export async function readInput(path: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (e) {
    throw new WeError(`cannot read the file (${failureReason(e)})`, path);
  }
}
