#!/bin/bash
# One WE segment of the SARS-CoV-2 spike with AMBER pmemd.cuda, written as a WESTPA run script: continue from the
# parent's restart (seg.rst) or start from the basis state's restart (bstate.ncrst), run md.in (100 ps, 10 frames)
# with this segment's seed. `we` computes the progress coordinate from seg.nc in the worker (pcoord_from:
# trajectory), so no Python runs here. With staging (we.yaml) the segment runs in node-local storage and the inputs
# come from the node's copy ($WE_STAGED_ROOT); without it, from $WEST_SIM_ROOT.
set -e
inputs="${WE_STAGED_ROOT:-$WEST_SIM_ROOT}"
TOP="$inputs/common_files/spike.prmtop"
cd "$WEST_CURRENT_SEG_DATA_REF"

if [ "$WEST_CURRENT_SEG_INITPOINT_TYPE" = "SEG_INITPOINT_CONTINUES" ]; then
  ln -sf "$WEST_PARENT_DATA_REF/seg.rst" parent.rst
else
  ln -sf "$WEST_BSTATE_DATA_REF/bstate.ncrst" parent.rst
fi

# AMBER splits ig into Marsaglia's two seeds (quotient and remainder by 30081, the quotient capped at 31328), so
# only 1..942377567 give distinct streams, and ig <= 0 means "seed from the clock".
ig=$(( WEST_RAND32 % 942377567 + 1 ))
sed "s/RAND/$ig/" "$inputs/md.in" > md.in

"${PMEMD:-pmemd.cuda}" -O -i md.in -p "$TOP" -c parent.rst -r seg.rst -x seg.nc -o seg.out -inf seg.inf
