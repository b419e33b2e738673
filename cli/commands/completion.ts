/** `we completion bash|zsh`: a completion script generated from the command tree itself. */
import { Argument, Command, type CommandUnknownOpts } from '@commander-js/extra-typings';
import { examplesHelp } from '../command-parts.js';

export function completionCommand(): CommandUnknownOpts {
  return new Command('completion')
    .summary('print a bash or zsh completion script for we')
    .description(
      'Prints a completion script for commands, options, their choices and file arguments, generated from the ' +
        "commands' declarations. It runs no `we` process when TAB is pressed.",
    )
    .addArgument(new Argument('<shell>', 'the shell to complete in').choices(['bash', 'zsh'] as const))
    .addHelpText(
      'after',
      examplesHelp([
        { does: 'complete in bash (add to ~/.bashrc)', run: 'eval "$(we completion bash)"' },
        { does: 'complete in zsh: save into a directory of $fpath', run: 'we completion zsh > ~/.zsh/completions/_we' },
      ]),
    )
    .action(async (shell, _options, command) => {
      const { completionTree } = await import('../completion/tree.js');
      const tree = completionTree(command.parent!);
      const generate = shell === 'bash' ? (await import('../completion/bash.js')).bashCompletion : (await import('../completion/zsh.js')).zshCompletion;
      process.stdout.write(generate(tree));
    });
}
