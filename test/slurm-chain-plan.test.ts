import { describe, expect, it } from 'vitest';
import { planChain, type RunProgress } from '../plugins/cluster/chain/plan.js';
import type { Chain, Job, JobState } from '../plugins/cluster/store/job-store.js';

const going: RunProgress = { complete: false, nextIteration: 3, summary: 'next iteration 3, max_iterations 8' };
const complete: RunProgress = { complete: true, nextIteration: 9, summary: 'next iteration 9, max_iterations 8' };

function chain(tries = 3, state: Chain['state'] = 'active'): Chain {
  return {
    id: 1,
    state,
    reason: null,
    tries,
    margin: null,
    profiles: [
      { name: 'a', args: ['--partition=a'] },
      { name: 'b', args: ['--partition=b'] },
    ],
    created: '',
  };
}

let nextId = 1;
/** A job of allocation `link`; `ran` when its script started. */
function job(link: number, profile: string, state: JobState, ran = state === 'R'): Job {
  const id = nextId++;
  return {
    id,
    chain: 1,
    link,
    profile,
    state,
    slurmId: state === 'NS' ? null : String(100 + id),
    after: null,
    args: [],
    slurmState: null,
    reason: state === 'F' ? `failure of ${100 + id}` : null,
    exitCode: null,
    firstIteration: null,
    nextIteration: null,
    submitted: null,
    started: ran ? 'then' : null,
    ended: null,
    updated: '',
  };
}

const cancelled = (plan: ReturnType<typeof planChain>) => plan.cancel.map((c) => c.job.slurmId);

describe('the plan of a chain of allocations', () => {
  it('submits the first allocation to every profile', () => {
    expect(planChain(chain(), [], going)).toEqual({ cancel: [], submit: { link: 1, after: null, profiles: chain().profiles } });
  });

  it("cancels the other profiles' pending jobs once one runs, and queues the next allocation behind it", () => {
    const a = job(1, 'a', 'R');
    const b = job(1, 'b', 'PD');
    const plan = planChain(chain(), [a, b], going);
    expect(plan.cancel).toEqual([{ job: b, reason: `job ${a.slurmId} (profile a) runs allocation 1` }]);
    expect(plan.submit).toEqual({ link: 2, after: a.slurmId, profiles: chain().profiles });
    expect(plan.end).toBeUndefined();
  });

  it('waits while the next allocation is pending', () => {
    expect(planChain(chain(), [job(1, 'a', 'R'), job(1, 'b', 'CA'), job(2, 'a', 'PD'), job(2, 'b', 'PD')], going)).toEqual({ cancel: [] });
  });

  it('stops itself once the run is complete: the pending allocation is cancelled, the chain completed', () => {
    const next = [job(2, 'a', 'PD'), job(2, 'b', 'NS')];
    const plan = planChain(chain(), [job(1, 'a', 'D', true), job(1, 'b', 'CA'), ...next], complete);
    expect(cancelled(plan)).toEqual(next.map((j) => j.slurmId));
    expect(plan.end).toEqual({ state: 'completed', reason: `the run is complete (${complete.summary})` });
    expect(plan.submit).toBeUndefined();
  });

  it('lets the queued allocation retry a failed one, and gives up after `tries` failures in a row', () => {
    const jobs = [job(1, 'a', 'D', true), job(2, 'a', 'F', true), job(3, 'a', 'F', true), job(4, 'a', 'PD')];
    expect(planChain(chain(3), jobs, going)).toEqual({ cancel: [] });
    const plan = planChain(chain(2), jobs, going);
    expect(cancelled(plan)).toEqual([jobs[3].slurmId]);
    expect(plan.end).toEqual({ state: 'failed', reason: `2 allocation(s) in a row failed; the last: job ${jobs[2].slurmId}: ${jobs[2].reason}` });
  });

  it('stops an allocation already running when those before it used up the tries', () => {
    const jobs = [job(1, 'a', 'F', true), job(2, 'a', 'F', true), job(3, 'a', 'R')];
    const plan = planChain(chain(2), jobs, going);
    expect(cancelled(plan)).toEqual([jobs[2].slurmId]);
    expect(plan.end?.state).toBe('failed');
    expect(planChain(chain(3), jobs, going)).toMatchObject({ cancel: [], submit: { link: 4, after: jobs[2].slurmId } });
  });

  it('resubmits a failed allocation that left no successor (it failed before its script ran)', () => {
    const jobs = [job(1, 'a', 'F'), job(1, 'b', 'F')];
    expect(planChain(chain(3), jobs, going).submit).toEqual({ link: 2, after: null, profiles: chain().profiles });
  });

  it('counts failures only since the last allocation that did its work', () => {
    const jobs = [job(1, 'a', 'F', true), job(2, 'a', 'D', true), job(3, 'a', 'F', true)];
    expect(planChain(chain(2), jobs, going).submit).toMatchObject({ link: 4, after: null });
  });

  it('does not start a successor beside a running allocation when the queued one could not be submitted, nor count that against it', () => {
    expect(planChain(chain(1), [job(1, 'a', 'R'), job(2, 'a', 'F'), job(2, 'b', 'F')], going)).toEqual({ cancel: [] });
    expect(planChain(chain(2), [job(1, 'a', 'D', true), job(2, 'a', 'F')], going).submit).toMatchObject({ link: 3, after: null });
  });

  it('cancels running and pending jobs of a cancelled chain', () => {
    const jobs = [job(1, 'a', 'R'), job(2, 'a', 'PD'), job(2, 'b', 'PD')];
    const plan = planChain(chain(3, 'cancelled'), jobs, going);
    expect(cancelled(plan).sort()).toEqual(jobs.map((j) => j.slurmId).sort());
    expect(plan.submit).toBeUndefined();
  });
});
