/** The `store.options` of the `westh5` store: none (its file is store.path). */
import { closedObject } from '../../../core/config/closed-object.js';

export const westh5Options = closedObject({}).describe("WESTPA's west.h5 (file format 9), which h5py and WESTPA's analysis tools read.");
