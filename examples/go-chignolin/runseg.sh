#!/bin/bash
# One WE segment of chignolin's C-alpha Go model, written as a WESTPA run script: continue from the parent's
# restart, or start a new trajectory from the basis state's structure; 10 ps (2,000 steps of 5 fs) at 300 K.
# seg.dcd gets 10 frames of the 10 C-alphas (the model's selection, `name CA`); `we` computes the progress
# coordinate from it in the worker (pcoord_from: trajectory).
set -e
cd "$WEST_CURRENT_SEG_DATA_REF"

if [ "$WEST_CURRENT_SEG_INITPOINT_TYPE" = "SEG_INITPOINT_CONTINUES" ]; then
  start=(--restart-in "$WEST_PARENT_DATA_REF/seg.rst")
else
  start=(--start "$WEST_BSTATE_DATA_REF/bstate.pdb")
fi

# we-go-md is `we`'s embedded engine; `we run` puts its installation's bin/ first on this script's PATH.
we-go-md \
  --native "${WE_STAGED_ROOT:-$WEST_SIM_ROOT}/native.pdb" "${start[@]}" \
  --restart-out seg.rst --dcd seg.dcd --atoms ca \
  --steps 2000 --frames 10 --temperature 300 --seed "$WEST_RAND32" > seg.log
