export { createExecutablePropagator } from './executable-propagator.js';
export { createExecutableDriverHooks } from './driver-hooks.js';
export type { ExecutableOptions } from './options.js';
