/**
 * Where the running `we` is installed: a clone (run as `node dist/cli/we.js`) or an npm package (`npm install -g`).
 * Its `models/`, `bstates/` and `examples/` are what `we` ships; its `bin/` holds the commands run scripts call.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The nearest directory above this module holding package.json: the same from the sources (core/) and the build (dist/core/). */
function findPackageRoot(): string {
  const here = fileURLToPath(import.meta.url);
  for (let dir = dirname(here); ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) throw new Error(`no package.json in any directory above ${here}`);
  }
}

export const packageRoot = findPackageRoot();

/** `we` and `we-go-md`: what npm links onto the PATH, and what run scripts find first on theirs. */
export const packageBin = join(packageRoot, 'bin');
