#!/usr/bin/env node
/** The `we` command line: init, run, status, truncate, pcoord, extract. */
import { parseArgs } from 'node:util';
import { WeError } from '../core/errors.js';
import { parseWallclock } from '../core/config/wallclock.js';

const USAGE = `usage: we <command> [options]

commands:
  init [--force]                                  embed basis states, bin them, write iteration 1 to west.h5
  run [--max-iter N] [--max-wallclock HH:MM:SS]   run iterations, resuming where the last run stopped
  status [--json]                                 iteration, walkers, bins, weights, fluxes (reads we-status.json)
  truncate N                                      remove iterations > N and leave N prepared (as w_truncate)
  pcoord --model DIR FILE...                      print progress coordinates of structures/trajectories, a row per frame
  extract ITER SEG [FILE]                         print a segment's file from the gathered tars (list files without FILE)

options:
  -c, --config FILE   the simulation's we.yaml (default: ./we.yaml)
  -h, --help`;

function wallclockSeconds(text: string): number {
  const seconds = parseWallclock(text);
  if (seconds === undefined) throw new WeError(`--max-wallclock: expected HH:MM:SS or D-HH:MM:SS, got '${text}'`);
  return seconds;
}

function positiveInteger(text: string, flag: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new WeError(`${flag}: expected a positive integer, got '${text}'`);
  return n;
}

function nonNegativeInteger(text: string, flag: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0) throw new WeError(`${flag}: expected a segment id (an integer >= 0), got '${text}'`);
  return n;
}

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      config: { type: 'string', short: 'c', default: 'we.yaml' },
      force: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      'max-iter': { type: 'string' },
      'max-wallclock': { type: 'string' },
      model: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const [command, ...rest] = positionals;
  if (values.help || !command) {
    console.log(USAGE);
    return command || values.help ? 0 : 2;
  }
  const config = values.config!;
  switch (command) {
    // Each command loads only its own code: start-up time is what a batch job and a signal race see.
    case 'init':
      await (await import('./commands/init.js')).initCommand(config, values.force!);
      return 0;
    case 'run':
      return (await import('./commands/run.js')).runCommand(config, {
        ...(values['max-iter'] !== undefined ? { maxIterations: positiveInteger(values['max-iter'], '--max-iter') } : {}),
        ...(values['max-wallclock'] !== undefined ? { maxWallclock: wallclockSeconds(values['max-wallclock']) } : {}),
      });
    case 'status':
      await (await import('./commands/status.js')).statusCommand(config, values.json!);
      return 0;
    case 'truncate':
      if (rest.length !== 1) throw new WeError('truncate: expected one iteration number, e.g. `we truncate 10`');
      await (await import('./commands/truncate.js')).truncateCommand(config, positiveInteger(rest[0], 'truncate N'));
      return 0;
    case 'pcoord':
      if (!values.model || rest.length === 0) throw new WeError('pcoord: expected --model DIR and at least one structure or trajectory file');
      await (await import('./commands/pcoord.js')).pcoordCommand(values.model, rest);
      return 0;
    case 'extract':
      if (rest.length < 2 || rest.length > 3) throw new WeError('extract: expected ITER SEG [FILE], e.g. `we extract 12 5 seg.dcd`');
      await (await import('./commands/extract.js')).extractCommand(config, positiveInteger(rest[0], 'extract ITER'), nonNegativeInteger(rest[1], 'extract SEG'), rest[2]);
      return 0;
    default:
      throw new WeError(`unknown command '${command}'\n${USAGE}`);
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof WeError || (error as { code?: string }).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
      console.error(`we: error: ${(error as Error).message}`);
    } else {
      console.error(error);
    }
    process.exitCode = 1;
  },
);
