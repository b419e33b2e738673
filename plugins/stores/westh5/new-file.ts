/** A new HDF5 file (an analysis output) written whole under a temporary name, then renamed into place. */
import { open } from 'node:fs/promises';
import { replaceAtomically } from '../../staging/atomic-file.js';
import { FileWriter } from './file-writer.js';
import { closeHdf5, createHdf5, hdf5Call, loadHdf5 } from './hdf5.js';

/** Runs `write` on a fresh file; `path` is replaced only once the file is complete, and never left half written. */
export async function writeNewHdf5(path: string, what: string, write: (w: FileWriter) => void): Promise<void> {
  await loadHdf5();
  await replaceAtomically(path, async (temporary) => {
    hdf5Call(path, what, () => {
      const file = createHdf5(temporary);
      try {
        write(new FileWriter(file));
      } finally {
        closeHdf5(file);
      }
    });
    const handle = await open(temporary, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  });
}
