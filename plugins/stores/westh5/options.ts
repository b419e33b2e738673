/** The `store.options` of the `westh5` store: none (its file is store.path). */
import { closedObject } from '../../../core/config/closed-object.js';

export const westh5Options = closedObject({});
