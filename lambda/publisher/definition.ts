import { PUBLISHER_SETTINGS } from '../config/schema';
import type { FunctionDefinition } from '../routes/route';

/**
 * The publisher (`PatEvents`): the audit table's stream in, EventBridge out. It reads no table (the
 * stream brings the records, and Lambda's event source mapping reads the stream).
 */
export const PUBLISHER_FUNCTION = {
  name: 'publisher',
  summary: "Publisher: the audit table's stream to the stack's EventBridge bus",
  settings: PUBLISHER_SETTINGS,
  table: [],
  concurrencyWeight: 2,
} as const satisfies FunctionDefinition;
