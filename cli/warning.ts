/** Warnings: one `we: warning: …` line on stderr each, beside the `we: error: …` lines of cli/failure.ts. */
export function warnOnStderr(message: string): void {
  process.stderr.write(`we: warning: ${message}\n`);
}
