/** Pieces the command declarations share, so that every command spells them, and shows them in help, alike. */
import { Option } from '@commander-js/extra-typings';

/** Every command that works on a simulation finds it through its we.yaml. */
export function configOption() {
  return new Option('-c, --config <file>', "the simulation's we.yaml (its directory is the simulation root)").default('we.yaml');
}

/** Every command that writes the simulation takes its lock (west.h5.lock; see core/simulation-lock.ts). */
export function forceUnlockOption() {
  return new Option(
    '--force-unlock',
    "take the simulation's lock from a holder on another host (or an unreadable lock) that you know is gone; a holder on this host is checked, and taken over if gone",
  ).default(false);
}

/** The "Examples:" section of a command's help: each example is a comment saying what it does, then the command. */
export function examplesHelp(examples: readonly { does: string; run: string }[]): string {
  return `\nExamples:\n${examples.map(({ does, run }) => `  # ${does}\n  ${run}`).join('\n')}`;
}

/** Analysis commands read any west.h5 in WESTPA's layout, as WESTPA's tools' -W does. */
export function westH5Option() {
  return new Option('-W, --west-h5 <file>', "analyse this west.h5 (ours or WESTPA's) instead of the run of --config (no we.yaml needed)");
}
