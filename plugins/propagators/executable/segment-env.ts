/** The WEST_* variables describing one segment, named and valued as WESTPA's executable propagator sets them. */
import { WeError } from '../../../core/errors.js';
import type { SegmentTask } from '../../../core/plugins.js';
import type { RefTemplate } from './data-ref.js';

/** A data ref for given field values (an absolute path). */
export type DataRef = Pick<RefTemplate, 'render'>;

export interface RefTemplates {
  segment: DataRef;
  bstate: DataRef;
  istate: DataRef;
}

export interface SegmentPlace {
  dataRef: string;
  env: Record<string, string>;
}

/**
 * For a new trajectory WESTPA points WEST_PARENT_DATA_REF at the basis state's data ref (for basis-type initial
 * states, the only kind `we` makes) and leaves WEST_PARENT_ID as the segment's negative parent id.
 * Continuing segments get no WEST_BSTATE_* / WEST_ISTATE_* variables, as in WESTPA.
 * `localDir`: where the segment runs instead of its data ref (node-local staging); the parent's data ref stays
 * the shared one, where the files the next iteration needs are kept.
 */
export function segmentEnv(task: SegmentTask, index: number, simRoot: string, refs: RefTemplates, localDir?: string): SegmentPlace {
  const iteration = task.iteration;
  const segId = task.segIds[index];
  const parentId = task.parentIds[index];
  const dataRef = localDir ?? refs.segment.render({ iter: iteration, seg: segId });
  const env: Record<string, string> = {
    WEST_SIM_ROOT: simRoot,
    WEST_CURRENT_ITER: String(iteration),
    WEST_CURRENT_SEG_ID: String(segId),
    WEST_CURRENT_SEG_DATA_REF: dataRef,
    WEST_PARENT_ID: String(parentId),
  };
  if (parentId >= 0) {
    env.WEST_CURRENT_SEG_INITPOINT_TYPE = 'SEG_INITPOINT_CONTINUES';
    env.WEST_PARENT_DATA_REF = refs.segment.render({ iter: iteration - 1, seg: parentId });
    return { dataRef, env };
  }
  const istateId = -(parentId + 1);
  const istate = task.initialStates.find((s) => s.istateId === istateId);
  if (!istate) {
    throw new WeError(
      `iteration ${iteration}, segment ${segId}: starts from initial state ${istateId}, which the task does not describe`,
    );
  }
  const fields = { istate: istateId, bstate: istate.basisStateId, auxref: istate.auxref, iter_created: istate.iterCreated };
  const bstateRef = refs.bstate.render(fields);
  env.WEST_CURRENT_SEG_INITPOINT_TYPE = 'SEG_INITPOINT_NEWTRAJ';
  env.WEST_BSTATE_ID = String(istate.basisStateId);
  env.WEST_BSTATE_DATA_REF = bstateRef;
  env.WEST_ISTATE_ID = String(istateId);
  env.WEST_ISTATE_DATA_REF = refs.istate.render(fields);
  env.WEST_PARENT_DATA_REF = bstateRef;
  return { dataRef, env };
}
