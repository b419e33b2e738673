/** `we import`: a WESTPA simulation's west.cfg → we.yaml, so that its scripts run under `we` unchanged. */
import { Command, type CommandUnknownOpts } from '@commander-js/extra-typings';
import { examplesHelp } from '../command-parts.js';

const collect = (value: string, previous: string[]) => [...previous, value];

export function importCommand(): CommandUnknownOpts {
  return new Command('import')
    .summary("write the we.yaml of a WESTPA simulation beside its west.cfg, reporting what it could not carry")
    .description(
      "Converts a WESTPA west.cfg into a we.yaml beside it (its folder is WEST_SIM_ROOT, so its run scripts run " +
        'unchanged): pcoord and bins from system_options or, read without running it, from system.py\'s ' +
        'RectilinearBinMapper; target counts, iteration and wallclock limits; the executable propagator (runseg, ' +
        'get_pcoord, pre/post_iteration, environ, datasets, data refs, the env.sh to source); basis and target ' +
        "states as w_init takes them, read from the w_init command of init.sh unless given with w_init's own " +
        'flags. Prints one line per key it could not carry (also kept at the top of we.yaml) and checks that the ' +
        'result loads; exit status 1 when it needs work by hand. See docs/from-westpa.md.',
    )
    .argument('<west.cfg>', "the WESTPA simulation's configuration")
    .option('--out <file>', 'the we.yaml to write, in the folder of west.cfg (a bare name is taken there; default: we.yaml)')
    .option('--force', 'replace an existing we.yaml instead of refusing', false)
    .option('--init <script>', "the script that runs w_init, read for its states, --segs-per-state and the env.sh it sources (default: init.sh beside west.cfg)")
    .option('--bstates-from <file>', "basis states file, 'label probability auxref' lines (w_init's --bstates-from; default: init.sh's)")
    .option('--tstates-from <file>', "target states file, 'label pcoord…' lines (w_init's --tstates-from; default: init.sh's)")
    .option('--bstate <label,prob[,auxref]>', "a basis state, repeatable (w_init's --bstate)", collect, [] as string[])
    .option('--tstate <label,pcoord0[,pcoord1…]>', "a target state, repeatable (w_init's --tstate)", collect, [] as string[])
    .addHelpText(
      'after',
      examplesHelp([
        { does: 'import the simulation in this folder, its states from init.sh', run: 'we import west.cfg' },
        { does: 'say where the states are, as w_init takes them', run: 'we import west.cfg --bstates-from bstates/bstates.txt --tstate bound,2.6' },
        { does: 'then start it as w_init --segs-per-state 5 would', run: 'we init --segs-per-state 5 && we run' },
      ]),
    )
    .action(async (westCfg, { bstate, tstate, ...options }) => {
      process.exitCode = await (await import('../actions/import.js')).importWestCfg(westCfg, { ...options, bstates: bstate, tstates: tstate });
    });
}
