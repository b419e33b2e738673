/**
 * The browser builds of vega, vega-lite and vega-embed (which bundles vega-tooltip), read from the installed
 * packages, to be inlined in a report so that it opens with no network.
 */
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Package → its minified UMD build, beside the module build its package.json exports. */
const BUILDS = [
  ['vega', 'vega.min.js'],
  ['vega-lite', 'vega-lite.min.js'],
  ['vega-embed', 'vega-embed.min.js'],
] as const;

export async function browserRuntimes(): Promise<string[]> {
  return Promise.all(BUILDS.map(([pkg, file]) => readFile(join(dirname(fileURLToPath(import.meta.resolve(pkg))), file), 'utf8')));
}
