/** How a command that failed ends: one `we: error: …` line and the exit status. */
import { CommanderError } from '@commander-js/extra-typings';
import { WeError } from '../core/errors.js';
import { UsageError } from './usage-error.js';

/** Exit status for a command line `we` could not act on; 1 is for work that failed. */
const USAGE_EXIT = 2;

/**
 * Prints `error` and returns the exit status. Stack traces only when asked for (`--debug`, WE_DEBUG=1): users
 * act on the message, developers on the stack.
 */
export function reportFailure(error: unknown, debug: boolean): number {
  if (error instanceof CommanderError) {
    // Help requested, or help printed because no command was given.
    return error.exitCode === 0 ? 0 : USAGE_EXIT;
  }
  const message = error instanceof Error ? error.message : String(error);
  // A configuration error may list several problems, one per line: each line is an error of its own.
  const lines = message.split('\n').map((line) => `we: error: ${line}`);
  if (debug && error instanceof Error && error.stack) lines.push(error.stack);
  else if (!(error instanceof WeError)) lines[lines.length - 1] += ' (--debug or WE_DEBUG=1 shows where)';
  console.error(lines.join('\n'));
  if (error instanceof UsageError) return USAGE_EXIT;
  return 1;
}
