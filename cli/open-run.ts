/** Loading we.yaml and building the run context every command starts from. */
import { createRunContext, type RunContext } from '../core/driver/run-context.js';
import { builtinPlugins } from '../plugins/registry.js';
import { loadRunConfig } from './run-config.js';

/** `redisUrl` (`we run --redis URL`): the run's tasks go through that server, whatever work_manager says. */
export async function openRun(configPath: string, redisUrl?: string): Promise<RunContext> {
  const config = await loadRunConfig(configPath);
  if (redisUrl !== undefined) {
    const options = config.workManager.name === 'redis' ? config.workManager.options : {};
    config.workManager = { ...config.workManager, name: 'redis', options: { ...options, url: redisUrl } };
  }
  return createRunContext(config, builtinPlugins);
}
