/** The plugins `we` ships, by the names we.yaml uses for them. */
import type { PluginRegistry } from '../core/plugins.js';
import { createOdldPropagator } from './propagators/odld/odld-propagator.js';
import { createExecutablePropagator } from './propagators/executable/index.js';
import { createLocalWorkManager } from './work-managers/local-work-manager.js';
import { createWestH5Store } from './stores/westh5/index.js';
import { createOnnxProgressCoordinate } from './pcoord-onnx/index.js';

export const builtinPlugins: PluginRegistry = {
  propagators: { odld: createOdldPropagator, executable: createExecutablePropagator },
  workManagers: { local: createLocalWorkManager },
  stores: { westh5: createWestH5Store },
  progressCoordinates: { onnx: createOnnxProgressCoordinate },
};
