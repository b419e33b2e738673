/**
 * What shell completion needs to know of the command tree, read from commander's declarations so that the
 * scripts never drift from the commands. A value or argument completes as a path when its placeholder is
 * `<file>`, `<file...>` or `<dir>` (also as one alternative, `<name|dir>`), and from its choices when it
 * declares some.
 */
import type { Argument, CommandUnknownOpts, Option } from '@commander-js/extra-typings';

export type ValueKind = (
  | { kind: 'file' }
  | { kind: 'dir' }
  | { kind: 'choices'; choices: readonly string[] }
  /** The names of the commands (the argument of `we help`). */
  | { kind: 'command' }
  | { kind: 'text' }
) & {
  /** The placeholder in help (`N`, `HH:MM:SS`, `file`). */
  label: string;
};

export interface CompletionOption {
  /** `-c`, `--config`. */
  names: string[];
  description: string;
  /** Absent for a flag that takes no value. */
  value?: ValueKind;
}

export interface CompletionCommand {
  name: string;
  description: string;
  options: CompletionOption[];
  /** One per positional argument; the last repeats when `variadic`. */
  args: ValueKind[];
  variadic: boolean;
}

export interface CompletionTree {
  program: string;
  /** The program's own options, accepted before and after a command. */
  globalOptions: CompletionOption[];
  commands: CompletionCommand[];
}

function kindOf(label: string, choices: readonly string[] | undefined): ValueKind {
  if (choices) return { kind: 'choices', choices, label };
  const alternatives = label.split('|');
  for (const path of ['file', 'dir'] as const) if (alternatives.includes(path)) return { kind: path, label };
  return { kind: 'text', label };
}

function optionOf(option: Option): CompletionOption {
  const names = [option.short, option.long].filter((n): n is string => n !== undefined);
  const placeholder = /[<[]([^>\]]+?)(?:\.\.\.)?[>\]]/.exec(option.flags)?.[1];
  return {
    names,
    description: option.description,
    ...(placeholder !== undefined ? { value: kindOf(placeholder, option.argChoices) } : {}),
  };
}

function argumentKind(argument: Argument): ValueKind {
  return kindOf(argument.name(), argument.argChoices);
}

export function completionTree(program: CommandUnknownOpts): CompletionTree {
  const help = program.createHelp();
  const commands = help.visibleCommands(program).map((command): CompletionCommand => {
    const args = command.registeredArguments;
    return {
      name: command.name(),
      description: command.summary() || command.description(),
      options: help.visibleOptions(command).map(optionOf),
      // The implicit `help [command]` has no declaration of its own to read.
      args: command.name() === 'help' ? [{ kind: 'command', label: 'command' }] : args.map(argumentKind),
      variadic: args.at(-1)?.variadic ?? false,
    };
  });
  return { program: program.name(), globalOptions: help.visibleOptions(program).map(optionOf), commands };
}
