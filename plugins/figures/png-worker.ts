/**
 * Figures drawn to PNG on a worker thread (png-thread.ts), so that with a second core Vega and resvg draw the first
 * figures while the main thread still computes the others (the flux's bootstrap, the walkers and timing series),
 * and load while the main thread opens the run. Each figure's PNG is what renderPng gives in this thread.
 */
import { Worker } from 'node:worker_threads';
import type { TopLevelSpec } from 'vega-lite';
import { WeError } from '../../core/errors.js';
import type { DrawReply, DrawRequest } from './png-thread.js';

interface Pending {
  resolve: (png: Buffer) => void;
  reject: (error: Error) => void;
}

/** An error from the thread as the main thread would have thrown it: a WeError stays one line for the CLI. */
function errorOf({ message, stack, where, weError }: Extract<DrawReply, { error: unknown }>['error']): Error {
  if (!weError) return Object.assign(new Error(message), { stack });
  return new WeError(where && message.startsWith(`${where}: `) ? message.slice(where.length + 2) : message, where);
}

export class PngWorker {
  private readonly worker = new Worker(new URL('./png-thread.js', import.meta.url));
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;

  constructor() {
    this.worker.on('message', (reply: DrawReply) => {
      const pending = this.pending.get(reply.id);
      this.pending.delete(reply.id);
      if ('png' in reply) pending?.resolve(Buffer.from(reply.png.buffer, reply.png.byteOffset, reply.png.byteLength));
      else pending?.reject(errorOf(reply.error));
    });
    this.worker.on('error', (error) => this.failAll(error));
    this.worker.on('exit', (code) => this.failAll(new Error(`the PNG drawing thread ended (exit code ${code}) before drawing every figure`)));
  }

  private failAll(error: Error): void {
    for (const { reject } of this.pending.values()) reject(error);
    this.pending.clear();
  }

  /** The figure's PNG. A failure is reported when the promise is awaited, never as an unhandled rejection. */
  draw(spec: TopLevelSpec, what: string): Promise<Buffer> {
    const id = this.nextId++;
    const png = new Promise<Buffer>((resolve, reject) => this.pending.set(id, { resolve, reject }));
    png.catch(() => {});
    this.worker.postMessage({ id, spec, what } satisfies DrawRequest);
    return png;
  }

  async close(): Promise<void> {
    await this.worker.terminate();
  }
}
