/** Binary data goes to a file or a pipe, never to a terminal, where it would garble the screen. */
import { UsageError } from './usage-error.js';

/** Git's test: a NUL byte within the first 8000 bytes. */
export function looksBinary(data: Uint8Array): boolean {
  return data.subarray(0, 8000).includes(0);
}

/** `what` names the data, `redirect` shows the command with its output redirected to a file. */
export function refuseTerminal(what: string, redirect: string): void {
  if (process.stdout.isTTY) {
    throw new UsageError(`refusing to write ${what} (binary) to the terminal; redirect it to a file: ${redirect}`);
  }
}

export function writeBinary(data: Uint8Array, what: string, redirect: string): void {
  refuseTerminal(what, redirect);
  process.stdout.write(data);
}
