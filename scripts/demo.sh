#!/usr/bin/env bash
# The main job on the embedded examples, after setting up:
#  1. examples/go-chignolin: chignolin with the embedded C-alpha Go-model engine, driven through a WESTPA-style
#     runseg.sh per segment, progress coordinates from the shipped ONNX autoencoder (models/chignolin-aae);
#  2. examples/odld: WESTPA's ODLD test system, 200 iterations with the in-process propagator (walkers reach the
#     target from about iteration 30), then its rate: we kinetics.
# Each: we init --force, we run, we status, and we report (report.html beside it: summary, figures, we.yaml).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
we="node $PWD/dist/cli/we.js"
# example, then options for `we run`
run_example() {
  local example=$1
  shift
  echo "== examples/$example"
  (cd "examples/$example" && $we init --force && $we run "$@" && $we status && $we report)
}
run_example go-chignolin
run_example odld --max-iter 200
(cd examples/odld && $we kinetics)
