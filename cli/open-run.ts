/** Loading we.yaml and building the run context every command that writes the simulation starts from. */
import { createRunContext, type RunContext } from '../core/driver/run-context.js';
import { lockSimulation, type SimulationLock } from '../core/simulation-lock.js';
import { builtinPlugins } from '../plugins/registry.js';
import { loadRunConfig } from './run-config.js';
import { warnOnStderr } from './warning.js';

export interface OpenedRun extends RunContext {
  /** Held until close: no other `we` command writes the simulation meanwhile. */
  lock: SimulationLock;
}

export interface OpenOptions {
  /** Take the simulation's lock even from a holder that cannot be checked from here. */
  forceUnlock: boolean;
  /** `we run --redis URL`: the run's tasks go through that server, whatever work_manager says. */
  redisUrl?: string;
}

/** Takes the simulation's lock before anything is touched (see core/simulation-lock.ts); close releases it. */
export async function openRun(configPath: string, options: OpenOptions): Promise<OpenedRun> {
  const config = await loadRunConfig(configPath);
  const lock = lockSimulation(config.store.path, {
    command: ['we', ...process.argv.slice(2)].join(' '),
    forceUnlock: options.forceUnlock,
    onTakeover: warnOnStderr,
  });
  if (options.redisUrl !== undefined) {
    const workManagerOptions = config.workManager.name === 'redis' ? config.workManager.options : {};
    config.workManager = { ...config.workManager, name: 'redis', options: { ...workManagerOptions, url: options.redisUrl } };
  }
  let ctx: RunContext;
  try {
    ctx = await createRunContext(config, builtinPlugins);
  } catch (error) {
    lock.release();
    throw error;
  }
  return {
    ...ctx,
    lock,
    async close() {
      try {
        await ctx.close();
      } finally {
        lock.release();
      }
    },
  };
}
