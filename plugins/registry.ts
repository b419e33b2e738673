/**
 * The plugins `we` ships, by the names we.yaml uses for them. Each is loaded when a run first asks for it, so
 * an ODLD run never loads onnxruntime and `we status` loads nothing heavy.
 */
import type { PluginRegistry } from '../core/plugins.js';

export const builtinPlugins: PluginRegistry = {
  propagators: {
    // Vectorised in process: a whole iteration is one task unless the work manager wants smaller ones.
    odld: {
      batchSize: Infinity,
      create: async (ctx, options) => (await import('./propagators/odld/odld-propagator.js')).createOdldPropagator(ctx, options),
    },
    // In process, a whole iteration per task: no process per segment.
    'go-model': {
      batchSize: Infinity,
      create: async (ctx, options) => (await import('./propagators/go-model/go-model-propagator.js')).createGoModelPropagator(ctx, options),
    },
    // One run-script process per segment.
    executable: {
      batchSize: 1,
      create: async (ctx, options) => (await import('./propagators/executable/index.js')).createExecutablePropagator(ctx, options),
      driverHooks: async (ctx, options) => (await import('./propagators/executable/index.js')).createExecutableDriverHooks(ctx, options),
    },
  },
  workManagers: {
    local: async (ctx, options) => (await import('./work-managers/local-work-manager.js')).createLocalWorkManager(ctx, options),
    redis: async (ctx, options) => (await import('./work-managers/redis/index.js')).createRedisWorkManagerPlugin(ctx, options),
  },
  stores: {
    westh5: async (ctx, options) => (await import('./stores/westh5/index.js')).createWestH5Store(ctx, options),
  },
  progressCoordinates: {
    onnx: async (ctx, options) => (await import('./pcoord-onnx/index.js')).createOnnxProgressCoordinate(ctx, options),
  },
};
