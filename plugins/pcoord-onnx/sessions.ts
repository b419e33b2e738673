/**
 * One onnxruntime InferenceSession per model file per process, shared by every user of that model and released
 * when the last one closes: creating a session costs far more than a segment's inference.
 */
import { InferenceSession } from 'onnxruntime-node';
import { WeError } from '../../core/errors.js';

interface Shared {
  session: Promise<InferenceSession>;
  users: number;
}

const sessions = new Map<string, Shared>();

/** On 2 cores one intra-op thread measured faster than onnxruntime's default pool. */
const SESSION_OPTIONS: InferenceSession.SessionOptions = { intraOpNumThreads: 1 };

/** `path` is absolute; `shown` names the file in messages. */
export function acquireSession(path: string, shown: string): Promise<InferenceSession> {
  let shared = sessions.get(path);
  if (!shared) {
    const session = InferenceSession.create(path, SESSION_OPTIONS).catch((e: unknown) => {
      sessions.delete(path);
      const reason = ((e as Error).message ?? String(e)).split('\n')[0];
      throw new WeError(`cannot be loaded as an ONNX model (${reason})`, shown);
    });
    shared = { session, users: 0 };
    sessions.set(path, shared);
  }
  shared.users += 1;
  return shared.session;
}

export async function releaseSession(path: string): Promise<void> {
  const shared = sessions.get(path);
  if (!shared) return;
  shared.users -= 1;
  if (shared.users > 0) return;
  sessions.delete(path);
  await (await shared.session).release();
}
