/**
 * A real one-node SLURM for tests: munged, slurmctld and slurmd (Debian's slurm-wlm 22.05 + munge) started as
 * root, everything they write (key, sockets, state, logs, slurm.conf) in a temporary directory and nothing in
 * /etc. Partitions `a` and `b` share the node, standing for two cluster profiles. Clients find it through
 * SLURM_CONF, which `env` holds and which jobs inherit from the `we` process that submitted them.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { tempDir } from './temp-dir.js';

const DAEMONS = ['/usr/sbin/munged', '/usr/sbin/slurmctld', '/usr/sbin/slurmd', '/usr/bin/sbatch'];

export interface LocalSlurm {
  /** Environment for `we` and SLURM's clients. */
  env: Record<string, string>;
  /** Runs a SLURM client command (squeue, scontrol, ...) against this cluster. */
  client(command: string, args: string[]): Promise<string>;
  setPartition(name: 'a' | 'b', state: 'UP' | 'DOWN'): Promise<void>;
  /** Cancels every job, waits for them to be gone, then stops the daemons (waiting for each to exit). */
  stop(): Promise<void>;
}

/** Why SLURM cannot run here, if it cannot. */
export function slurmUnavailable(): string | undefined {
  if (process.getuid?.() !== 0) return 'SLURM daemons must be started as root';
  const missing = DAEMONS.filter((path) => !existsSync(path));
  if (missing.length) return `not installed: ${missing.join(', ')} (Debian packages slurmctld slurmd slurm-client munge)`;
  return undefined;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function waitFor(what: string, check: () => Promise<boolean>, seconds = 60): Promise<void> {
  const deadline = Date.now() + seconds * 1000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${seconds} s waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((r) => child.once('exit', () => r()));
}

async function stopDaemon(child: ChildProcess): Promise<void> {
  child.kill('SIGTERM');
  const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited(child);
  clearTimeout(killer);
}

export async function startLocalSlurm(): Promise<LocalSlurm> {
  const dir = tempDir('slurm');
  const key = join(dir, 'munge.key');
  writeFileSync(key, randomBytes(1024), { mode: 0o400 });
  const socket = join(dir, 'munge.socket');
  const [ctldPort, slurmdPort] = [await freePort(), await freePort()];
  const conf = join(dir, 'slurm.conf');
  const host = hostname();
  writeFileSync(
    conf,
    [
      'ClusterName=wetest',
      `SlurmctldHost=${host}(127.0.0.1)`,
      `SlurmctldPort=${ctldPort}`,
      `SlurmdPort=${slurmdPort}`,
      'SlurmUser=root',
      'AuthType=auth/munge',
      'CredType=cred/munge',
      `AuthInfo=socket=${socket}`,
      `StateSaveLocation=${dir}/state`,
      `SlurmdSpoolDir=${dir}/spool`,
      `SlurmctldPidFile=${dir}/slurmctld.pid`,
      `SlurmdPidFile=${dir}/slurmd.pid`,
      `SlurmctldLogFile=${dir}/slurmctld.log`,
      `SlurmdLogFile=${dir}/slurmd.log`,
      // No cgroups here: processes are tracked through /proc and tasks are not bound to CPUs.
      'ProctrackType=proctrack/linuxproc',
      'TaskPlugin=task/none',
      'SelectType=select/cons_tres',
      'SelectTypeParameters=CR_CPU',
      'MpiDefault=none',
      'MailProg=/bin/true',
      'ReturnToService=2',
      // Ended jobs stay visible to squeue for 5 minutes (no accounting database here).
      'MinJobAge=300',
      'KillWait=5',
      'SchedulerType=sched/backfill',
      `NodeName=we1 NodeHostname=${host} NodeAddr=127.0.0.1 CPUs=2 RealMemory=1000 State=UNKNOWN`,
      'PartitionName=a Nodes=we1 Default=YES MaxTime=INFINITE State=UP',
      'PartitionName=b Nodes=we1 MaxTime=INFINITE State=UP',
      '',
    ].join('\n'),
  );
  const env = { SLURM_CONF: conf };
  const daemons: ChildProcess[] = [];
  const start = (command: string, args: string[]) => {
    const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: 'ignore' });
    daemons.push(child);
    return child;
  };
  const client = async (command: string, args: string[]) => (await execa(command, args, { env })).stdout;
  const stopDaemons = async () => {
    for (const child of daemons.reverse()) await stopDaemon(child);
  };
  try {
    start('/usr/sbin/munged', ['--foreground', '--force', `--socket=${socket}`, `--key-file=${key}`, `--pid-file=${dir}/munged.pid`, `--seed-file=${dir}/munged.seed`, `--log-file=${dir}/munged.log`]);
    await waitFor('munged', async () => existsSync(socket));
    start('/usr/sbin/slurmctld', ['-D', '-i']);
    start('/usr/sbin/slurmd', ['-D', '-N', 'we1']);
    await waitFor('node we1 idle', async () => {
      const state = await execa('sinfo', ['--noheader', '--nodes=we1', '--format=%T'], { env, reject: false });
      return state.stdout.split('\n').includes('idle');
    });
  } catch (error) {
    await stopDaemons();
    throw error;
  }
  return {
    env,
    client,
    setPartition: async (name, state) => void (await client('scontrol', ['update', `PartitionName=${name}`, `State=${state}`])),
    stop: async () => {
      const queued = () => execa('squeue', ['--noheader', '--format=%i'], { env, reject: false });
      const ids = (await queued()).stdout.split('\n').filter(Boolean);
      if (ids.length) await execa('scancel', ids, { env, reject: false });
      try {
        await waitFor('every job to end', async () => (await queued()).stdout.trim() === '');
      } finally {
        await stopDaemons();
      }
    },
  };
}
