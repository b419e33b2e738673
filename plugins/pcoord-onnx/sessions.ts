/**
 * One onnxruntime InferenceSession per model file and thread count per process, shared by every user of that
 * model and released when the last one closes: creating a session costs far more than a segment's inference.
 */
import { InferenceSession } from 'onnxruntime-node';
import { WeError } from '../../core/errors.js';

interface Shared {
  session: Promise<InferenceSession>;
  users: number;
}

const sessions = new Map<string, Shared>();

const key = (path: string, threads: number) => `${threads}:${path}`;

/**
 * `path` is absolute; `shown` names the file in messages. `threads`: onnxruntime's intra-op threads, set
 * explicitly because its default (one per core) oversubscribes a node whose cores also run MD or other slots.
 */
export function acquireSession(path: string, shown: string, threads: number): Promise<InferenceSession> {
  const id = key(path, threads);
  let shared = sessions.get(id);
  if (!shared) {
    const session = InferenceSession.create(path, { intraOpNumThreads: threads }).catch((e: unknown) => {
      sessions.delete(id);
      const reason = ((e as Error).message ?? String(e)).split('\n')[0];
      throw new WeError(`cannot be loaded as an ONNX model (${reason})`, shown);
    });
    shared = { session, users: 0 };
    sessions.set(id, shared);
  }
  shared.users += 1;
  return shared.session;
}

export async function releaseSession(path: string, threads: number): Promise<void> {
  const id = key(path, threads);
  const shared = sessions.get(id);
  if (!shared) return;
  shared.users -= 1;
  if (shared.users > 0) return;
  sessions.delete(id);
  await (await shared.session).release();
}
