/**
 * The `we` command tree: one module per command under cli/commands/, each declaring its arguments, options,
 * defaults and examples, and importing its implementation (cli/actions/) only when it runs, so that start-up
 * stays small for batch jobs and signal races.
 */
import { readFileSync } from 'node:fs';
import { Command, type CommandUnknownOpts } from '@commander-js/extra-typings';
import { completionCommand } from './commands/completion.js';
import { extractCommand } from './commands/extract.js';
import { importCommand } from './commands/import.js';
import { initCommand } from './commands/init.js';
import { modelsCommand } from './commands/models.js';
import { newCommand } from './commands/new.js';
import { pcoordCommand } from './commands/pcoord.js';
import { kineticsCommand } from './commands/kinetics.js';
import { pdistCommand } from './commands/pdist.js';
import { plotCommand } from './commands/plot.js';
import { reportCommand } from './commands/report.js';
import { traceCommand } from './commands/trace.js';
import { runCommand } from './commands/run.js';
import { statusCommand } from './commands/status.js';
import { truncateCommand } from './commands/truncate.js';
import { workerCommand } from './commands/worker.js';
import { submitCommand } from './commands/submit.js';
import { jobsCommand } from './commands/jobs.js';
import { commandLineError } from './command-line-error.js';

/** In the order `we --help` lists them. */
const COMMANDS: readonly (() => CommandUnknownOpts)[] = [
  initCommand,
  runCommand,
  statusCommand,
  truncateCommand,
  pcoordCommand,
  extractCommand,
  pdistCommand,
  kineticsCommand,
  traceCommand,
  workerCommand,
  submitCommand,
  jobsCommand,
  modelsCommand,
  newCommand,
  importCommand,
  completionCommand,
  plotCommand,
  reportCommand,
];

function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

/** The program; `debug` is its own option, accepted before or after the command. */
export function buildProgram(): Command<[], { debug: boolean }> {
  const program = new Command('we')
    .description('Weighted-ensemble simulation (WESTPA-compatible west.h5) for ML-driven molecular simulation.')
    .version(`we ${packageVersion()}`, '-V, --version', 'print the versions of we, Node, onnxruntime and HDF5')
    .option('--debug', 'print the stack trace of a failure (or set WE_DEBUG=1)', false)
    // Failures are printed by reportFailure, one line each; commander only detects them.
    .configureOutput({ outputError: () => {} })
    .configureHelp({ showGlobalOptions: true })
    .exitOverride((error) => {
      throw commandLineError(error, 'we');
    });
  for (const make of COMMANDS) program.addCommand(inheriting(make(), program, 'we'));
  return program;
}

/** A command (and its subcommands: `we jobs cancel`) with the program's output and error handling. */
function inheriting(command: CommandUnknownOpts, parent: CommandUnknownOpts, parentPath: string): CommandUnknownOpts {
  const path = `${parentPath} ${command.name()}`;
  command.copyInheritedSettings(parent);
  command.exitOverride((error) => {
    throw commandLineError(error, path);
  });
  for (const sub of command.commands) inheriting(sub, command, path);
  return command;
}
