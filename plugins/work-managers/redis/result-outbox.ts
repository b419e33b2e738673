/**
 * A worker's results on their way to the server. Results finished in the same turn of the event loop, and all
 * that finish while a hand-in is on its way, go in the next hand-in together: one server-side script call (one
 * round trip, one results-stream entry) for a batch. A lone result after a long segment still goes at once, so
 * batching costs latency only when tasks are shorter than a round trip.
 */
import { GROUP, type RunKeys } from './keys.js';
import type { Scripts } from './scripts.js';

/** Results per hand-in at most (the script's arguments stay far below Lua's limit). */
const MAX_BATCH = 512;

export interface OutgoingResult<T> {
  entry: string;
  record: Buffer;
  /** What the caller wants back with the verdict. */
  about: T;
}

export type Verdict = 'accepted' | 'late';

export class ResultOutbox<T> {
  private readonly queued = new Map<string, { keys: RunKeys; results: OutgoingResult<T>[] }>();
  private sending?: Promise<void>;
  private scheduled = false;

  constructor(
    private readonly scripts: Scripts,
    private readonly worker: string,
    private readonly node: string,
    private readonly onVerdict: (about: T, verdict: Verdict) => void,
    private readonly log: (line: string) => void,
  ) {}

  add(keys: RunKeys, result: OutgoingResult<T>): void {
    const batch = this.queued.get(keys.queue) ?? { keys, results: [] };
    batch.results.push(result);
    this.queued.set(keys.queue, batch);
    if (!this.sending && !this.scheduled) {
      this.scheduled = true;
      setImmediate(() => {
        this.scheduled = false;
        this.sending ??= this.send().finally(() => (this.sending = undefined));
      });
    }
  }

  /** Resolves once every result added so far has its verdict. */
  async drained(): Promise<void> {
    while (this.queued.size > 0 || this.sending || this.scheduled) {
      if (!this.sending && !this.scheduled) this.sending = this.send().finally(() => (this.sending = undefined));
      await (this.sending ?? new Promise((r) => setImmediate(r)));
    }
  }

  private async send(): Promise<void> {
    while (this.queued.size > 0) {
      for (const [queue, batch] of [...this.queued]) {
        const results = batch.results.splice(0, MAX_BATCH);
        if (batch.results.length === 0) this.queued.delete(queue);
        let verdicts: string;
        try {
          verdicts = await this.scripts.submit(batch.keys, GROUP, this.worker, this.node, results);
        } catch (error) {
          // Kept, not dropped: the tasks stay leased to this live worker, so nobody else would ever run them.
          this.log(`handing in ${results.length} result(s) failed (${(error as Error).message}); trying again in 1 s`);
          const again = this.queued.get(queue) ?? { keys: batch.keys, results: [] };
          again.results.unshift(...results);
          this.queued.set(queue, again);
          await new Promise((r) => setTimeout(r, 1000));
          continue;
        }
        results.forEach((r, k) => this.onVerdict(r.about, verdicts[k] === '1' ? 'accepted' : 'late'));
      }
    }
  }
}
