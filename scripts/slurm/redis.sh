#!/bin/bash
# One allocation of a `we submit` chain on many nodes: the driver (`we run`) on the first node and one
# `we worker` per node (srun), meeting at a Redis server.
#
# `we submit` writes this template into the simulation as slurm/job.sh, with its placeholders (the `we`
# command, the we.yaml path, the simulation directory) filled in, and submits it with sbatch (partition,
# account, nodes and time on sbatch's command line, one set per profile).
#
# The Redis server: WE_REDIS_URL when it is set in the environment `we submit` ran in (a server the site or
# you keep running, which then outlives every allocation); otherwise one started here, on the first node, for
# this allocation only, with a password made up for it and its data in slurm/redis/ (append-only file), so
# that the next allocation's server starts from what this one held. A server inside the allocation needs
# nothing set up beforehand and is gone with the allocation. The workers read the URL (and so the password)
# from their environment; the driver gets it on its command line (`we run --redis`), which `ps` shows to
# other users of the first node where /proc is not mounted with hidepid.
set -uo pipefail
we() { {{we}} "$1" --config {{config}} "${@:2}"; }
# A worker serves whatever runs the server announces: it takes no we.yaml.
we_worker() { {{we}} worker "$@"; }
export -f we_worker
cd {{sim_root}} || exit

trap 'echo "$(date -Is) SIGTERM: waiting for we run to stop" >&2' TERM

# Start of the allocation: see local.sh.
allowed=$(we jobs begin) || exit
[ -n "$allowed" ] || exit 0
limit=()
[ "$allowed" = unlimited ] || limit=(--max-wallclock "$allowed")

redis_pid=
if [ -z "${WE_REDIS_URL:-}" ]; then
  mkdir -p slurm/redis
  password=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')
  port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("", 0)); print(s.getsockname()[1])')
  # The password goes in a file only this user can read, not on a command line that `ps` shows.
  umask 077
  printf 'port %s\nbind * -::*\nrequirepass %s\ndir %s\nappendonly yes\nsave ""\n' \
    "$port" "$password" "$PWD/slurm/redis" > "slurm/redis/redis-$SLURM_JOB_ID.conf"
  umask 022
  redis-server "slurm/redis/redis-$SLURM_JOB_ID.conf" > "slurm/logs/redis-$SLURM_JOB_ID.log" 2>&1 &
  redis_pid=$!
  export WE_REDIS_URL="redis://:$password@$(hostname):$port"
  for _ in $(seq 50); do
    REDISCLI_AUTH=$password redis-cli -p "$port" ping > /dev/null 2>&1 && break
    sleep 0.2
  done
fi

# One worker per node (it takes the server from WE_REDIS_URL and one task per core; add --gpus 0,1,... for one
# segment per GPU). --overlap lets the workers share the first node with the driver.
srun --overlap --nodes="$SLURM_JOB_NUM_NODES" --ntasks-per-node=1 --kill-on-bad-exit=0 \
  bash -c 'we_worker --node "$SLURMD_NODENAME"' &
workers=$!

we run --redis "$WE_REDIS_URL" "${limit[@]}"
status=$?

# SIGTERM drains the workers (they finish what they hold and take no more).
kill -TERM "$workers" 2> /dev/null
wait "$workers"
if [ -n "$redis_pid" ]; then
  kill -TERM "$redis_pid"
  wait "$redis_pid"
fi

we jobs end "$status"
exit "$status"
