/**
 * What `we plot` and `we report` say when they cannot do their work: one named error line, a non-zero exit, and
 * nothing written (no figure, no report, no temporary file), an earlier report left as it was.
 */
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { copyExample, we } from './helpers/cli.js';
import { refusalIn } from './helpers/refusal.js';

describe('we plot and we report on bad input', () => {
  it('name the problem, exit non-zero and write nothing', async () => {
    const dir = copyExample('odld');
    const files = () => readdirSync(dir).sort();
    const fails = refusalIn(dir);

    // no west.h5
    await fails(['plot'], 1, /^we: error: \S+\/west\.h5: no such file: run `we init` and `we run` first/);
    await fails(['report', '-W', 'elsewhere/west.h5'], 1, /^we: error: \S+\/elsewhere\/west\.h5: no such file/);

    expect((await we(['init'], dir)).exitCode).toBe(0);
    expect((await we(['run', '--max-iter', '4'], dir)).exitCode).toBe(0);

    // not a WE file
    await fails(['plot', '-W', 'we.yaml'], 1, /^we: error: \S+\/we\.yaml: not an HDF5 file \(no HDF5 signature found\); expected a west\.h5$/);
    expect((await we(['pdist', '-o', 'histograms.h5'], dir)).exitCode).toBe(0);
    await fails(['report', '-W', 'histograms.h5'], 1, /^we: error: \S+histograms\.h5: is an HDF5 file but not a west\.h5: root attribute west_file_format_version is missing$/);

    // a dimension that does not exist
    await fails(['plot', '--dims', '0,1'], 1, /^we: error: --dims: dimension 1 does not exist: \S+west\.h5 has a 1-dimensional pcoord \(dimensions 0 to 0\)$/);
    await fails(['report', '--label', '2=x (nm)'], 1, /^we: error: --label: dimension 2 does not exist: the pcoord has 1 \(dimensions 0 to 0\)$/);

    // iterations and a window outside the run
    await fails(['plot', '--window', '2:9'], 1, /^we: error: --window: iteration 9 is outside the run: \S+west\.h5 has complete iterations 1 to 4$/);
    await fails(['report', '--window', '4:2'], 1, /^we: error: --window: first iteration 4 is after the last, 2$/);
    await fails(['plot', '--last-iter', '7'], 1, /^we: error: --last-iter: iteration 7 is out of range: \S+west\.h5 has complete iterations 1 to 4$/);
    await fails(['plot', '--window', 'all'], 2, /^we: error: --window: expected FIRST:LAST iterations \(from 1\), e\.g\. 50:200, 50: or :200, got 'all'$/);

    // a figure asked for by name that the run cannot give
    await fails(['plot', '--figures', 'distribution'], 1, /^we: error: \S*west\.h5: cannot draw the distribution figure: the pcoord is 1-dimensional$/);
    await fails(['plot', '--figures', 'flux'], 1, /^we: error: \S*west\.h5: cannot draw the flux figure: --window: no flux into any target in iterations 1 to 4; no walker has reached a target yet: run longer$/);
    await fails(['plot', '--figures', 'heatmap'], 2, /^we: error: --figures: unknown figure 'heatmap'; expected some of evolution,distribution,flux,walkers,timing$/);

    // a spec to redraw that is not one
    writeFileSync(join(dir, 'broken.vl.json'), '{"mark": ');
    await fails(['plot', '--from-spec', 'broken.vl.json'], 1, /^we: error: broken\.vl\.json: not JSON: /);
    writeFileSync(join(dir, 'odd.vl.json'), '{"mark": "nonsense", "data": {"values": []}}');
    await fails(['plot', '--from-spec', 'odd.vl.json'], 1, /^we: error: odd\.vl\.json: not a Vega-Lite spec we can draw: /);

    // a failing report leaves an existing one as it was
    expect((await we(['report', '--figures', 'walkers'], dir)).exitCode).toBe(0);
    const before = readFileSync(join(dir, 'report.html'));
    await fails(['report', '--dims', '3'], 1, /^we: error: --dims: dimension 3 does not exist/);
    expect(readFileSync(join(dir, 'report.html')).equals(before)).toBe(true);
    expect(files().filter((f) => f.includes('.tmp-'))).toEqual([]);
  });
});
