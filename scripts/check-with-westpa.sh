#!/usr/bin/env bash
# Manual check (not run in CI): does a west.h5 written by `we` work with WESTPA's own analysis tools?
#
#   bash scripts/check-with-westpa.sh WESTPA_SRC [WORK_DIR]
#
# WESTPA_SRC is a work tree of WESTPA's source (its setup.py and src/westpa/), e.g. exported from a clone with
#   git --git-dir=<westpa.git> archive HEAD | tar -x -C /tmp/westpa-src
# WORK_DIR (default: a new temporary folder) receives the runs and every tool's output and log.
# WE_CLI=path/to/we.js uses that build of `we` instead of building this repo with tsc.
#
# What it does:
#  1. Installs Debian's Python stack if it is missing (PyPI is not needed: everything WESTPA imports is packaged
#     by Debian, mdtraj included) and builds WESTPA's Cython extensions in place, for /usr/bin/python3 (not a
#     pyenv python3, which lacks these packages). WESTPA is used through PYTHONPATH=WESTPA_SRC/src, not installed.
#  2. Runs examples/odld (45 iterations: its first walker reaches the target state in iteration 32), and a
#     variant whose basis state sits above the reflecting wall (x = 10.05, 55 iterations; first arrival in 43)
#     so that recycled walkers survive resampling and start from initial states other than 0.
#  3. Runs w_assign, w_pdist, w_trace, w_direct, w_ipa (non-interactive) and w_fluxanl on the files, and checks
#     their outputs against what the runs must give.
#  4. Runs WESTPA's own ODLD system (WESTPA_SRC/tests/fixtures/odld, seeded, 40 iterations, recycling from
#     iteration 30 on), compares its west.h5 with the one test/fixtures/westpa-layout/make-west-h5.py writes
#     (compare-structure.py), then lets `we run` continue WESTPA's file to iteration 45 and checks the result
#     with h5py, w_trace and w_pdist across the WESTPA/we boundary.
# Prints one PASS/FAIL line per check, then "N passed, N failed", and exits 1 if any check failed. Apart from
# Debian's Python it reads nothing outside this repository but WESTPA_SRC.
set -uo pipefail

westpa_src=$(realpath "${1:?usage: check-with-westpa.sh WESTPA_SRC [WORK_DIR]}")
work=$(realpath -m "${2:-$(mktemp -d /tmp/we-westpa-check.XXXXXX)}")
repo=$(realpath "$(dirname "$0")/..")
py=/usr/bin/python3
export PYTHONPATH="$westpa_src/src"
passed=0
failed=0

die() { echo "check-with-westpa: $*" >&2; exit 2; }
# Runs a command, echoing it and keeping its output in $work/<log>; returns the command's status.
run() {
  local log=$1; shift
  echo "+ (in $PWD) $(printf '%q ' "$@")" | tee "$work/$log"
  "$@" >>"$work/$log" 2>&1 </dev/null
}
verdict() {
  if [ "$2" -eq 0 ]; then echo "PASS $1"; passed=$((passed + 1)); else echo "FAIL $1"; failed=$((failed + 1)); fi
}

[ -f "$westpa_src/setup.py" ] && [ -d "$westpa_src/src/westpa" ] || die "$westpa_src is not a WESTPA source tree (no setup.py or src/westpa)"
mkdir -p "$work"
echo "WESTPA source: $westpa_src; work folder: $work; PYTHONPATH=$PYTHONPATH"

# --- 1. WESTPA against Debian's Python -------------------------------------------------------------------------
if ! "$py" -c 'import numpy, scipy, h5py, yaml, tables, matplotlib, mdtraj, zmq, blessings, tqdm, pandas, Cython' 2>/dev/null; then
  apt-get update >"$work/apt.log" 2>&1
  apt-get install -y python3-dev cython3 python3-numpy python3-scipy python3-h5py python3-yaml python3-tables \
    python3-matplotlib python3-setuptools python3-mdtraj python3-zmq python3-blessings python3-tqdm python3-pandas >>"$work/apt.log" 2>&1 \
    || die "apt-get install failed; see $work/apt.log"
fi
(cd "$westpa_src" && run westpa-build.log "$py" setup.py build_ext --inplace) || die "building WESTPA failed; see $work/westpa-build.log"
"$py" -c 'import westpa.core.binning._assign, westpa.core.kinetics._kinetics' || die "WESTPA's extensions do not import"

# --- 2. west.h5 files written by we ---------------------------------------------------------------------------
if [ -z "${WE_CLI:-}" ]; then
  (cd "$repo" && run tsc.log npx tsc -p tsconfig.json) || die "this repo does not compile; see $work/tsc.log (or set WE_CLI)"
  WE_CLI="$repo/dist/cli/we.js"
fi
make_run() {
  local dir=$work/$1; shift
  rm -rf "$dir" && mkdir -p "$dir"
  sed "$@" "$repo/examples/odld/we.yaml" >"$dir/we.yaml"
  (cd "$dir" && run "$(basename "$dir")-init.log" node "$WE_CLI" init && run "$(basename "$dir")-run.log" node "$WE_CLI" run) \
    || die "we failed in $dir; see $work/$(basename "$dir")-*.log"
}
# Long enough for every check to see flux: the first walker is recycled in iteration 32 (43 in the variant).
iterations=45
export ITERATIONS=$iterations
make_run odld -e "s/^max_iterations:.*/max_iterations: $iterations/"
make_run odld-recycle -e 's/pcoord: \[8.0\]}/pcoord: [10.05]}/' -e 's/^max_iterations:.*/max_iterations: 55/'

# The rectilinear boundaries of examples/odld/we.yaml: -inf, 1.1, 1.2, ..., 10.1, inf.
bins_expr='[[-inf] + [round(1.1 + 0.1 * i, 6) for i in range(91)] + [inf]]'

# --- 3. WESTPA's tools --------------------------------------------------------------------------------------------
cd "$work/odld"

run w_assign.log "$py" -m westpa.cli.tools.w_assign -W west.h5 --serial --bins-from-expr "$bins_expr" --states bound:1.0 unbound:8.0 -o assign.h5
status=$?
[ $status -eq 0 ] && "$py" - <<'EOF'
# Every iteration's populations sum to 1, and at timepoint 0 (just after resampling) every occupied bin holds
# exactly its target count of 10 walkers.
import h5py, numpy as np
a = h5py.File('assign.h5', 'r')
assert a.attrs['nbins'] == 92, a.attrs['nbins']
pops = a['labeled_populations'][...].sum(axis=(1, 2))
assert np.allclose(pops, 1.0), pops
for i, n in enumerate(a['nsegs'][...]):
    counts = np.bincount(a['assignments'][i, :n, 0])
    assert i == 0 or set(counts[counts > 0]) == {10}, (i + 1, counts)
EOF
verdict "w_assign: bins from expression, populations sum to 1, occupied bins hold 10 walkers at t=0" $?

run w_pdist.log "$py" -m westpa.cli.tools.w_pdist -W west.h5 --serial -o pdist.h5
status=$?
[ $status -eq 0 ] && "$py" - <<'EOF'
# The histograms are densities: each iteration integrates to 1 over the bin widths.
import os, h5py, numpy as np
p = h5py.File('pdist.h5', 'r')
widths = np.diff(p['binbounds_0'][...])
assert p['histograms'].shape[0] == int(os.environ['ITERATIONS'])
assert np.allclose((p['histograms'][...] * widths).sum(axis=1), 1.0)
EOF
verdict "w_pdist: $iterations iterations of normalised pcoord histograms" $?

run w_trace.log "$py" -m westpa.cli.tools.w_trace -W west.h5 "$iterations:5"
status=$?
[ $status -eq 0 ] && "$py" - <<'EOF'
# One row for the initial state and one per iteration; each row's weight and final pcoord are the file's.
import os, h5py, numpy as np
n = int(os.environ['ITERATIONS'])
f = h5py.File('west.h5', 'r')
rows = np.loadtxt('traj_%d_5_trace.txt' % n, ndmin=2)
assert rows.shape[0] == n + 1 and list(rows[:, 0]) == list(range(n + 1)), rows[:, 0]
for n_iter, seg, weight, _, _, pc in rows[1:]:
    g = f['iterations/iter_%08d' % int(n_iter)]
    assert np.isclose(g['seg_index'][int(seg)]['weight'], weight, rtol=1e-12, atol=0)
    assert np.isclose(g['pcoord'][int(seg), -1, 0], pc, rtol=1e-6)
EOF
verdict "w_trace $iterations:5: $((iterations + 1)) rows matching seg_index weights and final pcoords" $?

run w_direct.log "$py" -m westpa.cli.tools.w_direct --serial all -W west.h5 -a assign.h5 -o direct.h5
status=$?
[ $status -eq 0 ] && "$py" - <<'EOF'
# w_direct counts entries into 'bound' at any timepoint, our target_flux only segments that end there, so the two
# need not be equal; the first arrival must coincide and the totals agree within 25% on this seeded run.
import os, h5py, numpy as np
f = h5py.File('west.h5', 'r'); d = h5py.File('direct.h5', 'r')
ours = np.array([f['iterations/iter_%08d' % i]['target_flux'][0] for i in range(1, int(os.environ['ITERATIONS']) + 1)])
theirs = d['total_fluxes'][:, 0]
assert np.argmax(ours > 0) == np.argmax(theirs > 0) and ours.sum() > 0, (ours, theirs)
assert abs(theirs.sum() / ours.sum() - 1) < 0.25, (ours.sum(), theirs.sum())
EOF
verdict "w_direct all: flux into 'bound' starts with our target_flux and agrees in total" $?

"$py" - <<'EOF'
# w_ipa reads its analysis scheme from west.cfg.
bounds = ["'-inf'"] + [repr(round(1.1 + 0.1 * i, 6)) for i in range(91)] + ["'inf'"]
open('west.cfg', 'w').write(f"""west:
  data:
    west_data_file: west.h5
  analysis:
    directory: ANALYSIS
    postanalysis: False
    kinetics: {{step_iter: 1, evolution: cumulative, extra: ['disable-correl']}}
    analysis_schemes:
      ODLD:
        enabled: True
        bins: [{{type: RectilinearBinMapper, boundaries: [[{', '.join(bounds)}]]}}]
        states: [{{label: bound, coords: [[1.0]]}}, {{label: unbound, coords: [[8.0]]}}]
""")
EOF
run w_ipa.log "$py" -m westpa.cli.tools.w_ipa -ao --serial
status=$?
[ $status -eq 0 ] && [ -s ANALYSIS/ODLD/assign.h5 ] && [ -s ANALYSIS/ODLD/direct.h5 ]
verdict "w_ipa -ao: scheme ODLD analysed (assign.h5, direct.h5)" $?

run w_fluxanl.log "$py" -m westpa.cli.tools.w_fluxanl -W west.h5 -o fluxanl.h5
status=$?
[ $status -eq 0 ] && "$py" - <<'EOF'
# w_fluxanl reads recycling events from iterations/iter_<n+1>/new_weights; without them it finds no target.
# With them, its per-iteration flux is the recycled weight, which is our target_flux.
import h5py, numpy as np
a = h5py.File('fluxanl.h5', 'r'); f = h5py.File('west.h5', 'r')
assert a['avg_flux'].shape[0] == 1, 'no target state found (no iterations/iter_*/new_weights groups)'
t = a['target_flux/target_0']
ours = [f['iterations/iter_%08d' % n]['target_flux'][0] for n in t['n_iter'][...]]
assert np.allclose(t['flux'][...], ours, rtol=1e-12, atol=0), (t['flux'][...], ours)
EOF
verdict "w_fluxanl: per-iteration flux from new_weights equals our target_flux" $?

cd "$work/odld-recycle"
echo "+ (in $PWD) $py - (trace a trajectory started by recycling)" | tee "$work/w_trace-recycle.log"
"$py" - >>"$work/w_trace-recycle.log" 2>&1 <<'EOF'
# Trace the deepest trajectory of the last iteration that starts from a recycling initial state (id > 0).
import subprocess, sys, h5py, numpy as np
f = h5py.File('west.h5', 'r')
last = int(f.attrs['west_current_iteration']) - 1
parents = {i: f['iterations/iter_%08d' % i]['seg_index']['parent_id'] for i in range(1, last + 1)}
best = None
for seg in range(len(parents[last])):
    n_iter, s = last, seg
    while parents[n_iter][s] >= 0:
        s, n_iter = parents[n_iter][s], n_iter - 1
    istate = -(parents[n_iter][s] + 1)
    if istate > 0 and (best is None or n_iter < best[1]):
        best = (seg, n_iter, istate)
assert best, 'no trajectory starts from a recycling initial state'
seg, first, istate = best
subprocess.run([sys.executable, '-m', 'westpa.cli.tools.w_trace', '-W', 'west.h5', f'{last}:{seg}'], check=True)
rows = np.loadtxt(f'traj_{last}_{seg}_trace.txt', ndmin=2)
assert int(rows[0, 1]) == istate and np.isclose(rows[0, 5], 10.05), rows[0]
assert int(rows[1, 0]) == first, rows[1]
print(f'traced {last}:{seg} back to initial state {istate} (first iteration {first})')
EOF
verdict "w_trace on a trajectory started by recycling: initial state id and pcoord from ibstates" $?

# --- 4. WESTPA's own west.h5: the fixture's layout, and `we run` continuing it ------------------------------------
westpa_run=$work/westpa-odld
rm -rf "$westpa_run" && mkdir -p "$westpa_run"
cp "$westpa_src/tests/fixtures/odld/odld_system.py" "$westpa_run/"
# WESTPA's ODLD bins, np.arange(0.0, 10.12, 0.1) as WESTPA's RectilinearBinMapper keeps them (float32), so that
# both programs bin the float32 pcoords alike
edges=$("$py" -c 'import numpy as np; print(", ".join(repr(float(x)) for x in np.arange(0.0, 10.12, 0.1).astype(np.float32)))')
cat >"$westpa_run/west.cfg" <<EOF
west:
  system: {driver: odld_system.ODLDSystem, module_path: \$WEST_SIM_ROOT}
  propagation:
    max_total_iterations: 40
    max_run_wallclock: 3:00:00
    propagator: odld_system.SeededODLDPropagator
    gen_istates: false
    block_size: 10000
  data:
    west_data_file: west.h5
    datasets: [{name: displacement, store: true, dtype: float32}]
    data_refs:
      segment: \$WEST_SIM_ROOT/traj_segs/{segment.n_iter:06d}/{segment.seg_id:06d}
      basis_state: \$WEST_SIM_ROOT/bstates/{basis_state.auxref}
      initial_state: \$WEST_SIM_ROOT/istates/{initial_state.iter_created}/{initial_state.state_id}.gro
EOF
cat >"$westpa_run/we.yaml" <<EOF
# WESTPA's tests/fixtures/odld system, as we.yaml
pcoord: {ndim: 1, len: 21, dtype: float32}
binning:
  mapper: {type: rectilinear, boundaries: [[$edges]]}
  target_counts: 10
basis_states: [{label: start, probability: 1.0, auxref: '0', pcoord: [8.0]}]
target_states: [{label: bound, pcoord: [1.0]}]
propagator: {name: odld, options: {A: 2, B: 10, C: 0.5, x0: 1, sigma_squared: 0.001, reflect_at: 10}}
work_manager: {name: local, slots: 1}
store: {name: westh5, path: west.h5}
max_iterations: 45
seed: 20261205
EOF
echo "start 1.0 0" >"$westpa_run/BASIS_STATES"
echo "bound 1.0" >"$westpa_run/TSTATE"
(cd "$westpa_run" && export WEST_SIM_ROOT=$westpa_run &&
  run w_init.log "$py" -m westpa.cli.core.w_init --bstate-file BASIS_STATES --tstate-file TSTATE --serial &&
  run w_run.log "$py" -m westpa.cli.core.w_run --serial) || die "WESTPA's own run failed; see $work/w_init.log, $work/w_run.log"
cp "$westpa_run/west.h5" "$work/westpa-odld-as-written.h5"

cd "$work"
"$py" "$repo/test/fixtures/westpa-layout/make-west-h5.py" fixture.h5 >fixture.log 2>&1 &&
  run compare-structure.log "$py" "$repo/test/fixtures/westpa-layout/compare-structure.py" westpa-odld-as-written.h5 fixture.h5
verdict "test/fixtures/westpa-layout: the fixture's west.h5 has the structure of WESTPA's own" $?

cd "$westpa_run"
run we-continue.log node "$WE_CLI" run
status=$?
[ $status -eq 0 ] && run w_trace-continued.log "$py" -m westpa.cli.tools.w_trace -W west.h5 45:0 &&
  run w_pdist-continued.log "$py" -m westpa.cli.tools.w_pdist -W west.h5 --serial -o pdist.h5 && "$py" - <<'EOF'
# we ran iterations 41..45 of WESTPA's file: weights sum to 1 in every iteration, every parent is a segment of the
# iteration before (or an initial state used now), WESTPA's iterations are as it wrote them, and WESTPA's tools
# follow the lineage from we's iterations into WESTPA's (w_trace: 46 rows) and histogram all 45 iterations.
import math, h5py, numpy as np
f = h5py.File('west.h5', 'r'); g = h5py.File('../westpa-odld-as-written.h5', 'r')
assert int(f.attrs['west_current_iteration']) == 46
ist = f['ibstates/0/istate_index'][...]
prev = None
for n in range(1, 47):
    it = f['iterations/iter_%08d' % n]
    si, pc = it['seg_index'][...], it['pcoord'][...]
    assert abs(math.fsum(si['weight'].tolist()) - 1) < 1e-12, n
    for i, p in enumerate(si['parent_id'].tolist()):
        assert (p >= 0 and pc[i, 0, 0] == prev[p, -1, 0]) or (p < 0 and ist[-(p + 1)]['iter_used'] == n), (n, i, p)
    if n < 41:
        assert np.array_equal(si, g['iterations/iter_%08d' % n]['seg_index'][...]) and np.array_equal(pc, g['iterations/iter_%08d' % n]['pcoord'][...]), n
    prev = pc
rows = np.loadtxt('traj_45_0_trace.txt', ndmin=2)
assert list(rows[:, 0]) == list(range(46)), rows[:, 0]
for n_iter, seg, weight, _, _, x in rows[1:]:
    assert np.isclose(f['iterations/iter_%08d' % int(n_iter)]['seg_index'][int(seg)]['weight'], weight, rtol=1e-12, atol=0)
p = h5py.File('pdist.h5', 'r')
assert p['histograms'].shape[0] == 45
assert np.allclose((p['histograms'][...] * np.diff(p['binbounds_0'][...])).sum(axis=1), 1.0)
EOF
verdict "we run continues WESTPA's own west.h5 (41..45): weights, lineage into WESTPA's iterations, w_trace and w_pdist" $?

echo "outputs and logs in $work"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
