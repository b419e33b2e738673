/**
 * The worker thread of PngWorker (png-worker.ts): draws each spec it is sent to PNG and sends the PNG back. Vega,
 * vega-lite and resvg load as soon as the thread starts, while the main thread opens the run.
 */
import { parentPort } from 'node:worker_threads';
import type { TopLevelSpec } from 'vega-lite';
import { WeError } from '../../core/errors.js';
import { renderPng } from './render.js';

export interface DrawRequest {
  id: number;
  spec: TopLevelSpec;
  what: string;
}

export type DrawReply = { id: number; png: Uint8Array } | { id: number; error: { message: string; stack?: string; where?: string; weError: boolean } };

const port = parentPort;
if (!port) throw new Error('png-thread.js runs only as a worker thread (see png-worker.ts)');

port.on('message', ({ id, spec, what }: DrawRequest) => {
  renderPng(spec, what).then(
    (png) => port.postMessage({ id, png } satisfies DrawReply),
    (error: unknown) => {
      const e = error instanceof Error ? error : new Error(String(error));
      port.postMessage({ id, error: { message: e.message, stack: e.stack, where: e instanceof WeError ? e.where : undefined, weError: e instanceof WeError } } satisfies DrawReply);
    },
  );
});
