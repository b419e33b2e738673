#!/bin/bash
# Writes TSTATE: the folded target is the bin holding the native structure's latent point under the configured
# autoencoder (chignolin-aae). Rerun whenever that model is retrained. Needs `we` on the PATH (npm install -g, or
# npm link in a clone).
set -e
cd "$(dirname "$0")"
point="$(we pcoord --model chignolin-aae native.pdb)"
printf '# label pcoord_1 pcoord_2 (latent point of native.pdb)\nfolded %s\n' "$point" > TSTATE
cat TSTATE
