/**
 * The rest of `we --version` (commander prints we's own): the runtime and the libraries that compute the
 * user's progress coordinates and write west.h5, which is what a bug report needs.
 */
import { failureReason } from '../../core/errors.js';

/** A library that cannot load is reported on its line, not as a failure: --version is how one finds out. */
async function versionOf(load: () => Promise<string>): Promise<string> {
  try {
    return await load();
  } catch (e) {
    return `unavailable (${failureReason(e)})`;
  }
}

export async function printLibraryVersions(): Promise<void> {
  const onnxruntime = await versionOf(async () => (await import('onnxruntime-node')).env.versions.node ?? 'unknown');
  const hdf5 = await versionOf(async () => (await import('../../plugins/stores/westh5/hdf5.js')).hdf5LibraryVersion());
  console.log(`node ${process.versions.node}\nonnxruntime ${onnxruntime} (onnxruntime-node)\nHDF5 ${hdf5} (h5wasm)`);
}
