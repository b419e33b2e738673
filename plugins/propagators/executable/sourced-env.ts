/**
 * `source: env.sh`: the variables a bash script exports when it is sourced in the simulation root, as WESTPA's
 * job scripts `source env.sh` before `w_run` so that every script the run starts inherits them (module loads,
 * conda environments, paths to engines). Sourced once per process, not once per script: a `module load` or a
 * `conda activate` can take seconds, which would be added to every segment.
 */
import { spawn } from 'node:child_process';
import { constants } from 'node:fs';
import { access, writeFile } from 'node:fs/promises';
import { configError } from '../../../core/config/config-error.js';
import { failureReason } from '../../../core/errors.js';
import { OPTIONS_FIELD } from './options.js';

/** bash prints its environment only once sourcing succeeded; what the script itself prints goes to its log. */
const SOURCE_THEN_PRINT_ENVIRONMENT = '. "$0" >&2 && exec env -0';
/** Set by bash itself rather than by the script; passed on, they would be wrong in a script's own directory. */
const SET_BY_BASH = new Set(['_', 'SHLVL', 'PWD', 'OLDPWD']);
/** Lines of the script's output quoted when sourcing fails. */
const TAIL_LINES = 20;

interface Sourced {
  code: number | null;
  signal: NodeJS.Signals | null;
  environment: Buffer;
  output: string;
}

function sourceWithBash(script: string, cwd: string): Promise<Sourced> {
  return new Promise((resolve, reject) => {
    // stdin from /dev/null: a script waiting for input would otherwise hang the run.
    const child = spawn('bash', ['-c', SOURCE_THEN_PRINT_ENVIRONMENT, script], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    const environment: Buffer[] = [];
    const output: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => environment.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => output.push(chunk));
    child.once('error', reject);
    child.once('close', (code, signal) =>
      resolve({ code, signal, environment: Buffer.concat(environment), output: Buffer.concat(output).toString('utf8') }),
    );
  });
}

/** Each script is sourced once per process, however many parts of the run (propagator, iteration scripts) use it. */
const sourcedByProcess = new Map<string, Promise<Record<string, string>>>();

/**
 * The variables that sourcing `script` (absolute) in `cwd` adds or changes relative to this process's
 * environment; variables it unsets are not carried. Its output goes to `logPath`. `file` is the we.yaml, for errors.
 */
export function sourcedEnvironment(script: string, cwd: string, logPath: string, file: string): Promise<Record<string, string>> {
  const key = `${cwd}\0${script}`;
  let sourced = sourcedByProcess.get(key);
  if (!sourced) {
    sourced = source(script, cwd, logPath, file);
    sourcedByProcess.set(key, sourced);
    // A failure is not remembered: the next attempt (a fixed env.sh) sources it again.
    sourced.catch(() => sourcedByProcess.delete(key));
  }
  return sourced;
}

async function source(script: string, cwd: string, logPath: string, file: string): Promise<Record<string, string>> {
  const field = `${OPTIONS_FIELD}.source`;
  try {
    await access(script, constants.R_OK);
  } catch (err) {
    throw configError([{ file, field, message: `cannot read ${script} (${failureReason(err)})` }]);
  }
  let sourced: Sourced;
  try {
    sourced = await sourceWithBash(script, cwd);
  } catch (err) {
    throw configError([{ file, field, message: `cannot run bash to source ${script} (${failureReason(err)})` }]);
  }
  await writeFile(logPath, sourced.output);
  if (sourced.code !== 0) {
    const how = sourced.signal ? `was killed by ${sourced.signal}` : `exited with code ${sourced.code}`;
    const tail = sourced.output.trimEnd().split('\n').slice(-TAIL_LINES).join('\n') || '(no output)';
    throw configError([{ file, field, message: `sourcing ${script} ${how} (log: ${logPath}); its output ends:\n${tail}` }]);
  }
  if (sourced.environment.length === 0) {
    throw configError([{ file, field, message: `sourcing ${script} ended the shell before it finished (does it call exit?)` }]);
  }
  const changed: Record<string, string> = {};
  for (const entry of sourced.environment.toString('utf8').split('\0')) {
    const eq = entry.indexOf('=');
    if (eq <= 0) continue;
    const name = entry.slice(0, eq);
    const value = entry.slice(eq + 1);
    if (!SET_BY_BASH.has(name) && process.env[name] !== value) changed[name] = value;
  }
  return changed;
}
