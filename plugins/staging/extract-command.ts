/**
 * `we extract ITER SEG [FILE]`: one segment's outputs, wherever they are kept: in an iteration's gathered
 * per-node tars (only tars that have an index count as gathered) or, for runs without staging, in the plain
 * `traj_segs/%06d/%06d` directory.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { WeError } from '../../core/errors.js';
import { IndexedTar } from './indexed-tar.js';
import { entriesOrNone } from './list-dir.js';
import { isIterationTarName, segmentRelativePath, TRAJ_SEGS } from './layout.js';
import { canonicalMemberPath } from './member-path.js';
import { suggestionText } from './similar-names.js';

export type ExtractResult =
  | { kind: 'list'; source: string; files: string[] }
  | { kind: 'file'; source: string; file: string; data: Buffer };

/** Files under `dir`, as `/`-separated paths relative to it (empty if it does not exist). */
async function filesUnder(dir: string): Promise<string[]> {
  try {
    const entries = await readdir(dir, { recursive: true, withFileTypes: true });
    return entries
      .filter((entry) => !entry.isDirectory())
      .map((entry) => relative(dir, join(entry.parentPath, entry.name)).split('\\').join('/'))
      .sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

/** Where a segment's files were found, able to read one of them. */
export interface SegmentSource {
  source: string;
  files: string[];
  read(file: string): Promise<Buffer>;
  close(): Promise<void>;
}

async function findInGatheredTars(tarPaths: string[], prefix: string): Promise<SegmentSource | null> {
  for (const tarPath of tarPaths) {
    const tar = await IndexedTar.open(tarPath);
    const files = tar.paths().filter((path) => path.startsWith(prefix)).map((path) => path.slice(prefix.length)).sort();
    if (files.length > 0) return { source: tarPath, files, read: (file) => tar.read(prefix + file), close: () => tar.close() };
    await tar.close();
  }
  return null;
}

async function findInDirectory(segmentDir: string): Promise<SegmentSource | null> {
  const files = await filesUnder(segmentDir);
  if (files.length === 0) return null;
  return { source: segmentDir, files, read: (file) => readFile(join(segmentDir, ...file.split('/'))), close: async () => undefined };
}

/**
 * Where segment `seg` of iteration `iter` keeps its files: the gathered tar holding them, else its plain
 * directory. A WeError naming the places searched when neither has it. Close the result after use.
 */
export async function findSegmentFiles(simRoot: string, iter: number, seg: number): Promise<SegmentSource> {
  const trajSegs = join(simRoot, TRAJ_SEGS);
  const relativeDir = segmentRelativePath(iter, seg);
  const names = await entriesOrNone(trajSegs);
  const iterationTars = names.filter((name) => isIterationTarName(name, iter)).sort();
  const gathered = iterationTars.filter((name) => names.includes(`${name}.idx.json`)).map((name) => join(trajSegs, name));
  const segmentDir = join(trajSegs, ...relativeDir.split('/'));

  const found = (await findInGatheredTars(gathered, `${relativeDir}/`)) ?? (await findInDirectory(segmentDir));
  if (found === null) {
    const ungathered = iterationTars.filter((name) => !names.includes(`${name}.idx.json`));
    const note = ungathered.length > 0 ? `; tars without an index (not gathered yet): ${ungathered.join(', ')}` : '';
    throw new WeError(`segment ${seg} of iteration ${iter} not found; searched ${[...gathered, segmentDir].join(', ')}${note}`, trajSegs);
  }
  return found;
}

/**
 * Lists segment `seg` of iteration `iter` (paths relative to the segment directory) or, with `file`, returns
 * that file's bytes. The caller prints. Unknown segments and files raise a WeError naming what exists.
 */
export async function extractCommand(simRoot: string, iter: number, seg: number, file?: string): Promise<ExtractResult> {
  const wanted = file === undefined ? undefined : canonicalMemberPath(file, 'we extract FILE');
  const found = await findSegmentFiles(simRoot, iter, seg);
  try {
    if (wanted === undefined) return { kind: 'list', source: found.source, files: found.files };
    if (!found.files.includes(wanted)) {
      throw new WeError(`segment ${seg} of iteration ${iter} has no file ${JSON.stringify(wanted)}; ${suggestionText(wanted, found.files)}`, found.source);
    }
    return { kind: 'file', source: found.source, file: wanted, data: await found.read(wanted) };
  } finally {
    await found.close();
  }
}
