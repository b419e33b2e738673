#!/usr/bin/env node
/** The `we` command line (the command tree is in program.ts). */
import { reportFailure } from './failure.js';
import { buildProgram } from './program.js';

const program = buildProgram();
program.parseAsync().catch((error: unknown) => {
  process.exitCode = reportFailure(error, program.opts().debug || process.env.WE_DEBUG === '1');
});
