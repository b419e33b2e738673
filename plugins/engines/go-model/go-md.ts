#!/usr/bin/env node
/**
 * Command-line C-alpha Go-model MD for WESTPA-style run scripts: one segment per call, e.g.
 *   node go-md.js --native native.pdb --restart-in $WEST_PARENT_DATA_REF/seg.rst --restart-out seg.rst \
 *     --dcd seg.dcd --steps 2000 --frames 10 --temperature 300 --seed $WEST_RAND32
 */
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { WeError } from '../../../core/errors.js';
import { parseGoMdArgs } from './go-md-args.js';
import { runGoMd } from './run-go-md.js';

export async function main(argv: string[]): Promise<number> {
  try {
    const options = parseGoMdArgs(argv);
    await runGoMd(options, options.log ? (line) => process.stdout.write(`${line}\n`) : undefined);
    return 0;
  } catch (error) {
    const message = error instanceof WeError ? error.message : fileErrorMessage(error);
    if (message === undefined) throw error;
    process.stderr.write(`go-md: ${message}\n`);
    return 2;
  }
}

/** A missing or unreadable input file is the user's mistake: one line naming it, no stack trace. */
function fileErrorMessage(error: unknown): string | undefined {
  const { code, path } = error as NodeJS.ErrnoException;
  return code && path ? `${path}: cannot open (${code}), expected a readable file` : undefined;
}

if (process.argv[1] && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = await main(process.argv.slice(2));
}
