#!/bin/bash
# Writes a basis-state set (bstates/<set>/: BASIS_STATES and one folder per state holding bstate.pdb) with the
# embedded Go-model engine, deterministically (fixed seeds); each state gets the same probability.
#   scripts/make-go-bstates.sh NATIVE SET_DIR LABEL=START,KELVIN,STEPS,SEED ...
# State k (auxref k, from 0) is STEPS steps of 5 fs at KELVIN from the structure START, written as backbone atoms
# rebuilt around the C-alphas. Prints each state's Q, the fraction of native contacts formed (go-md's last column).
# Run after `npm run build`; the exact commands behind the shipped sets are in their README.md.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
native="$1" set_dir="$2"
shift 2
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT

mkdir -p "$set_dir"
{
  echo '# label probability auxref'
  auxref=0
  for spec in "$@"; do
    echo "${spec%%=*} $(awk -v n=$# 'BEGIN { printf "%.6g", 1 / n }') $auxref"
    auxref=$((auxref + 1))
  done
} > "$scratch/BASIS_STATES"

auxref=0
for spec in "$@"; do
  IFS=, read -r start kelvin steps seed <<< "${spec#*=}"
  mkdir -p "$set_dir/$auxref"
  "$repo/bin/we-go-md" --native "$native" --start "$start" --restart-out "$scratch/$auxref.rst" \
    --pdb-out "$set_dir/$auxref/bstate.pdb" --atoms backbone --steps "$steps" --frames 10 --temperature "$kelvin" \
    --seed "$seed" | tail -1 | awk -v s="${spec%%=*}" '{ print "bstate " s ": Q = " $5 }'
  auxref=$((auxref + 1))
done
mv "$scratch/BASIS_STATES" "$set_dir/BASIS_STATES"
