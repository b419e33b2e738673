/**
 * The PATH run scripts see: this installation's bin/ first, so that `we-go-md` (and `we`) resolve by name to the
 * installation running the simulation, for an npm-installed `we` and for `node dist/cli/we.js` in a clone alike,
 * whatever the PATH of the shell or batch job that started `we run`.
 */
import { delimiter } from 'node:path';
import { packageBin } from '../../../core/installation.js';

/** `inherited`: the PATH the scripts would otherwise get (we.yaml's `env.PATH`, else the engine's own). */
export function scriptPath(inherited: string | undefined): string {
  return inherited ? `${packageBin}${delimiter}${inherited}` : packageBin;
}
