/** Everything one run needs, built from the validated config and the plugin registry. */
import { availableParallelism } from 'node:os';
import type { RunConfig } from '../config/types.js';
import type {
  BinMapper,
  IterationHooks,
  PluginRegistry,
  ProgressCoordinate,
  Propagator,
  PropagatorContext,
  Resampler,
  Store,
  WorkManager,
} from '../plugins.js';
import { createBinMapper, binhash } from '../binning/create.js';
import { createResampler } from '../resampling/create.js';
import { WeError } from '../errors.js';
import { expandTargetCounts } from './we-step.js';
import { journalPath } from './journal.js';
import { statusPath } from './status.js';
import { targetBins } from './recycling.js';

export interface RunContext {
  config: RunConfig;
  plugins: PropagatorContext;
  mapper: BinMapper;
  binhash: string;
  /** Bin of each target state's point; fixed for the run. */
  targetBins: Int32Array;
  targetCounts: Uint32Array;
  resampler: Resampler;
  store: Store;
  journalFile: string;
  statusFile: string;
  /** Created on first use: `we status` and `we truncate` never start a propagator. */
  propagator(): Promise<Propagator>;
  workManager(): Promise<WorkManager>;
  /**
   * Hooks telling the propagator which iterations are durable (Propagator.iterationsDurable), for
   * RunOptions.hooks; call `iterationsDurable` once more when a run ends, so a run with nothing left to do
   * still finishes what an interrupted one left.
   */
  propagatorHooks: IterationHooks;
  iterationsDurable(nextIteration: number): Promise<void>;
  close(): Promise<void>;
}

function pick<T>(table: Record<string, T>, name: string, field: string, file: string): T {
  const found = table[name];
  if (!found) {
    throw new WeError(`${field}: unknown plugin '${name}'; known: ${Object.keys(table).sort().join(', ')}`, file);
  }
  return found;
}

export async function createRunContext(config: RunConfig, registry: PluginRegistry): Promise<RunContext> {
  const file = config.file;
  const createPropagator = pick(registry.propagators, config.propagator.name, 'propagator.name', file);
  const createWorkManager = pick(registry.workManagers, config.workManager.name, 'work_manager.name', file);
  const createStore = pick(registry.stores, config.store.name, 'store.name', file);
  const createPcoord = config.progressCoordinate
    ? pick(registry.progressCoordinates, config.progressCoordinate.name, 'progress_coordinate.name', file)
    : undefined;

  const mapper = await createBinMapper(config.binning.mapper, config.pcoord.ndim);
  let pcoordPlugin: Promise<ProgressCoordinate> | undefined;
  const plugins: PropagatorContext = {
    config,
    simRoot: config.simRoot,
    pcoord: config.pcoord,
    seed: config.seed,
  };
  if (createPcoord && config.progressCoordinate) {
    const options = config.progressCoordinate.options;
    plugins.progressCoordinate = () => (pcoordPlugin ??= createPcoord(plugins, options));
  }
  const store = await createStore(plugins, config.store.options);
  let propagator: Promise<Propagator> | undefined;
  let workManager: Promise<WorkManager> | undefined;
  const getPropagator = () => (propagator ??= createPropagator(plugins, config.propagator.options));
  const iterationsDurable = async (nextIteration: number) => {
    await (await getPropagator()).iterationsDurable?.(nextIteration);
  };
  return {
    config,
    plugins,
    mapper,
    binhash: binhash(mapper),
    targetBins: targetBins(mapper, config.targetStates),
    targetCounts: expandTargetCounts(config.binning.targetCounts, mapper.nbins, file),
    resampler: createResampler(config.resampling.name, {}),
    store,
    journalFile: journalPath(config.store.path),
    statusFile: statusPath(config.store.path),
    propagator: getPropagator,
    propagatorHooks: {
      beforeIteration: (prepared) => iterationsDurable(prepared.iteration),
      afterIteration: (record) => iterationsDurable(record.next.iteration),
    },
    iterationsDurable,
    workManager: () =>
      (workManager ??= createWorkManager(plugins, getPropagator, {
        ...config.workManager.options,
        slots: config.workManager.slots || availableParallelism(),
        retries: config.workManager.retries,
      })),
    async close() {
      if (workManager) await (await workManager).close();
      if (propagator) await (await propagator).close?.();
      if (pcoordPlugin) await (await pcoordPlugin).close?.();
      await store.close();
    },
  };
}
