/**
 * The executable propagator's iteration scripts (pre_iteration, post_iteration), which the driver runs itself:
 * built from the same options as the propagator, but without one, so that a driver whose segments run on
 * workers still runs them once, on its own node.
 */
import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { DriverHooks, PropagatorContext } from '../../../core/plugins.js';
import { IterationScripts } from './iteration-scripts.js';
import { parseExecutableOptions } from './options.js';
import { createScriptStarter } from './script-starter.js';
import { resolveScript, scriptEnvironment } from './scripts.js';
import { terminateGroup } from './child-process-group.js';

export async function createExecutableDriverHooks(ctx: PropagatorContext, rawOptions: Record<string, unknown>): Promise<DriverHooks | undefined> {
  const file = ctx.configFile;
  const options = parseExecutableOptions(rawOptions, file);
  const preIteration = await resolveScript(ctx.simRoot, options, 'pre_iteration', file);
  const postIteration = await resolveScript(ctx.simRoot, options, 'post_iteration', file);
  if (!preIteration && !postIteration) return undefined;
  const logsDir = resolve(ctx.simRoot, options.logs);
  await mkdir(logsDir, { recursive: true });
  const env = await scriptEnvironment(ctx.simRoot, options, logsDir, file);
  const starter = await createScriptStarter(options.launcher, file);
  const running = new Set<number>();
  return new IterationScripts({
    preIteration,
    postIteration,
    simRoot: ctx.simRoot,
    logsDir,
    seed: ctx.seed,
    env,
    start: (spec) => starter.run({ ...spec, running }, 0),
    close() {
      for (const group of running) terminateGroup(group);
      starter.close();
    },
  });
}
