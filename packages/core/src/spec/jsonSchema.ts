import { z } from 'zod';
import { specSchema } from './schema.ts';

/** The JSON Schema of the spec as written (defaults optional), for editor completion and `vigil schema`. */
export function specJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(specSchema, { io: 'input', target: 'draft-2020-12' }),
    $id: 'https://vigil.dev/schemas/spec-v1.json',
    title: 'Vigil verification spec',
  };
}
