/** WESTPA-format west.h5 store: the plugin factory and a read-only accessor. */
export { WestH5Store, createWestH5Store } from './store.js';
export { openWestH5ForRead } from './reader.js';
export type { WestH5Reader } from './reader.js';
