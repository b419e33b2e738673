/**
 * Keeps the job store in step with SLURM and carries out the chain's plan. Three parties drive it: `we submit`
 * (a new chain), the job script of each allocation (`we jobs begin` when it starts, `we jobs end` when `we run`
 * returns) and `we jobs` on a login node (polls squeue). The scripts are the only ones sure to be there at the
 * moments that matter, with no daemon to keep alive on a login node; the poll catches what a script cannot
 * report (a job killed by the scheduler, one that failed before its script ran, a submission cut short).
 *
 * Every change is decided inside one store transaction and acted on after it commits: a job is marked
 * cancelled before scancel runs and recorded (NS) before sbatch runs, so a crash in between leaves a job that
 * stands down when it starts, or a recorded submission that the next poll finds again by its comment.
 */
import { WeError } from '../../../core/errors.js';
import { FINAL_STATES, now, type Chain, type Job, type JobStore, type Profile } from '../store/job-store.js';
import type { Slurm, SlurmJob } from '../slurm/slurm-commands.js';
import { phaseOf } from '../slurm/job-states.js';
import type { ClusterFiles } from '../simulation-files.js';
import { planChain, type RunProgress } from './plan.js';

/** What a transaction leaves for SLURM to do once it has committed. */
interface Actions {
  cancel: string[];
  submit: number[];
}

export interface Verdict {
  job: Job;
  chain: Chain;
  /** False: another job runs this allocation, the chain has ended or the run is complete. */
  run: boolean;
  reason?: string;
}

/** A submission recorded (NS) this long ago without a job id was cut short. */
const LOST_SUBMISSION_SECONDS = 300;

export class ChainTracker {
  constructor(
    private readonly store: JobStore,
    private readonly slurm: Slurm,
    private readonly files: ClusterFiles,
    private readonly progress: () => Promise<RunProgress>,
  ) {}

  /** Why `we submit` cannot start a chain now (the run is complete, or a chain is still going), if it cannot. */
  async refusal(): Promise<WeError | undefined> {
    return this.refusalGiven(await this.progress());
  }

  /** `we submit`: a new chain, whose first allocation goes to every profile. */
  async start(profiles: Profile[], tries: number, margin: number | null): Promise<Job[]> {
    const progress = await this.progress();
    let chainId = 0;
    await this.change(progress, () => {
      // Checked again inside the transaction: two `we submit` at once start one chain.
      const refusal = this.refusalGiven(progress);
      if (refusal) throw refusal;
      chainId = this.store.addChain({ tries, margin, profiles });
      return [chainId];
    });
    return this.store.jobs(chainId);
  }

  private refusalGiven(progress: RunProgress): WeError | undefined {
    if (progress.complete) return new WeError(`nothing to submit: the run is complete (${progress.summary}); raise max_iterations to go on`);
    const active = this.store.activeChain();
    if (!active) return undefined;
    const open = this.store.jobs(active.id).filter((j) => !FINAL_STATES.has(j.state));
    return new WeError(
      `chain ${active.id} is still active (${open.map((j) => `job ${j.slurmId ?? '-'} ${j.state}`).join(', ') || 'between allocations'}): ` +
        'follow it with `we jobs`, or stop it with `we jobs cancel`',
      this.store.path,
    );
  }

  /** The job script's first step. Adopts a submission whose id was never recorded (`row` from WE_JOB_ROW). */
  async begin(slurmId: string, row: number | undefined): Promise<Verdict> {
    const progress = await this.progress();
    let verdict: Verdict | undefined;
    await this.change(progress, () => {
      let job = this.ownJob(slurmId, row);
      if (job.slurmId === null) this.store.updateJob(job.id, { slurmId, state: 'PD', submitted: now() });
      const chain = this.store.chain(job.chain);
      const rival = this.store.jobs(chain.id).find((j) => j.link === job.link && j.state === 'R' && j.id !== job.id);
      const standDown = FINAL_STATES.has(job.state)
        ? `it is already ${job.state}${job.reason ? ` (${job.reason})` : ''}`
        : chain.state !== 'active'
          ? `the chain was ${chain.state}`
          : progress.complete
            ? `the run is complete (${progress.summary})`
            : rival
              ? `job ${rival.slurmId} (profile ${rival.profile}) runs allocation ${job.link}`
              : undefined;
      if (standDown !== undefined) {
        if (!FINAL_STATES.has(job.state)) this.store.updateJob(job.id, { state: 'CA', reason: standDown, ended: now() });
      } else {
        this.store.updateJob(job.id, { state: 'R', slurmState: 'RUNNING', started: job.started ?? now(), firstIteration: progress.nextIteration });
      }
      job = this.store.job(job.id)!;
      verdict = { job, chain, run: standDown === undefined, ...(standDown !== undefined ? { reason: standDown } : {}) };
      return [chain.id];
    });
    return verdict!;
  }

  /** The job script's last step, with `we run`'s exit code. */
  async end(slurmId: string, exitCode: number): Promise<Job> {
    const progress = await this.progress();
    let id = 0;
    await this.change(progress, () => {
      const job = this.ownJob(slurmId, undefined);
      id = job.id;
      // A job that stood down or was cancelled keeps that state.
      if (job.state !== 'R') {
        this.store.updateJob(job.id, { exitCode });
        return [job.chain];
      }
      const progressed = job.firstIteration === null || progress.nextIteration > job.firstIteration;
      const failure =
        exitCode !== 0
          ? `we run exited with ${exitCode}`
          : !progressed && !progress.complete
            ? `no iteration completed (iteration ${progress.nextIteration} next at its start and end): the time limit leaves too little after the margin`
            : undefined;
      this.store.updateJob(job.id, {
        state: failure ? 'F' : 'D',
        reason: failure ?? null,
        // SLURM's last word (RUNNING) no longer holds; its final one comes after this script exits.
        slurmState: null,
        exitCode,
        nextIteration: progress.nextIteration,
        ended: now(),
      });
      return [job.chain];
    });
    return this.store.job(id)!;
  }

  /** `we jobs`: brings every open job up to date with what SLURM says, then lets each chain go on. */
  async poll(): Promise<void> {
    const asked = this.store.unfinishedJobs().filter((j) => j.slurmId !== null);
    const seen = await this.slurm.query(asked.map((j) => j.slurmId!));
    const found = await this.findLostSubmissions();
    const progress = await this.progress();
    const askedIds = new Set(asked.map((j) => j.id));
    await this.change(progress, () => {
      const touched = new Set<number>(this.store.chains().filter((c) => c.state === 'active').map((c) => c.id));
      for (const job of this.store.unfinishedJobs()) {
        if (job.state === 'NS' && found.has(job.id)) this.adopt(job, found.get(job.id));
        else if (askedIds.has(job.id)) this.observe(job, seen.get(job.slurmId!));
        touched.add(job.chain);
      }
      return [...touched];
    });
  }

  /** `we jobs cancel`: ends the active chain and cancels its pending and running jobs. */
  async cancel(): Promise<Chain> {
    const progress = await this.progress();
    let chainId = 0;
    await this.change(progress, () => {
      const chain = this.store.activeChain();
      if (!chain) throw new WeError('no active chain to cancel', this.store.path);
      chainId = chain.id;
      this.store.setChainState(chain.id, 'cancelled', 'cancelled by `we jobs cancel`');
      return [chain.id];
    });
    return this.store.chain(chainId);
  }

  /** The chains and their jobs as the store has them now. */
  snapshot(): { chains: Chain[]; jobs: Job[] } {
    return { chains: this.store.chains(), jobs: this.store.jobs() };
  }

  close(): void {
    this.store.close();
  }

  private ownJob(slurmId: string, row: number | undefined): Job {
    const job = (row !== undefined ? this.store.job(row) : undefined) ?? this.store.jobBySlurmId(slurmId);
    if (!job || (job.slurmId !== null && job.slurmId !== slurmId)) {
      throw new WeError(`job ${slurmId} is not one that \`we submit\` or \`we jobs\` submitted for this simulation`, this.store.path);
    }
    return job;
  }

  /** SLURM's word on a job moves it forward only: what a job script reported in the meantime stands. */
  private observe(job: Job, slurmJob: SlurmJob | undefined): void {
    if (!slurmJob) {
      this.store.updateJob(job.id, {
        state: 'F',
        reason: 'SLURM no longer knows the job (it ended more than MinJobAge ago) and it did not report its end',
        ended: now(),
      });
      return;
    }
    const slurmState = slurmJob.reason && slurmJob.reason !== 'None' ? `${slurmJob.state} (${slurmJob.reason})` : slurmJob.state;
    const ended = { slurmState, exitCode: slurmJob.exitCode, ended: now() };
    switch (phaseOf(slurmJob.state)) {
      case 'pending':
        // A job whose script reported its start since squeue answered is not set back.
        if (job.state === 'PD') this.store.updateJob(job.id, { slurmState });
        return;
      case 'running': {
        const rival = this.store.jobs(job.chain).some((j) => j.link === job.link && j.state === 'R' && j.id !== job.id);
        // With a rival running, the plan cancels this one; otherwise it runs even if its script has not said so yet.
        this.store.updateJob(job.id, job.state === 'PD' && !rival ? { state: 'R', slurmState, started: now() } : { slurmState });
        return;
      }
      case 'done':
        this.store.updateJob(job.id, { ...ended, state: 'D', reason: job.state === 'R' ? 'ended without reporting its end' : null });
        return;
      case 'cancelled':
        this.store.updateJob(job.id, { ...ended, state: 'F', reason: 'cancelled outside `we` (scancel, or by the administrators)' });
        return;
      case 'failed':
        this.store.updateJob(job.id, { ...ended, state: 'F', reason: `SLURM: ${slurmState}, exit code ${slurmJob.exitCode ?? '-'}` });
        return;
    }
  }

  /** Submissions recorded long ago that never got their job id: look for them by their comment. */
  private async findLostSubmissions(): Promise<Map<number, string | undefined>> {
    const found = new Map<number, string | undefined>();
    const cutoff = Date.now() - LOST_SUBMISSION_SECONDS * 1000;
    for (const job of this.store.unfinishedJobs()) {
      if (job.state !== 'NS' || Date.parse(job.updated) > cutoff) continue;
      found.set(job.id, await this.slurm.findByComment(this.files.jobName, this.comment(job.id)));
    }
    return found;
  }

  private adopt(job: Job, slurmId: string | undefined): void {
    if (slurmId) this.store.updateJob(job.id, { state: 'PD', slurmId, submitted: now() });
    else this.store.updateJob(job.id, { state: 'F', reason: 'the submission was cut short before SLURM took the job', ended: now() });
  }

  private comment(jobId: number): string {
    return `we:${this.store.token()}:${jobId}`;
  }

  /**
   * Runs `body` and then the plan of every chain it names in one transaction; carries out the cancellations and
   * submissions after the commit. A failed submission can make a link fail as a whole, so planning repeats
   * until nothing more is submitted (bounded by the chain's tries).
   */
  private async change(progress: RunProgress, body: () => number[]): Promise<void> {
    let chains: number[] | undefined;
    for (;;) {
      const actions = this.store.transaction(() => {
        chains ??= body();
        return this.applyPlans(chains, progress);
      });
      await this.slurm.cancel(actions.cancel);
      const allSubmitted = await this.submitAll(actions.submit);
      if (allSubmitted) return;
    }
  }

  private applyPlans(chains: readonly number[], progress: RunProgress): Actions {
    const actions: Actions = { cancel: [], submit: [] };
    for (const chainId of chains) {
      const chain = this.store.chain(chainId);
      const plan = planChain(chain, this.store.jobs(chainId), progress);
      for (const { job, reason } of plan.cancel) {
        this.store.updateJob(job.id, { state: 'CA', reason, ended: now(), ...(job.slurmId ? { slurmState: 'CANCELLED' } : {}) });
        if (job.slurmId) actions.cancel.push(job.slurmId);
      }
      if (plan.end) this.store.setChainState(chainId, plan.end.state, plan.end.reason);
      for (const profile of plan.submit?.profiles ?? []) {
        const { link, after } = plan.submit!;
        const id = this.store.addJob({ chain: chainId, link, profile: profile.name, after, args: (id) => this.sbatchArgs(id, profile, after) });
        actions.submit.push(id);
      }
    }
    return actions;
  }

  private sbatchArgs(jobId: number, profile: Profile, after: string | null): string[] {
    return [
      ...profile.args,
      `--job-name=${this.files.jobName}`,
      `--comment=${this.comment(jobId)}`,
      `--output=${this.files.logs}/%j.out`,
      // A requeued job would start over under the same id; a new allocation is submitted instead, and counted.
      '--no-requeue',
      `--export=ALL,WE_JOB_ROW=${jobId}`,
      ...(after ? [`--dependency=afterany:${after}`] : []),
    ];
  }

  /** Returns false when a submission failed (its job is then F and the chain's plan must be made again). */
  private async submitAll(ids: readonly number[]): Promise<boolean> {
    let allSubmitted = true;
    for (const id of ids) {
      const job = this.store.job(id)!;
      let slurmId: string;
      try {
        slurmId = await this.slurm.submit(job.args, this.files.script);
      } catch (error) {
        allSubmitted = false;
        this.store.transaction(() => {
          if (this.store.job(id)!.state === 'NS') this.store.updateJob(id, { state: 'F', reason: (error as Error).message, ended: now() });
        });
        continue;
      }
      const cancelledMeanwhile = this.store.transaction(() => {
        const current = this.store.job(id)!;
        this.store.updateJob(id, current.state === 'NS' ? { state: 'PD', slurmId, submitted: now() } : { slurmId });
        return current.state !== 'NS';
      });
      if (cancelledMeanwhile) await this.slurm.cancel([slurmId]);
    }
    return allSubmitted;
  }
}
