/**
 * What the analysis commands say when they cannot do their work: a named one-line error and a non-zero exit
 * status, and no output file, whole or partial, left behind.
 */
import { describe, expect, it } from 'vitest';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { copyExample, we } from './helpers/cli.js';
import { refusalIn } from './helpers/refusal.js';
import { tempDir } from './helpers/temp-dir.js';

describe('analysis commands on bad input', () => {
  it('name the problem, exit non-zero and write nothing', async () => {
    const dir = copyExample('odld');
    const fails = refusalIn(dir);

    // no west.h5 yet, or none named
    await fails(['pdist'], 1, /^we: error: \S+\/west\.h5: no such file: run `we init` and `we run` first, or name another run with -c we\.yaml or -W west\.h5$/);
    await fails(['kinetics', '-W', 'elsewhere/west.h5'], 1, /^we: error: \S+\/elsewhere\/west\.h5: no such file/);
    const empty = tempDir('no-run');
    const nothing = await we(['trace', '1', '0'], empty);
    expect(nothing.exitCode).toBe(1);
    expect(nothing.stderr).toBe("we: error: we.yaml: no such file: give the run's we.yaml with -c, or a west.h5 with -W\n".trimEnd());

    expect((await we(['init'], dir)).exitCode).toBe(0);
    expect((await we(['run', '--max-iter', '3'], dir)).exitCode).toBe(0);

    // iterations and segments out of range
    await fails(['pdist', '--last-iter', '9'], 1, /^we: error: --last-iter: iteration 9 is out of range: \S+west\.h5 has complete iterations 1 to 3$/);
    await fails(['kinetics', '--window', '2:7'], 1, /^we: error: --last-iter: iteration 7 is out of range: \S+west\.h5 has complete iterations 1 to 3$/);
    await fails(['trace', '4', '0'], 1, /^we: error: \S+west\.h5: iteration 4 is out of range: complete iterations are 1 to 3$/);
    await fails(['trace', '3', '999'], 1, /^we: error: \S+west\.h5: segment 999 of iteration 3 is out of range: the iteration has segments 0 to \d+$/);
    await fails(['pdist', '--first-iter', '0'], 2, /^we: error: --first-iter: expected a positive integer, got '0'$/);

    // not a WE file: a text file, an HDF5 file that is not a west.h5, a damaged west.h5
    await fails(['pdist', '-W', 'we.yaml'], 1, /^we: error: \S+\/we\.yaml: not an HDF5 file \(no HDF5 signature found\); expected a west\.h5$/);
    expect((await we(['pdist', '-o', 'histograms.h5'], dir)).exitCode).toBe(0);
    await fails(['kinetics', '-W', 'histograms.h5'], 1, /^we: error: \S+histograms\.h5: is an HDF5 file but not a west\.h5: root attribute west_file_format_version is missing$/);
    const whole = readFileSync(join(dir, 'west.h5'));
    writeFileSync(join(dir, 'cut.h5'), whole.subarray(0, Math.floor(whole.length / 3)));
    await fails(['trace', '1', '0', '-W', 'cut.h5'], 1, /^we: error: \S+cut\.h5: /);

    // a dimension the pcoord does not have
    await fails(['pdist', '--dims', '1'], 1, /^we: error: --dims: dimension 1 does not exist: \S+west\.h5 has a 1-dimensional pcoord \(dimensions 0 to 0\)$/);

    // a window with no flux (nothing has reached the deep well yet)
    await fails(['kinetics'], 1, /^we: error: --window: no flux into any target in iterations 1 to 3; no walker has reached a target yet: run longer$/);

    // a trace whose trajectories are gone (this run keeps none)
    await fails(['trace', '3', '0', '--export', 'path.dcd'], 1, /^we: error: the trajectory of iteration 1, segment \d+ is gone \(\S+traj_segs: segment \d+ of iteration 1 not found; searched \S+\); nothing was written$/);

    // a failing pdist leaves an existing output as it was
    copyFileSync(join(dir, 'histograms.h5'), join(dir, 'before.h5'));
    await fails(['pdist', '--bins', '[[2,3,4]]', '-o', 'histograms.h5'], 1, /^we: error: \S+west\.h5: iteration 1, segment 0, timepoint 0: pcoord dimension 0 = 8 is outside the bins \[2, 4\) \(widen --bins or pass --loose to drop such points\)$/);
    expect(readFileSync(join(dir, 'histograms.h5'))).toEqual(readFileSync(join(dir, 'before.h5')));
  });
});
