/** Directory listing where a directory not yet made (no iteration gathered, no segment run) means no entries. */
import { readdir } from 'node:fs/promises';

export async function entriesOrNone(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}
