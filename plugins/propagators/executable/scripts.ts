/** The user's scripts as the executable propagator and its iteration scripts find them, and the environment they share. */
import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { configError } from '../../../core/config/config-error.js';
import { OPTIONS_FIELD, type ExecutableOptions } from './options.js';
import { sourcedEnvironment } from './sourced-env.js';

type ScriptOption = 'runseg' | 'get_pcoord' | 'pre_iteration' | 'post_iteration';

async function assertExecutable(path: string, option: ScriptOption, file: string): Promise<void> {
  try {
    await access(path, constants.F_OK);
  } catch {
    throw configError([{ file, field: `${OPTIONS_FIELD}.${option}`, message: `no such file: ${path}` }]);
  }
  try {
    await access(path, constants.X_OK);
  } catch {
    throw configError([{ file, field: `${OPTIONS_FIELD}.${option}`, message: `${path} is not executable (chmod +x it)` }]);
  }
}

/** Absolute path of the script an option names (relative to the simulation root), checked to be executable. */
export async function resolveScript(simRoot: string, options: ExecutableOptions, option: 'runseg', file: string): Promise<string>;
export async function resolveScript(simRoot: string, options: ExecutableOptions, option: ScriptOption, file: string): Promise<string | undefined>;
export async function resolveScript(simRoot: string, options: ExecutableOptions, option: ScriptOption, file: string): Promise<string | undefined> {
  const written = options[option];
  if (written === undefined) return undefined;
  const path = resolve(simRoot, written);
  await assertExecutable(path, option, file);
  return path;
}

/** What every script of the run gets besides its WEST_* variables: the sourced env.sh's variables, then `env`. */
export async function scriptEnvironment(simRoot: string, options: ExecutableOptions, logsDir: string, file: string): Promise<Record<string, string>> {
  const sourced = options.source === undefined ? {} : await sourcedEnvironment(resolve(simRoot, options.source), simRoot, join(logsDir, 'source.log'), file);
  return { ...sourced, ...Object.fromEntries(Object.entries(options.env).map(([k, v]) => [k, String(v)])) };
}
