#!/usr/bin/env bash
# The main job on the embedded example: set up, then `we init` + `we run` + `we status` in examples/odld.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
we="node $PWD/dist/cli/we.js"
cd examples/odld
$we init --force
$we run
$we status
