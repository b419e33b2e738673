/**
 * The driver's side of the dispatch bench through BullMQ (bench/redis-dispatch.ts): the same tasks as the Redis
 * work manager's round, added in bulk as jobs of one queue, their results taken from the queue's completion
 * events and decoded with the same codec. What a work manager built on BullMQ would do at the least; it keeps
 * none of ours beyond that (no round a restarted driver adopts, no accept-once record).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Queue, QueueEvents } from 'bullmq';
import type { SegmentResult, SegmentTask } from '../../core/plugins.js';
import { decodeResult, encodeTask } from '../../plugins/work-managers/redis/codec.js';

const ADD_CHUNK = 1000;
const workerScript = fileURLToPath(new URL('./bullmq-worker.js', import.meta.url));

export class BullmqDispatch {
  private rounds = 0;

  private constructor(
    private readonly queue: Queue,
    private readonly events: QueueEvents,
    readonly workers: ChildProcess[],
  ) {}

  /** A queue on the server and `workers` worker processes of `slots` each, ready to take jobs. */
  static async open(url: string, name: string, configFile: string, workers: number, slots: number): Promise<BullmqDispatch> {
    const { hostname, port } = new URL(url);
    const connection = { host: hostname, port: Number(port) };
    // Completion events carry the results: the stream must hold a whole round however fast jobs finish.
    const queue = new Queue(name, { connection, streams: { events: { maxLen: 2_500_000 } } });
    const events = new QueueEvents(name, { connection });
    await Promise.all([queue.waitUntilReady(), events.waitUntilReady()]);
    const children = Array.from({ length: workers }, () =>
      spawn(process.execPath, [workerScript, url, name, configFile, String(slots)], { stdio: ['ignore', 'pipe', 'inherit'] }),
    );
    await Promise.all(children.map((c) => new Promise((resolve) => c.stdout!.once('data', resolve))));
    return new BullmqDispatch(queue, events, children);
  }

  /** Runs every task; results in task order. */
  async run(tasks: SegmentTask[], valuesPerItem: number): Promise<SegmentResult[]> {
    const round = ++this.rounds;
    const results: SegmentResult[] = new Array(tasks.length);
    let received = 0;
    const finished = new Promise<void>((resolve, reject) => {
      const onCompleted = ({ jobId, returnvalue }: { jobId: string; returnvalue: unknown }) => {
        const [r, i] = jobId.split('-').map(Number);
        if (r !== round || results[i] !== undefined) return;
        results[i] = decodeResult('propagate', Buffer.from(String(returnvalue), 'base64'), tasks[i], valuesPerItem);
        if (++received === tasks.length) done();
      };
      const onFailed = ({ jobId, failedReason }: { jobId: string; failedReason: string }) => reject(new Error(`job ${jobId} failed: ${failedReason}`));
      const done = () => {
        this.events.off('completed', onCompleted);
        this.events.off('failed', onFailed);
        resolve();
      };
      this.events.on('completed', onCompleted);
      this.events.on('failed', onFailed);
    });
    for (let start = 0; start < tasks.length; start += ADD_CHUNK) {
      await this.queue.addBulk(
        tasks.slice(start, start + ADD_CHUNK).map((task, k) => ({
          name: 't',
          data: { t: encodeTask('propagate', task).toString('base64') },
          opts: { jobId: `${round}-${start + k}`, removeOnComplete: true, removeOnFail: true },
        })),
      );
    }
    await finished;
    return results;
  }

  async close(): Promise<void> {
    for (const w of this.workers) w.kill('SIGTERM');
    await Promise.all(this.workers.map((w) => new Promise((r) => (w.exitCode !== null ? r(null) : w.once('exit', r)))));
    await this.events.close();
    await this.queue.obliterate({ force: true });
    await this.queue.close();
  }
}
