/**
 * The plugins `we` ships, as data: each we.yaml plugin field's names and option schemas, for config loading
 * to check every choice at `init` as at `run` (core/config/plugin-catalog.ts). It imports only the option
 * schemas, never a plugin's code: `we status` loads nothing heavy. Keep the names as plugins/registry.ts's.
 */
import type { PluginCatalog } from '../core/config/plugin-catalog.js';
import { onnxOptions } from './pcoord-onnx/options.js';
import { executableOptions } from './propagators/executable/options.js';
import { goModelOptions } from './propagators/go-model/options.js';
import { odldOptions } from './propagators/odld/options.js';
import { westh5Options } from './stores/westh5/options.js';
import { localOptions } from './work-managers/local-options.js';
import { redisOptions } from './work-managers/redis/options.js';

export const pluginCatalog: PluginCatalog = {
  propagator: { odld: odldOptions, 'go-model': goModelOptions, executable: executableOptions },
  progress_coordinate: { onnx: onnxOptions },
  work_manager: { local: localOptions, redis: redisOptions },
  store: { westh5: westh5Options },
};
