/** The end of a segment's log, quoted in failure messages so the cause is visible without opening the file. */
import { open } from 'node:fs/promises';

/** Enough bytes for 20 lines of ordinary output without reading a huge MD log whole. */
const TAIL_BYTES = 16384;

export async function logTail(path: string, lines = 20): Promise<string> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch {
    return '(no log)';
  }
  try {
    const { size } = await handle.stat();
    const length = Math.min(size, TAIL_BYTES);
    const buffer = Buffer.alloc(length);
    await handle.read(buffer, 0, length, size - length);
    const tail = buffer.toString('utf8').replace(/\n$/, '').split('\n').slice(-lines);
    return tail.join('\n') || '(empty log)';
  } finally {
    await handle.close();
  }
}
