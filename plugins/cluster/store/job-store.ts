/**
 * The allocations of a simulation and the chains they form, in SQLite beside the simulation
 * (slurm/jobs.sqlite). Written by `we submit`, `we jobs` on a login node and by the job scripts on compute
 * nodes, possibly at the same moment: every read-decide-write happens in one IMMEDIATE transaction, so two
 * writers are serialised by SQLite's file lock and each sees the other's completed changes.
 */
import Database from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import { failureReason, WeError } from '../../../core/errors.js';

/** NS not submitted, PD pending, R running, D done, F failed, CA cancelled by `we` (not needed). */
export type JobState = 'NS' | 'PD' | 'R' | 'D' | 'F' | 'CA';
export const FINAL_STATES: ReadonlySet<JobState> = new Set(['D', 'F', 'CA']);

export type ChainState = 'active' | 'completed' | 'failed' | 'cancelled';

/** A named way to ask for an allocation: the sbatch options every job of that profile gets. */
export interface Profile {
  name: string;
  args: string[];
}

export interface Chain {
  id: number;
  state: ChainState;
  reason: string | null;
  tries: number;
  /** Seconds kept back from each allocation's limit; null for the default. */
  margin: number | null;
  profiles: Profile[];
  created: string;
}

export interface Job {
  id: number;
  chain: number;
  /** Which allocation of the chain this job is (1, 2, ...); each profile gets one job per link. */
  link: number;
  profile: string;
  state: JobState;
  slurmId: string | null;
  /** The job it waits for (--dependency=afterany). */
  after: string | null;
  /** The sbatch options it was submitted with (the script path last excluded). */
  args: string[];
  /** SLURM's last word on it: its state and reason, e.g. 'PENDING (Dependency)'. */
  slurmState: string | null;
  reason: string | null;
  exitCode: number | null;
  /** The run's next iteration when the job started and when it ended. */
  firstIteration: number | null;
  nextIteration: number | null;
  submitted: string | null;
  started: string | null;
  ended: string | null;
  updated: string;
}

export type JobUpdate = Partial<
  Pick<Job, 'state' | 'slurmId' | 'slurmState' | 'reason' | 'exitCode' | 'firstIteration' | 'nextIteration' | 'submitted' | 'started' | 'ended'>
>;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS chains (
  id INTEGER PRIMARY KEY,
  state TEXT NOT NULL CHECK (state IN ('active', 'completed', 'failed', 'cancelled')),
  reason TEXT,
  tries INTEGER NOT NULL,
  margin INTEGER,
  profiles TEXT NOT NULL,
  created TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS jobs (
  id INTEGER PRIMARY KEY,
  chain INTEGER NOT NULL REFERENCES chains(id),
  link INTEGER NOT NULL,
  profile TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('NS', 'PD', 'R', 'D', 'F', 'CA')),
  slurm_id TEXT UNIQUE,
  after TEXT,
  args TEXT NOT NULL,
  slurm_state TEXT,
  reason TEXT,
  exit_code INTEGER,
  first_iteration INTEGER,
  next_iteration INTEGER,
  submitted TEXT,
  started TEXT,
  ended TEXT,
  updated TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS jobs_by_chain ON jobs (chain, link);
`;

const COLUMNS: Record<keyof JobUpdate, string> = {
  state: 'state',
  slurmId: 'slurm_id',
  slurmState: 'slurm_state',
  reason: 'reason',
  exitCode: 'exit_code',
  firstIteration: 'first_iteration',
  nextIteration: 'next_iteration',
  submitted: 'submitted',
  started: 'started',
  ended: 'ended',
};

type Row = Record<string, unknown>;

function toJob(row: Row): Job {
  return {
    id: row.id as number,
    chain: row.chain as number,
    link: row.link as number,
    profile: row.profile as string,
    state: row.state as JobState,
    slurmId: row.slurm_id as string | null,
    after: row.after as string | null,
    args: JSON.parse(row.args as string) as string[],
    slurmState: row.slurm_state as string | null,
    reason: row.reason as string | null,
    exitCode: row.exit_code as number | null,
    firstIteration: row.first_iteration as number | null,
    nextIteration: row.next_iteration as number | null,
    submitted: row.submitted as string | null,
    started: row.started as string | null,
    ended: row.ended as string | null,
    updated: row.updated as string,
  };
}

function toChain(row: Row): Chain {
  return {
    id: row.id as number,
    state: row.state as ChainState,
    reason: row.reason as string | null,
    tries: row.tries as number,
    margin: row.margin as number | null,
    profiles: JSON.parse(row.profiles as string) as Profile[],
    created: row.created as string,
  };
}

export const now = (): string => new Date().toISOString();

export class JobStore {
  private readonly db: Database.Database;

  constructor(readonly path: string) {
    try {
      this.db = new Database(path, { timeout: 60_000 });
      // WAL would need shared memory, which processes on different nodes of a network file system don't share:
      // the rollback journal works wherever the file system honours POSIX locks.
      this.db.pragma('journal_mode = DELETE');
      this.db.pragma('foreign_keys = ON');
      this.transaction(() => {
        this.db.exec(SCHEMA);
        this.db.prepare("INSERT OR IGNORE INTO meta (key, value) VALUES ('token', ?)").run(randomBytes(6).toString('hex'));
      });
    } catch (error) {
      throw new WeError(`cannot open the job store (${failureReason(error)})`, path);
    }
  }

  /** Random per store; tags this simulation's jobs in SLURM (--comment) so they can be told from others. */
  token(): string {
    return (this.db.prepare("SELECT value FROM meta WHERE key = 'token'").get() as { value: string }).value;
  }

  /** Runs `body` holding SQLite's write lock from the start, so what it reads is still true when it writes. */
  transaction<T>(body: () => T): T {
    return this.db.transaction(body).immediate();
  }

  chains(): Chain[] {
    return (this.db.prepare('SELECT * FROM chains ORDER BY id').all() as Row[]).map(toChain);
  }

  chain(id: number): Chain {
    const row = this.db.prepare('SELECT * FROM chains WHERE id = ?').get(id) as Row | undefined;
    if (!row) throw new Error(`no chain ${id} in ${this.path}`);
    return toChain(row);
  }

  activeChain(): Chain | undefined {
    const row = this.db.prepare("SELECT * FROM chains WHERE state = 'active' ORDER BY id DESC LIMIT 1").get() as Row | undefined;
    return row && toChain(row);
  }

  jobs(chain?: number): Job[] {
    const rows = chain === undefined
      ? this.db.prepare('SELECT * FROM jobs ORDER BY id').all()
      : this.db.prepare('SELECT * FROM jobs WHERE chain = ? ORDER BY id').all(chain);
    return (rows as Row[]).map(toJob);
  }

  job(id: number): Job | undefined {
    const row = this.db.prepare('SELECT * FROM jobs WHERE id = ?').get(id) as Row | undefined;
    return row && toJob(row);
  }

  jobBySlurmId(slurmId: string): Job | undefined {
    const row = this.db.prepare('SELECT * FROM jobs WHERE slurm_id = ?').get(slurmId) as Row | undefined;
    return row && toJob(row);
  }

  /** Jobs whose fate is still open (not submitted, pending or running), of every chain. */
  unfinishedJobs(): Job[] {
    return (this.db.prepare("SELECT * FROM jobs WHERE state IN ('NS', 'PD', 'R') ORDER BY id").all() as Row[]).map(toJob);
  }

  addChain(chain: Omit<Chain, 'id' | 'state' | 'reason' | 'created'>): number {
    const info = this.db
      .prepare("INSERT INTO chains (state, tries, margin, profiles, created) VALUES ('active', ?, ?, ?, ?)")
      .run(chain.tries, chain.margin, JSON.stringify(chain.profiles), now());
    return Number(info.lastInsertRowid);
  }

  setChainState(id: number, state: ChainState, reason: string): void {
    this.db.prepare('UPDATE chains SET state = ?, reason = ? WHERE id = ?').run(state, reason, id);
  }

  /**
   * A job about to be submitted (NS): recorded before sbatch runs, so that a crash in between leaves a trace.
   * `args` gets the new row's id, which the sbatch options carry.
   */
  addJob(job: Pick<Job, 'chain' | 'link' | 'profile' | 'after'> & { args: (id: number) => string[] }): number {
    const info = this.db
      .prepare("INSERT INTO jobs (chain, link, profile, state, after, args, updated) VALUES (?, ?, ?, 'NS', ?, '[]', ?)")
      .run(job.chain, job.link, job.profile, job.after, now());
    const id = Number(info.lastInsertRowid);
    this.db.prepare('UPDATE jobs SET args = ? WHERE id = ?').run(JSON.stringify(job.args(id)), id);
    return id;
  }

  updateJob(id: number, update: JobUpdate): void {
    const keys = Object.keys(update) as (keyof JobUpdate)[];
    const assignments = keys.map((key) => `${COLUMNS[key]} = ?`).join(', ');
    this.db.prepare(`UPDATE jobs SET ${assignments}${keys.length ? ', ' : ''}updated = ? WHERE id = ?`).run(...keys.map((key) => update[key] ?? null), now(), id);
  }

  close(): void {
    this.db.close();
  }
}
