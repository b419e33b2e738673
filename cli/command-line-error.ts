/** Commander's parse errors, reworded as the one-line usage errors `we` prints. */
import { CommanderError } from '@commander-js/extra-typings';
import { UsageError } from './usage-error.js';

/** Exits commander reports that are not mistakes: help or version shown (status 0). */
function isRequestedExit(error: CommanderError): boolean {
  return error.exitCode === 0 || error.code === 'commander.help';
}

/** Commander's two lines (`error: unknown command 'statsu'` and `(Did you mean status?)`) as one. */
function oneLine(message: string): string {
  return message
    .replace(/^error: /, '')
    .replace(/\n\(Did you mean (one of )?(.+)\?\)$/, (_, oneOf: string | undefined, names: string) =>
      `; did you mean ${oneOf ?? ''}${names.split(', ').map((n) => `'${n}'`).join(', ')}?`,
    )
    .replace(/\.$/, '');
}

/**
 * What to throw for commander's exit `error` in the command `commandPath` (`we run`): help and version exits
 * go on unchanged, mistakes become a UsageError pointing at that command's help.
 */
export function commandLineError(error: CommanderError, commandPath: string): Error {
  if (isRequestedExit(error)) return error;
  return new UsageError(`${oneLine(error.message)} (see '${commandPath} --help')`);
}
