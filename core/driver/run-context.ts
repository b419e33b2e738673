/** Everything one run needs, built from the validated config and the plugin registry. */
import { availableParallelism } from 'node:os';
import type { RunConfig } from '../config/types.js';
import type { BinMapper, DriverHooks, IterationHooks, PluginRegistry, Resampler, SimulationSpec, Store, WorkManager } from '../plugins.js';
import { createBinMapper, binhash } from '../binning/create.js';
import { createResampler } from '../resampling/create.js';
import { hostPropagator, pickPlugin, propagatorContext, simulationSpec } from '../work/propagator-host.js';
import { expandTargetCounts } from '../config/target-counts.js';
import { journalPath } from './journal.js';
import { statusPath } from './status.js';
import { targetBins } from './recycling.js';

export interface RunContext {
  config: RunConfig;
  /** The simulation as the work manager sends it to workers. */
  simulation: SimulationSpec;
  mapper: BinMapper;
  binhash: string;
  /** Bin of each target state's point; fixed for the run. */
  targetBins: Int32Array;
  targetCounts: Uint32Array;
  resampler: Resampler;
  store: Store;
  journalFile: string;
  statusFile: string;
  /** Created on first use: `we status` and `we truncate` never start one. */
  workManager(): Promise<WorkManager>;
  /**
   * Hooks telling the work manager, and through it the propagators, which iterations are durable
   * (WorkManager.iterationsDurable), and running the propagator's driver hooks (PropagatorPlugin.driverHooks:
   * the driver's own, never a worker's), for RunOptions.hooks; call `iterationsDurable` once more, `final`, when
   * a run ends, so a run with nothing left to do still finishes what an interrupted one left.
   */
  propagatorHooks: IterationHooks;
  iterationsDurable(nextIteration: number, final?: boolean): Promise<void>;
  /**
   * The work manager's part of `iterationsDurable` alone (node outputs gathered or removed), for a run that
   * failed: the driver hooks' scripts then wait for the next run, which runs them first.
   */
  settleOutputs(nextIteration: number): Promise<void>;
  close(): Promise<void>;
}

export async function createRunContext(config: RunConfig, registry: PluginRegistry): Promise<RunContext> {
  const file = config.file;
  const simulation = simulationSpec(config, registry);
  const createWorkManager = pickPlugin(registry.workManagers, config.workManager.name, 'work_manager.name', file);
  const createStore = pickPlugin(registry.stores, config.store.name, 'store.name', file);
  const host = hostPropagator(config, registry);
  const propagatorPlugin = pickPlugin(registry.propagators, config.propagator.name, 'propagator.name', file);
  let driverHooks: Promise<DriverHooks | undefined> | undefined;
  const getDriverHooks = () =>
    (driverHooks ??= propagatorPlugin.driverHooks?.(propagatorContext(config), config.propagator.options) ?? Promise.resolve(undefined));

  const mapper = await createBinMapper(config.binning.mapper, config.pcoord.ndim);
  const store = await createStore({ configFile: file, path: config.store.path, pcoord: config.pcoord }, config.store.options);
  let workManager: Promise<WorkManager> | undefined;
  const getWorkManager = () =>
    (workManager ??= createWorkManager(
      {
        configFile: file,
        simulation,
        slots: config.workManager.slots || availableParallelism(),
        retries: config.workManager.retries,
        pcoord: config.pcoord,
        local: host,
      },
      config.workManager.options,
    ));
  const settleOutputs = async (nextIteration: number, final = false) => {
    await (await getWorkManager()).iterationsDurable?.(nextIteration, final);
  };
  const iterationsDurable = async (nextIteration: number, final = false) => {
    await settleOutputs(nextIteration, final);
    await (await getDriverHooks())?.iterationsDurable?.(nextIteration);
  };
  return {
    config,
    simulation,
    mapper,
    binhash: binhash(mapper),
    targetBins: targetBins(mapper, config.targetStates),
    targetCounts: await expandTargetCounts(config, mapper.nbins),
    resampler: createResampler(config.resampling.name, {}),
    store,
    journalFile: journalPath(config.store.path),
    statusFile: statusPath(config.store.path),
    propagatorHooks: {
      beforeIteration: async (prepared) => {
        await iterationsDurable(prepared.iteration);
        await (await getDriverHooks())?.beforeIteration?.(prepared);
      },
      afterIteration: async (record) => {
        await iterationsDurable(record.next.iteration);
        await (await getDriverHooks())?.afterIteration?.(record);
      },
    },
    iterationsDurable,
    settleOutputs,
    workManager: getWorkManager,
    async close() {
      if (driverHooks) await (await driverHooks)?.close?.();
      if (workManager) await (await workManager).close();
      await host.close();
      await store.close();
    },
  };
}
