#!/usr/bin/env bash
# Installs what `we` and its tests need on a Debian machine: system packages when missing, then the npm
# dependencies (onnxruntime-node with its bundled CPU library; no CUDA download) and the TypeScript build.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
/usr/bin/python3 -c 'import h5py, numpy' 2>/dev/null || need+=(python3-h5py python3-numpy)
# OpenMM 7.7 for examples/openmm-chignolin (libopenmm-plugins: without it only the slow Reference platform loads).
{ /usr/bin/python3 -c 'import simtk.openmm' 2>/dev/null && dpkg -s libopenmm-plugins >/dev/null 2>&1; } ||
  need+=(python3-simtk libopenmm-plugins)
# redis-server for the Redis work manager's tests (each test starts its own on a free loopback port).
command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
# A one-node SLURM (munge for its authentication) that test/slurm.test.ts starts for `we submit` and `we jobs`.
for tool in /usr/sbin/munged:munge /usr/sbin/slurmctld:slurmctld /usr/sbin/slurmd:slurmd /usr/bin/sbatch:slurm-client; do
  [ -x "${tool%%:*}" ] || need+=("${tool##*:}")
done
# zsh: the completion test asks a real zsh to complete (`we completion zsh`).
command -v zsh >/dev/null || need+=(zsh)
# Chromium for the test that opens `we report`'s HTML in a real browser (driven by playwright-core).
command -v chromium >/dev/null 2>&1 || need+=(chromium)
if ((${#need[@]})); then
  if [ "$(id -u)" -ne 0 ]; then
    echo "setup: missing Debian packages: ${need[*]} (run as root or: sudo apt-get install ${need[*]})" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${need[@]}" >/dev/null
fi

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  ONNXRUNTIME_NODE_INSTALL_CUDA=skip npm ci --no-audit --no-fund
fi
npx tsc -p tsconfig.json
