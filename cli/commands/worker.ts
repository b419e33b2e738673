/** `we worker`: one per node (by hand or from `srun`), running the tasks of the runs on a Redis server. */
import { Command, Option, type CommandUnknownOpts } from '@commander-js/extra-typings';
import { examplesHelp } from '../command-parts.js';
import { positiveInteger } from '../values.js';

export function workerCommand(): CommandUnknownOpts {
  return new Command('worker')
    .summary('run the tasks of the runs on a Redis server, one per slot')
    .description(
      'Takes tasks of every run announced on the server, one per slot, and runs them with the run\'s propagator ' +
        'and progress coordinate (rebuilt from the run\'s we.yaml, kept warm across tasks and iterations). A ' +
        'heartbeat keeps its tasks\' leases; tasks of a worker that stops beating come back to the queue. It gathers ' +
        'its node\'s outputs (one tar per node per iteration) once the driver says an iteration is durable. ' +
        'SIGTERM/SIGINT drain it: it finishes its tasks and takes no more (a second signal exits at once). A URL off ' +
        'loopback must carry a password (redis://:PASSWORD@host:6379, or rediss:// for TLS).',
    )
    .addOption(new Option('--redis <URL>', 'the Redis server (default: $WE_REDIS_URL)'))
    .addOption(
      new Option('--slots <N>', 'tasks at once (default: the number of --gpus, else the core count)').argParser(positiveInteger('--slots')),
    )
    .addOption(
      new Option('--gpus <ids>', 'GPU ids separated by commas, one per slot: each slot\'s run scripts get CUDA_VISIBLE_DEVICES (default: none)'),
    )
    .addOption(new Option('--node <name>', 'the node name its gathered tars carry (default: the host name)'))
    .addHelpText(
      'after',
      examplesHelp([
        { does: 'a worker on this machine, one task per core', run: 'we worker --redis redis://127.0.0.1:6379' },
        { does: 'a Summit-like node: six GPUs, one segment on each', run: 'we worker --redis redis://:PASSWORD@login1:6379 --gpus 0,1,2,3,4,5' },
      ]),
    )
    .action(async ({ redis, slots, gpus, node }) => {
      process.exitCode = await (await import('../actions/worker.js')).work({
        ...(redis !== undefined ? { redis } : {}),
        ...(slots !== undefined ? { slots } : {}),
        ...(gpus !== undefined ? { gpus } : {}),
        ...(node !== undefined ? { node } : {}),
      });
    });
}
