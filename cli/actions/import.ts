/**
 * `we import west.cfg [--out we.yaml]` (declared in cli/commands/import.ts): writes the we.yaml of a WESTPA
 * simulation beside its west.cfg, so that its scripts run unchanged, and reports every west.cfg key it could
 * not carry. It never replaces an existing file unless --force, and checks that the result loads as `we init`
 * would load it.
 */
import { randomInt } from 'node:crypto';
import { existsSync } from 'node:fs';
import { open, readFile } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { parseConfigText } from '../../core/config/load.js';
import { failureReason, WeError } from '../../core/errors.js';
import { UsageError } from '../usage-error.js';
import { parseExecutableOptions } from '../../plugins/propagators/executable/options.js';
import { writeFileAtomic } from '../../plugins/staging/atomic-file.js';
import { convertWestCfg, type ImportRequest } from '../westpa/convert.js';
import type { StateSources } from '../westpa/convert-states.js';
import { readInitScript, type InitScript } from '../westpa/w-init-script.js';
import { formatReportLine, weYamlText } from '../westpa/we-yaml-text.js';

export interface ImportFlags {
  out?: string;
  force: boolean;
  /** The script that runs w_init (default: init.sh beside west.cfg, when there is one). */
  init?: string;
  bstatesFrom?: string;
  tstatesFrom?: string;
  bstates: string[];
  tstates: string[];
}

/** Seeds are 32-bit so that they also fit tools that read them as C ints. */
const SEED_LIMIT = 2 ** 31;

interface InitScriptRead {
  shown: string;
  read: InitScript;
}

function initScript(simRoot: string, flags: ImportFlags): InitScriptRead | undefined {
  const script = flags.init === undefined ? join(simRoot, 'init.sh') : resolve(flags.init);
  if (flags.init === undefined && !existsSync(script)) return undefined;
  if (!existsSync(script)) throw new WeError('--init: no such file', flags.init);
  return { shown: relative(process.cwd(), script) || basename(script), read: readInitScript(script, simRoot) };
}

/**
 * The env.sh the simulation's scripts expect to have been sourced: the first file init.sh sources, else env.sh
 * beside west.cfg (WESTPA's tutorials source it from init.sh and run.sh).
 */
function envScript(simRoot: string, init: InitScriptRead | undefined): ImportRequest['envScript'] {
  const first = init?.read.sourced[0];
  if (first && existsSync(resolve(simRoot, first.value))) return { path: first.value, origin: `${init.shown}:${first.line} source ${first.value}` };
  if (existsSync(join(simRoot, 'env.sh'))) return { path: 'env.sh', origin: 'env.sh beside west.cfg' };
  return undefined;
}

/** Whether the we.yaml loads as `we init` loads it, and its propagator's options are valid; the problem if not. */
async function loadProblem(text: string, out: string): Promise<string | undefined> {
  try {
    const config = await parseConfigText(text, out);
    if (config.propagator.name === 'executable') parseExecutableOptions(config.propagator.options, out);
    return undefined;
  } catch (err) {
    if (err instanceof WeError) return err.message;
    throw err;
  }
}

async function writeNew(path: string, text: string, force: boolean): Promise<void> {
  if (force) return writeFileAtomic(path, text);
  // O_EXCL: a file that appeared since the check above is not replaced either.
  const handle = await open(path, 'wx').catch((err: NodeJS.ErrnoException) => {
    throw new WeError(err.code === 'EEXIST' ? 'exists; pass --force to replace it' : `cannot write (${failureReason(err)})`, path);
  });
  try {
    await handle.writeFile(text);
  } finally {
    await handle.close();
  }
}

/** Returns the exit code: 0 when we.yaml was written and loads, 1 when it was written but needs hand work. */
export async function importWestCfg(cfgPath: string, flags: ImportFlags): Promise<number> {
  const cfgFile = resolve(cfgPath);
  const simRoot = dirname(cfgFile);
  // A bare file name is taken in the simulation's folder, wherever the command runs.
  const out = flags.out === undefined || basename(flags.out) === flags.out ? join(simRoot, flags.out ?? 'we.yaml') : resolve(flags.out);
  if (dirname(out) !== simRoot) {
    throw new UsageError(`--out: we.yaml goes in the simulation's folder ${simRoot} (west.cfg's, which is WEST_SIM_ROOT for its scripts); got ${out}`);
  }
  if (existsSync(out) && !flags.force) throw new WeError('exists; pass --force to replace it', relative(process.cwd(), out) || out);
  let cfgText: string;
  try {
    cfgText = await readFile(cfgFile, 'utf8');
  } catch (err) {
    throw new WeError(`cannot read the WESTPA configuration (${failureReason(err)})`, cfgPath);
  }
  const init = initScript(simRoot, flags);
  const states: StateSources = {
    flags: { bstatesFrom: flags.bstatesFrom, tstatesFrom: flags.tstatesFrom, bstates: flags.bstates, tstates: flags.tstates },
    ...(init?.read.wInit ? { init: { shown: init.shown, args: init.read.wInit } } : {}),
  };
  const result = convertWestCfg({ cfgText, cfgShown: cfgPath, simRoot, states, envScript: envScript(simRoot, init), seed: randomInt(SEED_LIMIT) });
  const header = [
    `Imported by \`we import\` from ${basename(cfgFile)} (WESTPA); the comment on a value says where it came from.`,
    'seed: chosen at random by the import (WESTPA has none); a run with the same seed is the same run.',
  ];
  const text = weYamlText(result.weYaml, result.origin, header, result.report);
  const problem = await loadProblem(text, out);
  await writeNew(out, text, flags.force);
  const shownOut = relative(process.cwd(), out) || out;
  console.log(`wrote ${shownOut} from ${cfgPath}`);
  if (result.report.length) {
    console.log(`not carried, or carried differently (${result.report.length}):`);
    for (const line of result.report) console.log(`  ${formatReportLine(line)}`);
  }
  if (problem !== undefined) {
    console.log(`${shownOut} does not load yet; fix it by hand:\n${problem}`);
    return 1;
  }
  const config = basename(out) === 'we.yaml' ? '' : ` -c ${basename(out)}`;
  const segs = result.segsPerState && result.segsPerState > 1 ? ` --segs-per-state ${result.segsPerState}` : '';
  const where = simRoot === process.cwd() ? '' : ` (in ${relative(process.cwd(), simRoot)})`;
  console.log(`next: we init${config}${segs}, then we run${config}${where}`);
  return 0;
}
