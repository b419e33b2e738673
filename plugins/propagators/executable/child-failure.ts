/** Turns a script that did not finish cleanly into one WeError that says what happened and shows the log's end. */
import { PermanentError, WeError } from '../../../core/errors.js';
import { logTail } from './log-tail.js';
import type { ChildOutcome } from './child-process-group.js';

const SPAWN_ERRORS: Record<string, string> = {
  ENOENT: 'could not be started: no such file',
  EACCES: 'could not be started: it is not executable (chmod +x it)',
  ENOEXEC: 'could not be started: it is not a program (does it start with #!?)',
};

function whatHappened(outcome: ChildOutcome, timeoutSeconds: number | undefined): string | undefined {
  if (outcome.spawnError) return SPAWN_ERRORS[outcome.spawnError] ?? `could not be started (${outcome.spawnError})`;
  if (outcome.lost) return `was lost (${outcome.lost}); its process group was killed`;
  if (outcome.timedOut) return `timed out after ${timeoutSeconds} s (its process group was killed, ${outcome.killedBy ?? 'exit code ' + outcome.exitCode})`;
  if (outcome.cancelled) return 'was cancelled (its process group was killed)';
  if (outcome.killedBy) return `was killed by signal ${outcome.killedBy}`;
  if (outcome.exitCode !== 0) return `exited with code ${outcome.exitCode}`;
  return undefined;
}

/** Throws unless the script exited with code 0. `context` is e.g. `iteration 3, segment 7`. */
export async function assertSucceeded(
  outcome: ChildOutcome,
  script: string,
  logPath: string,
  context: string,
  timeoutSeconds: number | undefined,
): Promise<void> {
  const problem = whatHappened(outcome, timeoutSeconds);
  if (problem === undefined) return;
  if (outcome.spawnError) {
    // A missing or non-executable script fails the same way on a retry; a launcher that died may not.
    const Failure = outcome.spawnError in SPAWN_ERRORS ? PermanentError : WeError;
    throw new Failure(`${context}: the script ${problem}`, script);
  }
  const tail = await logTail(logPath);
  throw new WeError(`${context}: ${script} ${problem}\n--- last 20 lines of the log ---\n${tail}`, logPath);
}
