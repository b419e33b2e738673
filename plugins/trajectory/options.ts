export interface ReadFramesOptions {
  /** 0-based indices of the file's atoms to keep, in output order; every atom when absent. */
  atoms?: Int32Array;
  /** The number of atoms the file must hold (before `atoms` picks some). */
  expectedAtoms?: number;
}
