#!/bin/bash
# Writes TSTATE: the folded target is the bin holding the prepared native structure's latent point (chignolin.pdb,
# made by make-bstates.py) under the configured autoencoder. Rerun whenever the model is retrained. Run after
# `npm run build`.
set -e
cd "$(dirname "$0")"
point="$(node ../../dist/cli/we.js pcoord --model ../../models/chignolin-aae chignolin.pdb)"
printf '# label pcoord_1 pcoord_2 (latent point of chignolin.pdb)\nfolded %s\n' "$point" > TSTATE
cat TSTATE
