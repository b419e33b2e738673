/** The `work_manager.options` of the `local` work manager: none (its slots and retries are work_manager's own keys). */
import { closedObject } from '../../core/config/closed-object.js';

export const localOptions = closedObject({}).describe('Runs segments in this process and its children, `slots` at a time.');
