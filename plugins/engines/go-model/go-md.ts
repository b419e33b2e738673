/**
 * Command-line C-alpha Go-model MD for WESTPA-style run scripts, installed as `we-go-md` (bin/we-go-md): one
 * segment per call, e.g.
 *   we-go-md --native native.pdb --restart-in $WEST_PARENT_DATA_REF/seg.rst --restart-out seg.rst \
 *     --dcd seg.dcd --steps 2000 --frames 10 --temperature 300 --seed $WEST_RAND32
 */
import { WeError } from '../../../core/errors.js';
import { parseGoMdArgs, USAGE } from './go-md-args.js';
import { runGoMd } from './run-go-md.js';

export async function main(argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  try {
    const options = parseGoMdArgs(argv);
    await runGoMd(options, options.log ? (line) => process.stdout.write(`${line}\n`) : undefined);
    return 0;
  } catch (error) {
    const message = error instanceof WeError ? error.message : fileErrorMessage(error);
    if (message === undefined) throw error;
    process.stderr.write(`we-go-md: ${message}\n`);
    return 2;
  }
}

/** A missing or unreadable input file is the user's mistake: one line naming it, no stack trace. */
function fileErrorMessage(error: unknown): string | undefined {
  const { code, path } = error as NodeJS.ErrnoException;
  return code && path ? `${path}: cannot open (${code}), expected a readable file` : undefined;
}
