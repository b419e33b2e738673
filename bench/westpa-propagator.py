#!/usr/bin/python3
"""WESTPA 2's ExecutablePropagator alone, the baseline of bench/executable.ts.

  westpa-propagator.py SIM_DIR RUNSEG SEGMENTS WORKERS ROUNDS

Writes a minimal west.cfg and system driver into SIM_DIR (1-D pcoord, 1 row, RUNSEG as the run script), then
ROUNDS times propagates SEGMENTS new segments (continuing ones, as in a run) through WESTPA's own
ExecutablePropagator.propagate, one segment per call, split over WORKERS forked processes as WESTPA's processes
work manager would run them. Prints one line per round: seconds for the SEGMENTS (Python start-up and imports
excluded, as the engine side excludes Node's). Needs PYTHONPATH pointing at WESTPA's src/.
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
        self.pcoord_len = 1
        self.pcoord_dtype = np.float32
        self.bin_mapper = RectilinearBinMapper([[-float('inf'), float('inf')]])
        self.bin_target_counts = np.full(self.bin_mapper.nbins, 1, dtype=int)
'''

CONFIG = '''---
west:
  system: {{driver: system.System, module_path: {sim}}}
  propagation: {{propagator: executable}}
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
'''


def propagate(first, count, iteration, start):
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
            pcoord=np.zeros((1, 1), dtype=np.float32),
        )
        propagator.propagate([segment])
        if segment.status != Segment.SEG_STATUS_COMPLETE:
            raise SystemExit(f'segment {seg_id} failed')


def main(sim, runseg, segments, workers, rounds):
    import westpa

    os.makedirs(os.path.join(sim, 'seg_logs'), exist_ok=True)
    with open(os.path.join(sim, 'system.py'), 'w') as f:
        f.write(SYSTEM)
    with open(os.path.join(sim, 'west.cfg'), 'w') as f:
        f.write(CONFIG.format(sim=sim, runseg=runseg))
    os.environ['WEST_SIM_ROOT'] = sim
    os.chdir(sim)
    sys.path.insert(0, sim)  # the system driver's module, as w_run finds it
    westpa.rc.read_config('west.cfg')
    westpa.rc.get_system_driver()
    westpa.rc.get_propagator()
    share = segments // workers
    context = multiprocessing.get_context('fork')
    for round_ in range(rounds):
        start = context.Event()
        procs = [context.Process(target=propagate, args=(w * share, share, round_ + 1, start)) for w in range(workers)]
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
    sim, runseg, segments, workers, rounds = sys.argv[1:]
    main(os.path.abspath(sim), os.path.abspath(runseg), int(segments), int(workers), int(rounds))
