/**
 * Seconds per iteration and what the run recorded of its parts. /summary holds each iteration's wall-clock time
 * (propagation, recycling and resampling; for `we`, the journal and west.h5 writes that follow are not in it)
 * and its segments' summed CPU time; seg_index holds each segment's wall-clock time (its MD and its pcoord
 * together). So the figure shows the iteration, its longest and its mean segment, the CPU time, and how many
 * segments ran at once on average (Σ segment wall time / iteration wall time: the slots' use). It cannot split a
 * segment into MD and pcoord, nor show time spent waiting for a slot or writing files: the run does not record them.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { IterationSeries } from '../../core/analysis/iteration-series.js';
import { CONFIG, ITERATION_AXIS, PANEL_HEIGHT, SCHEMA, WIDTH, madeBy, short, zoom } from './figure.js';

export interface TimingInput {
  series: IterationSeries;
  /** Slots the run was configured with (we.yaml work_manager.slots), drawn as the concurrency's ceiling. */
  slots?: number;
  source: string;
  name: string;
}

const WALL_PARTS = ['iteration', 'longest segment', 'mean segment'] as const;

export function timingSpec({ series, slots, source, name }: TimingInput): TopLevelSpec {
  const { iterations } = series;
  const wall = Array.from(iterations, (iteration, k) => [
    { iteration, part: WALL_PARTS[0], seconds: short(series.iterationWalltime[k]) },
    { iteration, part: WALL_PARTS[1], seconds: short(series.longestSegment[k]) },
    { iteration, part: WALL_PARTS[2], seconds: short(series.meanSegment[k]) },
  ]).flat();
  const perIteration = Array.from(iterations, (iteration, k) => ({ iteration, cpu_seconds: short(series.cputime[k]), concurrency: short(series.concurrency[k]) }));
  const x = { field: 'iteration', type: 'quantitative' as const, title: 'iteration', axis: ITERATION_AXIS, scale: { domain: [iterations[0], iterations[iterations.length - 1]], nice: false } };
  const line = { type: 'line' as const, point: { size: 12 }, strokeWidth: 1.2, clip: true };
  return {
    $schema: SCHEMA,
    usermeta: madeBy(name),
    title: {
      text: 'Seconds per iteration and its parts',
      subtitle: [
        `${source}: iteration wall time and CPU time from /summary, segment wall times from seg_index.`,
        'Not recorded, so not shown: MD vs pcoord within a segment, waiting for a slot, file writes.',
      ],
    },
    vconcat: [
      {
        width: WIDTH,
        height: PANEL_HEIGHT,
        data: { values: wall },
        params: [zoom('wall_zoom')],
        mark: line,
        encoding: {
          x,
          y: { field: 'seconds', type: 'quantitative', title: ['wall-clock time', '(s)'] },
          color: { field: 'part', type: 'nominal', title: null, scale: { domain: [...WALL_PARTS] } },
          tooltip: [
            { field: 'iteration', type: 'quantitative' },
            { field: 'part', type: 'nominal' },
            { field: 'seconds', type: 'quantitative', title: 'seconds', format: '.4~g' },
          ],
        },
      },
      {
        width: WIDTH,
        height: PANEL_HEIGHT,
        data: { values: perIteration },
        params: [zoom('cpu_zoom')],
        mark: { ...line, color: '#8c564b', point: { size: 12, color: '#8c564b' } },
        encoding: {
          x,
          y: { field: 'cpu_seconds', type: 'quantitative', title: ['CPU time of all', 'segments (s)'] },
          tooltip: [
            { field: 'iteration', type: 'quantitative' },
            { field: 'cpu_seconds', type: 'quantitative', title: 'CPU seconds', format: '.4~g' },
          ],
        },
      },
      {
        width: WIDTH,
        height: PANEL_HEIGHT,
        data: { values: perIteration },
        layer: [
          {
            params: [zoom('concurrency_zoom')],
            mark: { ...line, color: '#2ca02c', point: { size: 12, color: '#2ca02c' } },
            encoding: {
              x,
              y: { field: 'concurrency', type: 'quantitative', title: ['segments running', 'at once (mean)'] },
              tooltip: [
                { field: 'iteration', type: 'quantitative' },
                { field: 'concurrency', type: 'quantitative', title: 'segments at once', format: '.3~f' },
              ],
            },
          },
          ...(slots !== undefined
            ? [{ data: { values: [{ slots }] }, mark: { type: 'rule' as const, strokeDash: [4, 4], color: '#666' }, encoding: { y: { field: 'slots', type: 'quantitative' as const } } }]
            : []),
        ],
      },
    ],
    config: CONFIG,
  };
}
