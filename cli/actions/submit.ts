/** `we submit`: writes the simulation's batch script and submits the first allocation of a chain to SLURM. */
import { mkdir } from 'node:fs/promises';
import { relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadRunConfig } from '../run-config.js';
import { WeError } from '../../core/errors.js';
import { shellQuote, templateFile, writeBatchScript } from '../../plugins/cluster/batch-script.js';
import { resolveProfiles, type SubmitFlags } from '../../plugins/cluster/profiles.js';
import { clusterFiles } from '../../plugins/cluster/simulation-files.js';
import { openTracker } from '../../plugins/cluster/open-tracker.js';

export interface SubmitOptions extends SubmitFlags {
  template?: string;
  tries?: number;
  /** Write the script and print the sbatch command lines without submitting. */
  dryRun: boolean;
}

/** scripts/slurm/ of this installation, and the entry point jobs start `we` with (from dist/cli/actions/). */
const TEMPLATES_DIR = fileURLToPath(new URL('../../../scripts/slurm/', import.meta.url));
const WE_ENTRY = fileURLToPath(new URL('../we.js', import.meta.url));

export async function submit(configPath: string, options: SubmitOptions): Promise<void> {
  const configFile = resolve(configPath);
  const config = await loadRunConfig(configFile);
  const files = clusterFiles(configFile);
  const profiles = resolveProfiles(config.cluster, options, configFile);
  const template = options.template ?? config.cluster?.template ?? 'local';
  const multiNode = profiles.find((p) => p.nodes > 1);
  if (template === 'local' && multiNode) {
    throw new WeError(
      `profile '${multiNode.name}' asks for ${multiNode.nodes} nodes, but the local template runs segments on the first node only: ` +
        'use --template redis (a worker on every node)',
    );
  }
  const tracker = openTracker(configFile);
  try {
    const refusal = await tracker.refusal();
    if (refusal) throw refusal;
    await mkdir(files.logs, { recursive: true });
    await writeBatchScript(templateFile(template, TEMPLATES_DIR, files.simRoot), files.script, {
      we: [process.execPath, WE_ENTRY].map(shellQuote).join(' '),
      config: shellQuote(configFile),
      sim_root: shellQuote(files.simRoot),
    });
    const script = relative(process.cwd(), files.script) || files.script;
    if (options.dryRun) {
      for (const p of profiles) console.log(`sbatch ${[...p.args, script].map(shellQuote).join(' ')}    # profile ${p.name}`);
      return;
    }
    const jobs = await tracker.start(
      profiles.map(({ name, args }) => ({ name, args })),
      options.tries ?? config.cluster?.tries ?? 3,
      config.cluster?.margin ?? null,
    );
    if (!jobs.some((j) => j.slurmId !== null)) {
      const chain = tracker.snapshot().chains.at(-1);
      throw new WeError(`no allocation could be submitted: ${chain?.reason ?? jobs.at(-1)?.reason ?? 'unknown'}`);
    }
    for (const job of jobs) {
      console.log(
        job.slurmId !== null
          ? `submitted job ${job.slurmId} (profile ${job.profile}): allocation ${job.link}`
          : `profile ${job.profile}: not submitted: ${job.reason}`,
      );
    }
    console.log(`the allocations run ${script}; follow them with \`we jobs\``);
  } finally {
    tracker.close();
  }
}
