/**
 * Indexed per-node tars (after MuMMI's pytaridx): many small segment files packed into one tar with a JSON
 * index of member offsets beside it, so that a single member is read with one seek instead of a scan.
 * One-shot helpers here; open an `IndexedTar` to read many members of the same tar.
 */
import { writeFileAtomic } from './atomic-file.js';
import { indexPathFor, loadTarIndex, scanTar, type TarIndex, type TarMember } from './tar-index.js';
import { IndexedTar } from './tar-reader.js';

export { packDirectory, type PackOptions } from './tar-pack.js';
export { IndexedTar } from './tar-reader.js';
export { indexPathFor, type TarIndex, type TarMember } from './tar-index.js';

async function withTar<T>(tarPath: string, use: (tar: IndexedTar) => Promise<T>): Promise<T> {
  const tar = await IndexedTar.open(tarPath);
  try {
    return await use(tar);
  } finally {
    await tar.close();
  }
}

export function readMember(tarPath: string, memberPath: string): Promise<Buffer> {
  return withTar(tarPath, (tar) => tar.read(memberPath));
}

/** Extracts one member under `destDir` at its member path; returns the path written. */
export function extractMember(tarPath: string, memberPath: string, destDir: string): Promise<string> {
  return withTar(tarPath, (tar) => tar.extract(memberPath, destDir));
}

export async function listMembers(tarPath: string): Promise<TarMember[]> {
  return [...(await loadTarIndex(tarPath)).members];
}

/** Indexes a tar made elsewhere (e.g. by `tar cf`), checking every member for confinement first. */
export async function indexTar(tarPath: string): Promise<TarIndex> {
  const index = await scanTar(tarPath);
  await writeFileAtomic(indexPathFor(tarPath), JSON.stringify(index));
  return index;
}
