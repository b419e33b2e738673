/** How the executable propagator starts scripts: through a launcher per slot (default) or from this process. */
import { configError } from '../../../core/config/config-error.js';
import type { ChildOutcome, ChildSpec } from './child-process-group.js';
import { OPTIONS_FIELD } from './options.js';
import { LauncherStartError, ScriptLauncher } from './script-launcher.js';
import { spawnInProcess } from './spawn-in-process.js';

export interface ScriptStarter {
  run(spec: ChildSpec, slot: number): Promise<ChildOutcome>;
  close(): void;
}

/** `launcher`: the Python that runs the launchers, or `none`. `file`: the we.yaml, for errors. */
export async function createScriptStarter(launcher: string, file: string): Promise<ScriptStarter> {
  if (launcher === 'none') return { run: (spec) => spawnInProcess(spec), close() {} };
  const launchers = new Map<number, Promise<ScriptLauncher>>();
  // A script asked for after close would start a launcher nothing closes, keeping the engine alive.
  let closed = false;
  const start = () =>
    ScriptLauncher.start(launcher).catch((err: unknown) => {
      if (!(err instanceof LauncherStartError)) throw err;
      throw configError([
        {
          file,
          field: `${OPTIONS_FIELD}.launcher`,
          message: `could not start the script launcher (${err.message}); expected a Python >= 3.8, or 'none' to start scripts from this process`,
        },
      ]);
    });
  // A slot runs one segment at a time, so a launcher that died (killed, out of memory) is replaced only once.
  const forSlot = async (slot: number): Promise<ScriptLauncher> => {
    if (closed) throw new Error('the script launchers are closed');
    const current = launchers.get(slot);
    if (current && (await current).alive) return current;
    const started = start();
    launchers.set(slot, started);
    return started;
  };
  // Slot 0 now, so that a missing Python is reported before any segment runs.
  await forSlot(0);
  return {
    run: async (spec, slot) => (await forSlot(slot)).run(spec),
    close() {
      closed = true;
      for (const started of launchers.values()) void started.then((l) => l.close(), () => {});
    },
  };
}
