/**
 * A west.h5 written in WESTPA's own layout by test/fixtures/westpa-layout/make-west-h5.py (Debian's h5py), in a
 * temporary folder beside the we.yaml of the same system, as a WESTPA user would bring it to `we`.
 */
import { execa } from 'execa';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './cli.js';
import { systemPython } from './h5py.js';
import { tempDir } from './temp-dir.js';

export const westpaLayoutDir = join(repoRoot, 'test/fixtures/westpa-layout');

export interface WestpaLayoutOptions {
  /** Completed iterations (west_current_iteration is one more); default 20. */
  iterations?: number;
  seed?: number;
  /** Bin target count, written into the we.yaml too; default 4. */
  walkersPerBin?: number;
  /** Segments of the current iteration marked complete, as a WESTPA run killed inside it leaves them. */
  partial?: number;
}

/** A new folder holding `west.h5` (WESTPA's layout) and `we.yaml`; returns the folder. */
export async function westpaLayoutRun(options: WestpaLayoutOptions = {}): Promise<string> {
  const dir = tempDir('westpa-layout');
  const args = [join(westpaLayoutDir, 'make-west-h5.py'), join(dir, 'west.h5')];
  if (options.iterations !== undefined) args.push('--iterations', String(options.iterations));
  if (options.seed !== undefined) args.push('--seed', String(options.seed));
  if (options.walkersPerBin !== undefined) args.push('--walkers-per-bin', String(options.walkersPerBin));
  if (options.partial !== undefined) args.push('--partial', String(options.partial));
  const made = await execa(systemPython, args, { reject: false, all: true });
  if (made.exitCode !== 0) throw new Error(`make-west-h5.py failed: ${made.all}`);
  copyFileSync(join(westpaLayoutDir, 'we.yaml'), join(dir, 'we.yaml'));
  if (options.walkersPerBin !== undefined) {
    const yaml = readFileSync(join(dir, 'we.yaml'), 'utf8');
    writeFileSync(join(dir, 'we.yaml'), yaml.replace(/^ {2}target_counts: \d+$/m, `  target_counts: ${options.walkersPerBin}`));
  }
  return dir;
}
