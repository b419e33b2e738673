/** Rules of we.yaml that relate one field to another (chiefly: every point has pcoord.ndim values). */
import type * as z from 'zod';
import type { WeYaml } from './schema.js';
import { canNormalise, firstDuplicate } from './states.js';
import type { BinMapperConfig } from './types.js';

type Ctx = z.RefinementCtx;
type Path = (string | number)[];

function checkLength(ctx: Ctx, path: Path, values: readonly unknown[], ndim: number, what: string): void {
  if (values.length !== ndim) {
    ctx.addIssue({ code: 'custom', path, message: `has ${values.length} ${what} but pcoord.ndim is ${ndim}` });
  }
}

function checkMapper(ctx: Ctx, path: Path, mapper: BinMapperConfig, ndim: number): void {
  switch (mapper.type) {
    case 'rectilinear':
      checkLength(ctx, [...path, 'boundaries'], mapper.boundaries, ndim, 'lists of edges');
      return;
    case 'recursive':
      checkMapper(ctx, [...path, 'outer'], mapper.outer, ndim);
      mapper.inner.forEach((inner, i) => {
        checkLength(ctx, [...path, 'inner', i, 'at'], inner.at, ndim, 'coordinates');
        checkMapper(ctx, [...path, 'inner', i, 'mapper'], inner.mapper, ndim);
      });
      return;
    case 'mab':
      checkLength(ctx, [...path, 'nbins'], mapper.nbins, ndim, 'bin counts');
      checkLength(ctx, [...path, 'direction'], mapper.direction, ndim, 'directions');
      return;
    case 'module':
      return;
  }
}

function checkUniqueLabels(ctx: Ctx, field: string, states: readonly { label: string }[]): void {
  const dup = firstDuplicate(states.map((s) => s.label));
  if (dup) {
    ctx.addIssue({
      code: 'custom',
      path: [field, dup.index, 'label'],
      message: `label '${states[dup.index].label}' is already used by ${field}[${dup.firstIndex}]`,
    });
  }
}

export function checkConsistency(cfg: WeYaml, ctx: Ctx): void {
  const { ndim } = cfg.pcoord;
  checkMapper(ctx, ['binning', 'mapper'], cfg.binning.mapper, ndim);

  if (Array.isArray(cfg.basis_states)) {
    const states = cfg.basis_states;
    checkUniqueLabels(ctx, 'basis_states', states);
    states.forEach((s, i) => s.pcoord && checkLength(ctx, ['basis_states', i, 'pcoord'], s.pcoord, ndim, 'values'));
    // An empty list has already been reported by the schema.
    if (states.length > 0 && !canNormalise(states.map((s) => s.probability))) {
      ctx.addIssue({ code: 'custom', path: ['basis_states'], message: 'probabilities must have a positive, finite sum' });
    }
  }

  if (Array.isArray(cfg.target_states)) {
    const states = cfg.target_states;
    checkUniqueLabels(ctx, 'target_states', states);
    states.forEach((s, i) => checkLength(ctx, ['target_states', i, 'pcoord'], s.pcoord, ndim, 'values'));
  }
}
