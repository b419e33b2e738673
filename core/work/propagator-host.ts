/**
 * The propagator and progress coordinate of a run, rebuilt from its validated config wherever tasks run: in
 * the driver's process for the local work manager, in `we worker` for remote ones. Both are created on first
 * use, so a process that only schedules never starts either.
 */
import { createHash } from 'node:crypto';
import { hostname } from 'node:os';
import type { RunConfig } from '../config/types.js';
import type { PluginRegistry, ProgressCoordinate, Propagator, PropagatorContext, PropagatorPlugin, SimulationSpec, TaskRunner } from '../plugins.js';
import { WeError } from '../errors.js';
import { executeTask } from './tasks.js';

export interface PropagatorHost extends TaskRunner {
  readonly context: PropagatorContext;
  propagator(): Promise<Propagator>;
  close(): Promise<void>;
}

export function pickPlugin<T>(table: Record<string, T>, name: string, field: string, file: string): T {
  const found = table[name];
  if (!found) {
    throw new WeError(`${field}: unknown plugin '${name}'; known: ${Object.keys(table).sort().join(', ')}`, file);
  }
  return found;
}

function propagatorPlugin(config: RunConfig, registry: PluginRegistry): PropagatorPlugin {
  return pickPlugin(registry.propagators, config.propagator.name, 'propagator.name', config.file);
}

/**
 * A digest of what workers rebuild from the config (propagator, progress coordinate, pcoord shape, seed, basis
 * states, paths), so a worker can tell it reads the same run as the driver. The work manager section is left
 * out: `we run --redis URL` overrides it on the driver only.
 */
export function configDigest(config: RunConfig): string {
  const { file, simRoot, pcoord, seed, basisStates, propagator, progressCoordinate } = config;
  return createHash('sha256')
    .update(JSON.stringify({ file, simRoot, pcoord, seed, basisStates, propagator, progressCoordinate }))
    .digest('hex');
}

/** The simulation as data, for workers to rebuild it from. Checks the plugin names without creating anything. */
export function simulationSpec(config: RunConfig, registry: PluginRegistry): SimulationSpec {
  return {
    configFile: config.file,
    simRoot: config.simRoot,
    seed: config.seed,
    configDigest: configDigest(config),
    batchSize: propagatorPlugin(config, registry).batchSize,
  };
}

/** Where a propagator runs, when not in the driver's process on this host alone. */
export interface Placement {
  /** Names this process's gathered outputs (default: the host name). */
  node?: string;
  gpus?: readonly string[];
  /** A worker of a run shared by several nodes (PropagatorContext.sharedWithNodes). */
  sharedWithNodes?: boolean;
}

/** What the run's propagator is told. */
export function propagatorContext(config: RunConfig, { node = hostname(), gpus, sharedWithNodes }: Placement = {}): PropagatorContext {
  return {
    ...(gpus?.length ? { gpus } : {}),
    ...(sharedWithNodes ? { sharedWithNodes } : {}),
    configFile: config.file,
    simRoot: config.simRoot,
    pcoord: config.pcoord,
    seed: config.seed,
    basisStates: config.basisStates,
    basisStateDir: config.basisStateDir,
    node,
  };
}

export function hostPropagator(config: RunConfig, registry: PluginRegistry, placement: Placement = {}): PropagatorHost {
  const file = config.file;
  const plugin = propagatorPlugin(config, registry);
  const createPcoord = config.progressCoordinate
    ? pickPlugin(registry.progressCoordinates, config.progressCoordinate.name, 'progress_coordinate.name', file)
    : undefined;
  let pcoordPlugin: Promise<ProgressCoordinate> | undefined;
  let propagator: Promise<Propagator> | undefined;
  const context = propagatorContext(config, placement);
  if (createPcoord && config.progressCoordinate) {
    const options = config.progressCoordinate.options;
    context.progressCoordinate = () =>
      (pcoordPlugin ??= createPcoord({ configFile: file, simRoot: config.simRoot, ndim: config.pcoord.ndim }, options));
  }
  const getPropagator = () => (propagator ??= plugin.create(context, config.propagator.options));
  return {
    context,
    propagator: getPropagator,
    async run(kind, task, signal, slot) {
      const site = { propagator: await getPropagator(), propagatorName: config.propagator.name, configFile: file, basisStates: config.basisStates };
      return executeTask(kind, task, site, signal, slot);
    },
    async iterationsDurable(nextIteration, acceptedHere) {
      await (await getPropagator()).iterationsDurable?.(nextIteration, acceptedHere);
    },
    async close() {
      if (propagator) await (await propagator).close?.();
      if (pcoordPlugin) await (await pcoordPlugin).close?.();
    },
  };
}
