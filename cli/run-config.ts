/** we.yaml as every command reads it: with `we`'s plugin catalog, so plugin names and options are checked as it loads. */
import { resolve } from 'node:path';
import { loadConfig } from '../core/config/load.js';
import type { RunConfig } from '../core/config/types.js';
import { pluginCatalog } from '../plugins/catalog.js';

export function loadRunConfig(configPath: string): Promise<RunConfig> {
  return loadConfig(resolve(configPath), pluginCatalog);
}
