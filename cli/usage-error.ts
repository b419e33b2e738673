/** A command line `we` cannot act on (unknown command or option, a malformed value): exit status 2, not 1. */
import { WeError } from '../core/errors.js';

export class UsageError extends WeError {
  override readonly name = 'UsageError';
}
