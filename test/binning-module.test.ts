import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createBinMapper } from '../core/binning/create.js';
import { walkerSetFrom } from '../core/binning/walkers.js';
import { WeError } from '../core/errors.js';
import { tempDir } from './helpers/temp-dir.js';

const dir = tempDir('binning-module');

function moduleFile(name: string, source: string): string {
  const path = join(dir, name);
  writeFileSync(path, source);
  return path;
}

const thresholdClass = moduleFile(
  'threshold.mjs',
  `export class Threshold {
     constructor(options) { this.at = options.at; this.nbins = 2; this.ndim = 1; }
     assign(walkers, out = new Uint32Array(walkers.n)) {
       for (let i = 0; i < walkers.n; i++) out[i] = walkers.points[i] < this.at ? 0 : 1;
       return out;
     }
     describe() { return { threshold: this.at }; }
   }
   export const notAMapper = 42;`,
);

describe('module bin mapper', () => {
  it('constructs an exported class with the options', async () => {
    const mapper = await createBinMapper({ type: 'module', path: thresholdClass, exportName: 'Threshold', options: { at: 0.5 } }, 1);
    expect(mapper.nbins).toBe(2);
    expect(Array.from(mapper.assign(walkerSetFrom([[0.2], [0.7], [0.5]])))).toEqual([0, 1, 1]);
    expect(mapper.describe()).toEqual({ type: 'module', mapper: { threshold: 0.5 } });
  });

  it('calls an exported (async) factory with the options', async () => {
    const path = moduleFile(
      'factory.mjs',
      `export async function makeMapper({ nbins }) {
         return {
           nbins, ndim: 1,
           assign: (w) => Array.from(w.points, (x) => Math.min(nbins - 1, Math.floor(x))),
           describe: () => ({ nbins }),
         };
       }`,
    );
    const mapper = await createBinMapper({ type: 'module', path, exportName: 'makeMapper', options: { nbins: 3 } }, 1);
    expect(Array.from(mapper.assign(walkerSetFrom([[0.5], [1.5], [9]])))).toEqual([0, 1, 2]);
  });

  it('names the path and every missing member when the export is not a bin mapper', async () => {
    const path = moduleFile(
      'no-assign.mjs',
      `export class Broken { constructor() { this.nbins = 4; } describe() { return {}; } }`,
    );
    const loading = createBinMapper({ type: 'module', path, exportName: 'Broken', options: {} }, 1);
    await expect(loading).rejects.toThrow(WeError);
    await expect(createBinMapper({ type: 'module', path, exportName: 'Broken', options: {} }, 1)).rejects.toThrow(
      `binning.mapper (${path}, export 'Broken'): the mapper is missing or has invalid: ndim (expected a positive integer, found undefined); assign (expected a method, found undefined)`,
    );
  });

  it('names the missing export, the non-function export and the unloadable file', async () => {
    await expect(createBinMapper({ type: 'module', path: thresholdClass, exportName: 'Nope', options: {} }, 1)).rejects.toThrow(
      'no such export (exports: Threshold, notAMapper)',
    );
    await expect(createBinMapper({ type: 'module', path: thresholdClass, exportName: 'notAMapper', options: {} }, 1)).rejects.toThrow(
      'expected a class or factory function, found number',
    );
    const missing = join(dir, 'absent.mjs');
    await expect(createBinMapper({ type: 'module', path: missing, exportName: 'X', options: {} }, 1)).rejects.toThrow(
      `binning.mapper (${missing}): cannot load module`,
    );
  });

  it('checks the pcoord dimensionality and each assign() result', async () => {
    await expect(createBinMapper({ type: 'module', path: thresholdClass, exportName: 'Threshold', options: { at: 0 } }, 2)).rejects.toThrow(
      'the loaded mapper has ndim 1, expected pcoord.ndim = 2',
    );
    const path = moduleFile(
      'overflow.mjs',
      `export const make = () => ({ nbins: 2, ndim: 1, assign: (w) => new Uint32Array(w.n).fill(2), describe: () => ({}) });`,
    );
    const mapper = await createBinMapper({ type: 'module', path, exportName: 'make', options: {} }, 1);
    expect(() => mapper.assign(walkerSetFrom([[0], [1]]))).toThrow('assign() put walker 0 in bin 2, expected an integer in [0, 2)');
  });
});
