/** A `we` command running in the background (a driver or a worker) whose output a test watches. */
import { execa, type ResultPromise } from 'execa';
import { weBin } from './cli.js';

export class WeProcess {
  output = '';
  readonly child: ResultPromise<{ all: true; reject: false }>;

  constructor(args: string[], cwd: string, env: Record<string, string> = {}) {
    this.child = execa('node', [weBin, ...args], { cwd, env, all: true, reject: false });
    this.child.all.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
  }

  get pid(): number {
    if (this.child.pid === undefined) throw new Error('the process did not start');
    return this.child.pid;
  }

  /** Waits until the output matches (polling), failing with the output after `seconds`. */
  async waitFor(pattern: RegExp, seconds = 60): Promise<RegExpMatchArray> {
    for (let waited = 0; waited < seconds * 1000; waited += 50) {
      const match = pattern.exec(this.output);
      if (match) return match;
      if (this.child.exitCode !== null) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`no ${pattern} in the output of we (exit ${this.child.exitCode}):\n${this.output}`);
  }

  /** Sends SIGKILL or SIGTERM and waits for the exit: the signal that ended the process, if one did. */
  async stop(signal: 'SIGKILL' | 'SIGTERM'): Promise<string | undefined> {
    this.child.kill(signal);
    return (await this.child).signal;
  }
}
