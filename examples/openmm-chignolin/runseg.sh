#!/bin/bash
# One WE segment of all-atom chignolin in implicit solvent (OpenMM 7.7, amber99sbildn + OBC), written as a
# WESTPA run script: continue from the parent's restart (seg.xml), or start a new trajectory from the basis
# state's minimised structure (bstate.xml) with velocities drawn at 300 K; 2 ps (1,000 steps of 2 fs) at 300 K.
# seg.dcd gets 10 frames of all 166 atoms (the model reference's atoms and order); `we` computes the progress
# coordinate from it in the worker (pcoord_from: trajectory).
set -e
# OpenMM is Debian's python3-simtk, installed for the system interpreter; point this at yours elsewhere.
python=/usr/bin/python3
cd "$WEST_CURRENT_SEG_DATA_REF"

if [ "$WEST_CURRENT_SEG_INITPOINT_TYPE" = "SEG_INITPOINT_CONTINUES" ]; then
  start=(--state-in "$WEST_PARENT_DATA_REF/seg.xml")
else
  start=(--state-in "$WEST_BSTATE_DATA_REF/bstate.xml" --new-velocities)
fi

"$python" "$WEST_SIM_ROOT/segment.py" \
  --system "$WEST_SIM_ROOT/system.xml" --topology "$WEST_SIM_ROOT/chignolin.pdb" "${start[@]}" \
  --state-out seg.xml --dcd seg.dcd --steps 1000 --frames 10 --temperature 300 --seed "$WEST_RAND32" > seg.log
