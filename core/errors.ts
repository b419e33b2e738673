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

/** What to show of a failed system call: its errno name (ENOENT, EACCES, ...), else the message. */
export function failureReason(e: unknown): string {
  return (e as NodeJS.ErrnoException).code ?? (e as Error).message;
}
