/** The `work_manager.options` of the `local` work manager: none (its slots and retries are work_manager's own keys). */
import { closedObject } from '../../core/config/closed-object.js';

export const localOptions = closedObject({});
