/**
 * `we new DIR --from EXAMPLE` | `we new DIR --model NAME [--bstates SET]` (declared in cli/commands/new.ts): a ready
 * simulation directory. It is
 * written beside DIR and moved into place at the end, so a failure leaves nothing half-written.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rename, rm } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { suggestKey } from '../../core/config/unknown-keys.js';
import { WeError } from '../../core/errors.js';
import { packageRoot } from '../../core/installation.js';
import { isName, shownPath } from '../../core/named-resources.js';
import { copySimulation, type Copied } from '../new/copy-simulation.js';
import { writeModelSimulation } from '../new/model-simulation.js';

export interface NewOptions {
  /** A shipped example's name, or a simulation directory's path. */
  from?: string;
  model?: string;
  bstates?: string;
}

const EXAMPLES = join(packageRoot, 'examples');

async function shippedExamples(): Promise<string[]> {
  return (await readdir(EXAMPLES)).filter((name) => existsSync(join(EXAMPLES, name, 'we.yaml'))).sort();
}

async function exampleDir(written: string): Promise<string> {
  const dir = isName(written) ? join(EXAMPLES, written) : resolve(written);
  if (existsSync(join(dir, 'we.yaml'))) return dir;
  if (!isName(written)) throw new WeError(`--from: ${written} holds no we.yaml, expected a simulation directory`);
  const known = await shippedExamples();
  const suggestion = suggestKey(written, known);
  throw new WeError(
    `--from: no example '${written}' in ${shownPath(EXAMPLES)}; ${suggestion ? `did you mean '${suggestion}'?` : `expected one of: ${known.join(', ')}`}`,
  );
}

async function requireEmptyOrAbsent(dir: string): Promise<void> {
  let entries: string[];
  try {
    entries = await readdir(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
    if ((e as NodeJS.ErrnoException).code === 'ENOTDIR') throw new WeError('exists and is not a directory', dir);
    throw e;
  }
  if (entries.length > 0) throw new WeError(`is not empty (${entries.length} entries); \`we new\` writes only into a new or empty directory`, dir);
}

function report(dir: string, source: string, copied?: Copied): string[] {
  return [
    `wrote ${dir}/ ${source}`,
    ...(copied?.rewrites.map((r) => `  we.yaml ${r.field}: ${r.from} -> ${r.to} (outside the copied directory, so made absolute)`) ?? []),
    ...(copied?.warnings.map((w) => `  warning: ${w}`) ?? []),
    `next: cd ${dir} && we init && we run`,
  ];
}

export async function newSimulation(dir: string, options: NewOptions): Promise<void> {
  if ((options.from === undefined) === (options.model === undefined)) {
    throw new WeError('new: expected exactly one of --from EXAMPLE and --model NAME, e.g. `we new sim --from go-chignolin`');
  }
  if (options.bstates !== undefined && options.model === undefined) throw new WeError('new: --bstates goes with --model');
  const dest = resolve(dir);
  await requireEmptyOrAbsent(dest);
  await mkdir(dirname(dest), { recursive: true });
  const staging = await mkdtemp(join(dirname(dest), '.we-new-'));
  const building = join(staging, 'simulation');
  try {
    let lines: string[];
    if (options.from !== undefined) {
      const src = await exampleDir(options.from);
      lines = report(dir, `from ${shownPath(src)}`, await copySimulation(src, building));
    } else {
      const made = await writeModelSimulation(building, options.model!, options.bstates);
      lines = report(dir, `around model ${made.model.shown} with basis states ${made.set.shown}; target: its reference's latent point (${made.target.map((x) => x.toFixed(4)).join(', ')})`);
    }
    // rename(2) also replaces an empty directory, so an empty DIR is taken as well as a new one.
    await rename(building, dest).catch((e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOTEMPTY' || e.code === 'EEXIST') throw new WeError('was written to while `we new` ran; nothing was written there', dest);
      throw e;
    });
    console.log(lines.join('\n'));
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}
