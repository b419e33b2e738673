#!/bin/bash
# Writes TSTATE: the folded target is the bin holding the prepared native structure's latent point (chignolin.pdb,
# made by make-bstates.py) under the configured autoencoder. Rerun whenever the model is retrained. Needs `we` on
# the PATH (npm install -g, or npm link in a clone).
set -e
cd "$(dirname "$0")"
point="$(we pcoord --model chignolin-aae chignolin.pdb)"
printf '# label pcoord_1 pcoord_2 (latent point of chignolin.pdb)\nfolded %s\n' "$point" > TSTATE
cat TSTATE
