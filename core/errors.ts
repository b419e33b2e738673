/**
 * One error type for everything a user can get wrong. `where` names the file (and line:column, or field)
 * so that the CLI can print a single actionable line without a stack trace.
 */
export class WeError extends Error {
  constructor(
    message: string,
    readonly where?: string,
  ) {
    super(where ? `${where}: ${message}` : message);
    this.name = 'WeError';
  }
}

/**
 * A failure that would only happen again on a retry: a run script that is missing or not executable, a model that
 * does not fit the run (dimensions, atom count), a configuration mistake. Work managers fail it at once.
 */
export class PermanentError extends WeError {}

/** What to show of a failed system call: its errno name (ENOENT, EACCES, ...), else the message. */
export function failureReason(e: unknown): string {
  return (e as NodeJS.ErrnoException).code ?? (e as Error).message;
}
