export { createExecutablePropagator } from './executable-propagator.js';
export type { ExecutableOptions } from './options.js';
