#!/usr/bin/env node
/** The `we` command line (the command tree is in program.ts). */
import { CommanderError } from '@commander-js/extra-typings';
import { reportFailure } from './failure.js';
import { buildProgram } from './program.js';

// A reader that stops early (`we jobs | head`) closes the pipe: end as a program killed by SIGPIPE would (exit
// 128 + 13), without a stack trace. Node ignores SIGPIPE, so the closed pipe comes as this error instead.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
  process.exit(141);
});

const program = buildProgram();
program.parseAsync().catch(async (error: unknown) => {
  if (error instanceof CommanderError && error.code === 'commander.version') {
    // Commander printed we's own version; loading the libraries takes a moment, so only now.
    await (await import('./actions/version.js')).printLibraryVersions();
    return;
  }
  process.exitCode = reportFailure(error, program.opts().debug || process.env.WE_DEBUG === '1');
});
