#!/bin/bash
# Writes TSTATE: the target is the bin holding the open (RBD-up) structure's latent point under the configured
# model package. Set MODEL to the spike's package (a name or a directory, see README.md) and put the structure in
# common_files/open.pdb. Needs `we` on the PATH (npm install -g, or npm link in a clone).
set -e
cd "$(dirname "$0")"
model="${MODEL:-bba-aae}"
point="$(we pcoord --model "$model" common_files/open.pdb)"
printf '# label pcoord_1 pcoord_2 (latent point of common_files/open.pdb under %s)\nopen %s\n' "$model" "$point" > TSTATE
cat TSTATE
