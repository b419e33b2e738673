#!/usr/bin/python3
"""WESTPA 2 simulations for the benches that compare `we` with WESTPA (bench/executable.ts,
bench/westpa-executable.ts). Needs PYTHONPATH pointing at WESTPA's src/.

  westpa-sim.py setup SIM RUNSEG PCOORD_LEN WALKERS ITERATIONS
      Writes west.cfg, a system driver (1-D pcoord of PCOORD_LEN rows, one bin of WALKERS walkers) and a
      get_pcoord.sh into SIM, with RUNSEG as the run script and logs in SIM/seg_logs, as WESTPA's tutorials lay
      them out; w_run then stops after ITERATIONS.
  westpa-sim.py propagate SIM SEGMENTS WORKERS ROUNDS
      In a SIM made by setup: ROUNDS times, propagates SEGMENTS new continuing segments through WESTPA's own
      ExecutablePropagator.propagate, one per call, split over WORKERS forked processes as WESTPA's processes
      work manager would run them. Prints one line per round: its seconds (Python's start-up and imports
      excluded, as the engine side excludes Node's).
"""
import multiprocessing
import os
import sys
import time

SYSTEM = '''import numpy as np
from westpa.core.binning import RectilinearBinMapper
from westpa.core.systems import WESTSystem

class System(WESTSystem):
    def initialize(self):
        self.pcoord_ndim = 1
        self.pcoord_len = {pcoord_len}
        self.pcoord_dtype = np.float32
        self.bin_mapper = RectilinearBinMapper([[-float('inf'), float('inf')]])
        self.bin_target_counts = np.full(self.bin_mapper.nbins, {walkers}, dtype=int)
'''

CONFIG = '''---
west:
  system: {{driver: system.System, module_path: {sim}}}
  propagation: {{max_total_iterations: {iterations}, propagator: executable, gen_istates: false}}
  data:
    west_data_file: west.h5
    data_refs:
      segment: {sim}/traj_segs/{{segment.n_iter:06d}}/{{segment.seg_id:06d}}
      basis_state: {sim}/bstates/{{basis_state.auxref}}
      initial_state: {sim}/istates/{{initial_state.iter_created}}/{{initial_state.state_id}}
  executable:
    environ: {{}}
    propagator:
      executable: {runseg}
      stdout: {sim}/seg_logs/{{segment.n_iter:06d}}-{{segment.seg_id:06d}}.log
      stderr: stdout
    get_pcoord: {{executable: {sim}/get_pcoord.sh, stdout: /dev/null, stderr: stdout}}
'''


def setup(sim, runseg, pcoord_len, walkers, iterations):
    for folder in ('seg_logs', 'bstates/0'):
        os.makedirs(os.path.join(sim, folder), exist_ok=True)
    files = {
        'system.py': SYSTEM.format(pcoord_len=pcoord_len, walkers=walkers),
        'west.cfg': CONFIG.format(sim=sim, runseg=runseg, iterations=iterations),
        'get_pcoord.sh': '#!/bin/sh\necho 1.0 > $WEST_PCOORD_RETURN\n',
    }
    for name, text in files.items():
        with open(os.path.join(sim, name), 'w') as f:
            f.write(text)
    os.chmod(os.path.join(sim, 'get_pcoord.sh'), 0o755)


def propagate_share(first, count, iteration, pcoord_len, start):
    import numpy as np
    import westpa
    from westpa.core.segment import Segment

    propagator = westpa.rc.get_propagator()
    start.wait()
    for seg_id in range(first, first + count):
        segment = Segment(
            n_iter=iteration,
            seg_id=seg_id,
            parent_id=seg_id,  # continuing: WEST_CURRENT_SEG_INITPOINT_TYPE is SEG_INITPOINT_CONTINUES
            weight=1.0,
            pcoord=np.zeros((pcoord_len, 1), dtype=np.float32),
        )
        propagator.propagate([segment])
        if segment.status != Segment.SEG_STATUS_COMPLETE:
            raise SystemExit(f'segment {seg_id} failed')


def propagate(sim, segments, workers, rounds):
    import westpa

    os.environ['WEST_SIM_ROOT'] = sim
    os.chdir(sim)
    sys.path.insert(0, sim)  # the system driver's module, as w_run finds it
    westpa.rc.read_config('west.cfg')
    pcoord_len = westpa.rc.get_system_driver().pcoord_len
    westpa.rc.get_propagator()
    share = segments // workers
    context = multiprocessing.get_context('fork')
    for round_ in range(rounds):
        start = context.Event()
        procs = [
            context.Process(target=propagate_share, args=(w * share, share, round_ + 1, pcoord_len, start))
            for w in range(workers)
        ]
        for p in procs:
            p.start()
        time.sleep(0.2)  # every worker imported and waiting
        t0 = time.perf_counter()
        start.set()
        for p in procs:
            p.join()
            if p.exitcode != 0:
                raise SystemExit(f'worker exited with {p.exitcode}')
        print(f'{time.perf_counter() - t0:.6f}', flush=True)


if __name__ == '__main__':
    command, sim, *rest = sys.argv[1:]
    sim = os.path.abspath(sim)
    if command == 'setup':
        runseg, pcoord_len, walkers, iterations = rest
        setup(sim, os.path.abspath(runseg), int(pcoord_len), int(walkers), int(iterations))
    else:
        segments, workers, rounds = rest
        propagate(sim, int(segments), int(workers), int(rounds))
