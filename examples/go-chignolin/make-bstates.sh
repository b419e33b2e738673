#!/bin/bash
# Regenerates the committed basis states with the Go-model engine itself (deterministic: fixed seeds):
# two fully unfolded chains (50 ps at 500 K from the native, Q = 0) and two partly unfolded ones
# (20 ps at 350 K, Q = 0.4 and 0.3). Q, the fraction of native contacts formed, is the last column of go-md's log.
# Run from anywhere after `npm run build`.
set -e
here="$(cd "$(dirname "$0")" && pwd)"
go_md="$here/../../dist/plugins/engines/go-model/go-md.js"
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT

make_state() { # auxref temperature steps seed
  mkdir -p "$here/bstates/$1"
  node "$go_md" --native "$here/native.pdb" --start "$here/native.pdb" --restart-out "$scratch/$1.rst" \
    --pdb-out "$here/bstates/$1/bstate.pdb" --atoms backbone --steps "$3" --frames 10 --temperature "$2" --seed "$4" | tail -1 |
    awk -v a="$1" '{print "bstate " a ": Q = " $5}'
}
make_state 0 500 10000 1
make_state 1 500 10000 2
make_state 2 350 4000 11
make_state 3 350 4000 16

printf '# label probability auxref\nunfolded-a 0.25 0\nunfolded-b 0.25 1\npartial-a 0.25 2\npartial-b 0.25 3\n' \
  > "$here/bstates/BASIS_STATES"
