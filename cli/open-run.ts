/** Loading we.yaml and building the run context every command starts from. */
import { resolve } from 'node:path';
import { loadConfig } from '../core/config/load.js';
import { createRunContext, type RunContext } from '../core/driver/run-context.js';
import { builtinPlugins } from '../plugins/registry.js';

export async function openRun(configPath: string): Promise<RunContext> {
  const config = await loadConfig(resolve(configPath));
  return createRunContext(config, builtinPlugins);
}
