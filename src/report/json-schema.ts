import { z } from 'zod';
import { reportSchema } from './schema.js';

/** The report's JSON Schema (draft 2020-12), derived from the zod schema; published in docs/. */
export function reportJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(reportSchema, { target: 'draft-2020-12' }) as Record<string, unknown>;
}
