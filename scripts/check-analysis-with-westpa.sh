#!/usr/bin/env bash
# Manual check (not run in CI): do `we pdist`, `we kinetics` and `we trace` give what WESTPA's own tools give, on
# west.h5 files WESTPA itself wrote, and does WESTPA's plothist read our pdist.h5?
#
#   bash scripts/check-analysis-with-westpa.sh WESTPA_SRC [WORK_DIR]
#
# WESTPA_SRC must be a built WESTPA source tree (scripts/check-with-westpa.sh builds one with Debian's Python).
# WORK_DIR (default: a new temporary folder) receives the runs and every tool's output and log.
#
#  1. w_init + w_run of WESTPA's ODLD system (its tests/fixtures/odld propagator) started at x = 9 with the target
#     below x = 7.5 (the system of test/odld-rate.test.ts), 200 iterations; and a 2-D variant whose second pcoord
#     dimension is an independent ODLD coordinate (binned in one bin), 60 iterations.
#  2. we pdist -W against w_pdist on both (every histogram to 1e-12), and plothist evolution, average and
#     instant (1-D) and average (2-D) drawing our pdist.h5.
#  3. we kinetics -W against w_fluxanl over the same window (the same recycled flux per iteration; means and
#     intervals side by side) and against w_assign + w_direct (which counts arrivals at any timepoint).
#  4. we trace -W against w_trace for a walker that was recycled.
# Prints PASS/FAIL per check and "N passed, N failed"; exits 1 if any failed.
set -uo pipefail

westpa_src=$(realpath "${1:?usage: check-analysis-with-westpa.sh WESTPA_SRC [WORK_DIR]}")
work=$(realpath -m "${2:-$(mktemp -d /tmp/we-analysis-check.XXXXXX)}")
repo=$(realpath "$(dirname "$0")/..")
py=/usr/bin/python3
we="node $repo/dist/cli/we.js"
export PYTHONPATH="$westpa_src/src" MPLBACKEND=Agg
passed=0
failed=0

die() { echo "check-analysis-with-westpa: $*" >&2; exit 2; }
verdict() {
  if [ "$2" -eq 0 ]; then echo "PASS $1"; passed=$((passed + 1)); else echo "FAIL $1"; failed=$((failed + 1)); fi
}
tool() { local log=$1; shift; echo "+ $*" >"$work/$log"; "$py" -m "westpa.cli.tools.$@" >>"$work/$log" 2>&1 </dev/null; }

"$py" -c 'import westpa.core.binning._assign, westpa.mclib._mclib' 2>/dev/null \
  || die "$westpa_src is not a built WESTPA tree (run scripts/check-with-westpa.sh $westpa_src first)"
[ -f "$repo/dist/cli/we.js" ] || (cd "$repo" && npx tsc -p tsconfig.json) || die "this repo does not compile"
mkdir -p "$work"
echo "WESTPA: $westpa_src; work folder: $work"

# --- 1. two WESTPA runs ---------------------------------------------------------------------------------------
make_sim() {
  local dir=$work/$1 ndim=$2 iterations=$3
  rm -rf "$dir" && mkdir -p "$dir"
  cp "$westpa_src/tests/fixtures/odld/odld_system.py" "$dir/"
  cat >>"$dir/odld_system.py" <<EOF


class RateSystem(WESTSystem):
    def initialize(self):
        self.pcoord_ndim = $ndim
        self.pcoord_dtype = pcoord_dtype
        self.pcoord_len = pcoord_len
        bounds = [[-float('inf')] + [round(7.5 + 0.1 * i, 6) for i in range(26)] + [float('inf')]]
        self.bin_mapper = RectilinearBinMapper(bounds + [[-float('inf'), float('inf')]] * ($ndim - 1))
        self.bin_target_counts = np.full((self.bin_mapper.nbins,), 8, np.int_)


class RatePropagator(ODLDPropagator):
    '''Every pcoord dimension an independent ODLD coordinate from x = 9 (the base class steps one at a time).'''
    def __init__(self, rc=None):
        super().__init__(rc)
        self.initial_pcoord = np.full($ndim, 9.0, dtype=self.coord_dtype)

    def propagate(self, segments):
        full = [s.pcoord.copy() for s in segments]
        for d in range($ndim):
            for s, p in zip(segments, full):
                s.pcoord = p[:, d:d + 1].copy()
            super().propagate(segments)
            for s, p in zip(segments, full):
                p[:, d] = s.pcoord[:, 0]
        for s, p in zip(segments, full):
            s.pcoord = p
        return segments
EOF
  cat >"$dir/west.cfg" <<EOF
west:
  system: {driver: odld_system.RateSystem, module_path: \$WEST_SIM_ROOT}
  propagation: {max_total_iterations: $iterations, propagator: odld_system.RatePropagator, gen_istates: true, block_size: 10000}
  data:
    west_data_file: west.h5
    datasets: [{name: displacement, store: false, load: false}]
    data_refs:
      segment: \$WEST_SIM_ROOT/traj_segs/{segment.n_iter:06d}/{segment.seg_id:06d}
      basis_state: \$WEST_SIM_ROOT/bstates/{basis_state.auxref}
      initial_state: \$WEST_SIM_ROOT/istates/{initial_state.iter_created}/{initial_state.state_id}.gro
EOF
  local target
  target=$(printf '7.0,%.0s' $(seq "$ndim"))
  (cd "$dir" && export WEST_SIM_ROOT=$dir &&
    "$py" -m westpa.cli.core.w_init --bstate start,1.0 --tstate "over,${target%,}" --serial >w_init.log 2>&1 &&
    "$py" -m westpa.cli.core.w_run --serial >w_run.log 2>&1) || die "WESTPA's run in $dir failed; see its w_init.log / w_run.log"
}
make_sim odld 1 200
make_sim odld2d 2 60
echo "WESTPA runs: $work/odld (1-D, 200 iterations), $work/odld2d (2-D, 60 iterations)"

# --- 2. pdist -------------------------------------------------------------------------------------------------
compare_pdist() {
  "$py" - "$1" "$2" <<'EOF'
import sys, h5py, numpy as np
a, b = h5py.File(sys.argv[1], 'r'), h5py.File(sys.argv[2], 'r')
for name in ['histograms', 'n_iter'] + [k for k in a if k.startswith(('binbounds_', 'midpoints_'))]:
    x, y = a[name][...], b[name][...]
    assert x.shape == y.shape and x.dtype == y.dtype, (name, x.shape, y.shape, x.dtype, y.dtype)
    assert np.allclose(x, y, rtol=1e-12, atol=1e-13, equal_nan=True), (name, np.nanmax(np.abs(x - y)))
for attr in ('iter_start', 'iter_stop'):
    assert a['histograms'].attrs[attr] == b['histograms'].attrs[attr], attr
print('max |difference|', float(np.nanmax(np.abs(a['histograms'][...] - b['histograms'][...]))))
EOF
}
cd "$work/odld"
tool w_pdist.log w_pdist -W west.h5 --serial -o w-pdist.h5 && $we pdist -W west.h5 -o we-pdist.h5 >we-pdist.log 2>&1 \
  && compare_pdist w-pdist.h5 we-pdist.h5 >>"$work/w_pdist.log" 2>&1
verdict "1-D: we pdist equals w_pdist (histograms, bounds, midpoints, n_iter, iteration range)" $?
tool plothist-1d.log plothist evolution we-pdist.h5 -o evolution.png && tool plothist-avg.log plothist average we-pdist.h5 0 -o average.png \
  && tool plothist-inst.log plothist instant we-pdist.h5 --iter 150 -o instant.png && [ -s evolution.png ] && [ -s average.png ] && [ -s instant.png ]
verdict "plothist evolution, average and instant draw our 1-D pdist.h5 ($work/odld/*.png)" $?
cd "$work/odld2d"
tool w_pdist-2d.log w_pdist -W west.h5 --serial -b 30 -o w-pdist.h5 && $we pdist -W west.h5 --bins 30 -o we-pdist.h5 >we-pdist.log 2>&1 \
  && compare_pdist w-pdist.h5 we-pdist.h5 >>"$work/w_pdist-2d.log" 2>&1
verdict "2-D: we pdist --bins 30 equals w_pdist -b 30" $?
tool plothist-2d.log plothist average we-pdist.h5 0 1 -o average-2d.png && [ -s average-2d.png ]
verdict "plothist average draws our 2-D pdist.h5 ($work/odld2d/average-2d.png)" $?

# --- 3. kinetics ----------------------------------------------------------------------------------------------
cd "$work/odld"
bins='[[-inf,7.5,7.6,7.7,7.8,7.9,8.0,8.1,8.2,8.3,8.4,8.5,8.6,8.7,8.8,8.9,9.0,9.1,9.2,9.3,9.4,9.5,9.6,9.7,9.8,9.9,10.0,inf]]'
tool w_fluxanl.log w_fluxanl -W west.h5 --first-iter 60 -o fluxanl.h5 \
  && $we kinetics -W west.h5 --window 60:200 --bins "$bins" --json >we-kinetics.json 2>we-kinetics.log \
  && "$py" - >>"$work/w_fluxanl.log" 2>&1 <<'EOF'
import json, h5py, numpy as np
ours = json.load(open('we-kinetics.json'))['targets'][0]
f = h5py.File('fluxanl.h5', 'r')
t = f['target_flux/target_0']
theirs = dict(zip(t['n_iter'][...].tolist(), t['flux'][...].tolist()))
flux = dict(zip(json.load(open('we-kinetics.json'))['iterations'], ours['flux']))
assert all(abs(flux[n] - x) <= 1e-15 for n, x in theirs.items()), 'per-iteration flux differs'
row = f['target_flux/index'][0]
d, h = ours['direct']['per_tau'], ours['hamsm']['per_tau']
print(f"w_fluxanl 60-200: mean {row['mean_flux']:.4e} CI [{row['mean_flux_ci_lb']:.4e}, {row['mean_flux_ci_ub']:.4e}] corr_len {row['mean_flux_correl_len']}")
print(f"we direct 60-200: mean {d['expected']:.4e} CI [{d['ci_lbound']:.4e}, {d['ci_ubound']:.4e}] corr_len {d['corr_len']}")
print(f"we haMSM  60-200: mean {h['expected']:.4e} CI [{h['ci_lbound']:.4e}, {h['ci_ubound']:.4e}]")
assert d['ci_lbound'] <= row['mean_flux'] <= d['ci_ubound'] and row['mean_flux_ci_lb'] <= d['expected'] <= row['mean_flux_ci_ub']
EOF
verdict "we kinetics: the per-iteration flux is w_fluxanl's, and each mean lies in the other's interval (w_fluxanl.log)" $?
# w_direct all also runs `probs`, which fails on this system (mclib: "the estimator failed"): init + kinetics.
tool w_assign.log w_assign -W west.h5 --serial --bins-from-expr "$bins" --states over:7.0 start:9.0 -o assign.h5 \
  && tool w_direct.log w_direct --serial init -W west.h5 -a assign.h5 --first-iter 60 --last-iter 200 -o direct.h5 \
  && tool w_direct-kinetics.log w_direct --serial kinetics -W west.h5 -a assign.h5 -k direct.h5 --first-iter 60 --last-iter 200 -o direct.h5 \
  && "$py" - >>"$work/w_direct.log" 2>&1 <<'EOF'
import json, h5py
ours = json.load(open('we-kinetics.json'))['targets'][0]['direct']['per_tau']
d = h5py.File('direct.h5', 'r')
flux, rate = d['avg_total_fluxes'][0], d['avg_rates'][1, 0]
print(f"w_direct 60-200 flux into 'over' (arrivals at any timepoint): {flux['expected']:.4e} CI [{flux['ci_lbound']:.4e}, {flux['ci_ubound']:.4e}] corr_len {flux['corr_len']}")
print(f"w_direct 60-200 rate start -> over: {rate['expected']:.4e} CI [{rate['ci_lbound']:.4e}, {rate['ci_ubound']:.4e}] corr_len {rate['corr_len']}")
print(f"we kinetics (recycled at segment ends): {ours['expected']:.4e} CI [{ours['ci_lbound']:.4e}, {ours['ci_ubound']:.4e}] corr_len {ours['corr_len']}")
assert flux['expected'] >= ours['ci_lbound'] and rate['ci_lbound'] <= ours['ci_ubound'] and ours['ci_lbound'] <= rate['ci_ubound']
EOF
verdict "w_direct (init + kinetics): its flux (arrivals at any timepoint) is not below our interval, its rate interval overlaps ours (w_direct.log)" $?

# --- 4. trace -------------------------------------------------------------------------------------------------
seg=$("$py" -c "import h5py; si = h5py.File('west.h5', 'r')['iterations/iter_00000200/seg_index'][...]; print(int((si['endpoint_type'] == 3).nonzero()[0][0]))")
tool w_trace.log w_trace -W west.h5 "200:$seg" && $we trace 200 "$seg" -W west.h5 --json >we-trace.json 2>>"$work/w_trace.log" \
  && "$py" - "$seg" >>"$work/w_trace.log" 2>&1 <<'EOF'
import sys, json, numpy as np
seg = sys.argv[1]
theirs = np.loadtxt(f'traj_200_{seg}_trace.txt', ndmin=2)
ours = json.load(open('we-trace.json'))
steps = [[s['iteration'], s['segment'], s['weight'], s['pcoord'][0]] for s in ours['steps']]
assert len(steps) == len(theirs) - 1, (len(steps), len(theirs))
for (n, s, w, x), row in zip(steps, theirs[1:]):
    assert (n, s) == (int(row[0]), int(row[1])) and abs(w - row[2]) <= 1e-15 * w and abs(x - row[5]) < 1e-5, (n, s, row)
assert int(theirs[0][1]) == ours['origin']['initialState']
print(f'200:{seg}: {len(steps)} segments and the initial state agree')
EOF
verdict "we trace equals w_trace for recycled walker 200:$seg (iterations, segments, weights, pcoords, initial state)" $?

echo "outputs and logs in $work"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
