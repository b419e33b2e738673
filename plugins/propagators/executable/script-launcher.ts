/**
 * Starts run scripts through a small long-lived launcher process (launcher-program.ts), one per slot, instead of
 * from the engine. Node can only fork, and a fork copies the forking process's page tables: measured here, a
 * spawn from Node blocks its event loop ~30 µs per MB resident (6–8 ms for a `we run` holding 250 MB of HDF5
 * and ONNX state), which caps a whole node at 120–160 segments/s however many slots it has. The launcher's
 * start costs the same at any engine size, it gives each script's exact CPU time, and it kills its script if the
 * engine dies.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { superviseGroup, terminateGroup, type ChildOutcome, type ChildSpec, type Supervision } from './child-process-group.js';
import { failureReason } from '../../../core/errors.js';
import { LAUNCHER_PROGRAM } from './launcher-program.js';

interface LauncherReply {
  ready?: boolean;
  pid?: number;
  error?: string;
  exit?: number;
  signal?: string;
  cputime?: number;
}

interface Request {
  spec: ChildSpec;
  start: number;
  /** Set once the launcher says the script runs. */
  group?: number;
  supervision?: Supervision;
  resolve(outcome: ChildOutcome): void;
}

/** Kept of the launcher's stderr, for the error when it fails. */
const STDERR_KEPT = 2000;

export class LauncherStartError extends Error {}

export class ScriptLauncher {
  /** Sent, in order; the launcher answers them in order, one script at a time. */
  private readonly requests: Request[] = [];
  private partialLine = '';
  private stderr = '';
  private exited?: string;

  private constructor(private readonly child: ChildProcessWithoutNullStreams) {}

  /** Starts the launcher with the given Python; rejects with LauncherStartError saying why it cannot run. */
  static start(python: string): Promise<ScriptLauncher> {
    // Its own session: a Ctrl-C meant for `we run` must not reach the launcher (the engine stops in order).
    const child = spawn(python, ['-I', '-S', '-c', LAUNCHER_PROGRAM], { stdio: 'pipe', detached: true });
    const launcher = new ScriptLauncher(child);
    return new Promise((resolve, reject) => {
      const fail = (why: string) => reject(new LauncherStartError(`${why}${launcher.stderrTail()}`));
      // Writing to a launcher that has died: its exit, handled below, says what happened.
      child.stdin.on('error', () => {});
      child.once('error', (err) => fail(`cannot run ${python}: ${failureReason(err)}`));
      child.stderr.setEncoding('utf8').on('data', (text: string) => {
        launcher.stderr = (launcher.stderr + text).slice(-STDERR_KEPT);
      });
      child.once('exit', (code, signal) => {
        launcher.exited = signal ?? `code ${code}`;
        fail(`${python} exited (${launcher.exited}) before it was ready`);
        launcher.failPending();
      });
      child.stdout.setEncoding('utf8').on('data', (text: string) => {
        for (const reply of launcher.replies(text)) {
          if (reply.ready) resolve(launcher);
          else launcher.handle(reply);
        }
      });
    });
  }

  /** False once the launcher process has exited. */
  get alive(): boolean {
    return this.exited === undefined;
  }

  run(spec: ChildSpec): Promise<ChildOutcome> {
    const start = performance.now();
    if (this.exited !== undefined) return Promise.resolve(this.notStarted(start));
    return new Promise((resolve) => {
      this.requests.push({ spec, start, resolve });
      this.child.stdin.write(`${JSON.stringify({ file: spec.file, cwd: spec.cwd, env: spec.env, log: spec.logPath })}\n`);
    });
  }

  /** Ends the launcher's input: it kills the process group of a script still running, reports it, and exits. */
  close(): void {
    this.child.stdin.end();
  }

  private *replies(text: string): Generator<LauncherReply> {
    const lines = (this.partialLine + text).split('\n');
    this.partialLine = lines.pop() ?? '';
    for (const line of lines) yield JSON.parse(line) as LauncherReply;
  }

  private handle(reply: LauncherReply): void {
    const request = this.requests[0];
    if (reply.pid !== undefined) {
      request.group = reply.pid;
      request.supervision = superviseGroup(reply.pid, request.spec);
      return;
    }
    this.requests.shift();
    const walltime = (performance.now() - request.start) / 1000;
    if (reply.error !== undefined) {
      request.resolve({ timedOut: false, cancelled: false, spawnError: reply.error, walltime });
      return;
    }
    const supervision = request.supervision;
    supervision?.release();
    request.resolve({
      exitCode: reply.exit,
      killedBy: reply.signal,
      timedOut: supervision?.timedOut ?? false,
      cancelled: supervision?.cancelled ?? false,
      cputime: reply.cputime,
      walltime,
    });
  }

  /** If the launcher dies, a script it started is killed (nothing could reap it) and all are reported as failed. */
  private failPending(): void {
    for (const request of this.requests.splice(0)) {
      request.supervision?.release();
      if (request.group === undefined) {
        request.resolve(this.notStarted(request.start));
        continue;
      }
      terminateGroup(request.group);
      request.resolve({
        timedOut: false,
        cancelled: false,
        lost: this.exitReason(),
        walltime: (performance.now() - request.start) / 1000,
      });
    }
  }

  private notStarted(start: number): ChildOutcome {
    return {
      timedOut: false,
      cancelled: false,
      spawnError: this.exitReason(),
      walltime: (performance.now() - start) / 1000,
    };
  }

  private exitReason(): string {
    return `the script launcher exited (${this.exited})${this.stderrTail()}`;
  }

  private stderrTail(): string {
    const text = this.stderr.trim();
    return text ? `: ${text.split('\n').slice(-5).join('\n')}` : '';
  }
}
