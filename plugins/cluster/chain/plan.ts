/**
 * What a chain of allocations does next, decided from its jobs alone (no I/O, so every party that changes a
 * job, the job scripts and `we jobs` alike, reaches the same decision inside its own transaction).
 *
 * A chain is a sequence of links, one allocation's worth of `we run` each. A link is submitted to every
 * profile; once one profile's job runs, the others' pending jobs of that link are cancelled and the next link
 * is submitted with --dependency=afterany on the running job, so SLURM starts it whenever and however this one
 * ends. The chain stops itself when the run is complete, or when `tries` links in a row have failed.
 */
import type { Chain, Job, Profile } from '../store/job-store.js';

export interface RunProgress {
  /** max_iterations reached: no allocation is needed any more. */
  complete: boolean;
  /** The iteration `we run` would run next. */
  nextIteration: number;
  /** E.g. 'iteration 9 of 8 next': for messages. */
  summary: string;
}

export interface ChainPlan {
  /** Pending (or, for a cancelled chain, running) jobs to cancel, with why. */
  cancel: { job: Job; reason: string }[];
  /** A new link to submit: to each of `profiles`, waiting for job `after` when it is set. */
  submit?: { link: number; after: string | null; profiles: Profile[] };
  /** The chain ends. */
  end?: { state: 'completed' | 'failed'; reason: string };
}

type LinkOutcome = 'running' | 'pending' | 'done' | 'failed' | 'cancelled';

function outcomeOf(jobs: readonly Job[]): LinkOutcome {
  if (jobs.some((j) => j.state === 'R')) return 'running';
  if (jobs.some((j) => j.state === 'NS' || j.state === 'PD')) return 'pending';
  if (jobs.some((j) => j.state === 'D')) return 'done';
  if (jobs.some((j) => j.state === 'F')) return 'failed';
  return 'cancelled';
}

function byLink(jobs: readonly Job[]): Map<number, Job[]> {
  const links = new Map<number, Job[]>();
  for (const job of jobs) links.set(job.link, [...(links.get(job.link) ?? []), job]);
  return links;
}

/**
 * Failed links before link `upTo`, back to the last one that did its work; links still open or cancelled by
 * `we` don't count, nor do links after a running one (a successor that could not be queued is not a failure of
 * the allocation that runs).
 */
function failuresBefore(links: Map<number, Job[]>, upTo: number): { count: number; last?: Job } {
  let count = 0;
  let last: Job | undefined;
  for (const link of [...links.keys()].filter((l) => l < upTo).sort((a, b) => b - a)) {
    const jobs = links.get(link)!;
    const outcome = outcomeOf(jobs);
    if (outcome === 'done') break;
    if (outcome !== 'failed') continue;
    count++;
    last ??= jobs.filter((j) => j.state === 'F').pop();
  }
  return { count, ...(last ? { last } : {}) };
}

export function planChain(chain: Chain, jobs: readonly Job[], run: RunProgress): ChainPlan {
  const cancel: ChainPlan['cancel'] = [];
  const running = jobs.filter((j) => j.state === 'R');
  for (const winner of running) {
    for (const job of jobs) {
      if (job.link === winner.link && (job.state === 'NS' || job.state === 'PD')) {
        cancel.push({ job, reason: `job ${winner.slurmId} (profile ${winner.profile}) runs allocation ${job.link}` });
      }
    }
  }
  const cancelled = new Set(cancel.map((c) => c.job.id));
  const pending = jobs.filter((j) => (j.state === 'NS' || j.state === 'PD') && !cancelled.has(j.id));
  const cancelAll = (reason: string, also: readonly Job[] = []) => [...cancel, ...[...pending, ...also].map((job) => ({ job, reason }))];

  if (chain.state !== 'active') {
    return { cancel: cancelAll(`the chain was ${chain.state}`, chain.state === 'cancelled' ? running : []) };
  }
  if (run.complete) {
    const reason = `the run is complete (${run.summary})`;
    return { cancel: cancelAll(reason), ...(running.length === 0 ? { end: { state: 'completed', reason } } : {}) };
  }
  const links = byLink(jobs);
  // An allocation queued behind one that failed may already run when that failure is seen: if it was one try
  // too many, it is stopped too.
  const failures = failuresBefore(links, running.length ? Math.max(...running.map((j) => j.link)) : Infinity);
  if (failures.count >= chain.tries) {
    const reason = `${failures.count} allocation(s) in a row failed; the last: job ${failures.last?.slurmId ?? '-'}: ${failures.last?.reason ?? 'unknown'}`;
    return { cancel: cancelAll(reason, running), end: { state: 'failed', reason } };
  }

  const lastLink = Math.max(0, ...links.keys());
  const outcome: LinkOutcome = lastLink === 0 ? 'cancelled' : outcomeOf(links.get(lastLink)!);
  const profiles = chain.profiles.filter((p) => !pending.some((j) => j.profile === p.name));
  // The successor of a running allocation waits for it in SLURM's queue; an allocation's successor that could
  // not be submitted is replaced only once it has ended, so that two allocations never run the same simulation.
  if (outcome === 'running') return { cancel, submit: { link: lastLink + 1, after: running.find((j) => j.link === lastLink)!.slurmId, profiles } };
  if (outcome === 'pending' || running.length > 0) return { cancel };
  return { cancel, submit: { link: lastLink + 1, after: null, profiles } };
}
