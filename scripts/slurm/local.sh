#!/bin/bash
# One allocation of a `we submit` chain on one node: `we run` with the local work manager.
#
# `we submit` writes this template into the simulation as slurm/job.sh, with its placeholders (the `we`
# command, the we.yaml path, the simulation directory) filled in, and submits it with sbatch. Partition,
# account, nodes and time go on sbatch's command line (one set per profile), so the same script serves every
# profile; `we jobs --json` shows each job's options.
set -uo pipefail
we() { {{we}} "$1" --config {{config}} "${@:2}"; }
cd {{sim_root}} || exit

# At the time limit SLURM signals every process of the job. `we run` stops after its current step on SIGTERM;
# with a handler (not an ignore, which `we run` would inherit) bash waits for it and still reports the end.
trap 'echo "$(date -Is) SIGTERM: waiting for we run to stop" >&2' TERM

# Tell the chain this allocation has started: the other profiles' pending jobs for it are cancelled, the next
# allocation is submitted (--dependency=afterany on this job), and we learn how long `we run` may take: the
# time left less the margin. Nothing printed: nothing to do here (another profile's job runs this allocation,
# the chain has ended, or the run is complete).
allowed=$(we jobs begin) || exit
[ -n "$allowed" ] || exit 0
limit=()
[ "$allowed" = unlimited ] || limit=(--max-wallclock "$allowed")

we run "${limit[@]}"
status=$?

# Done (D) or failed (F). When the run is complete the chain cancels the pending next allocation; when not,
# that allocation goes on from the last completed iteration, whatever happened here.
we jobs end "$status"
exit "$status"
