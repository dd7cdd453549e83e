import { z } from 'zod';
import { metricSpecSchema, presetEntrySchema, specSchema } from './schema.ts';

/**
 * The JSON Schema of the spec as written (defaults optional), for editor completion and `vigil schema`. A
 * metric may be written as a preset entry, which the loader expands before validation (presets.ts).
 */
export function specJsonSchema(): Record<string, unknown> {
  const written = specSchema.extend({
    metrics: z
      .array(z.union([metricSpecSchema, presetEntrySchema]))
      .describe(specSchema.shape.metrics.description ?? 'Metrics to verify.'),
  });
  return {
    ...z.toJSONSchema(written, { io: 'input', target: 'draft-2020-12' }),
    $id: 'https://vigil.dev/schemas/spec-v1.json',
    title: 'Vigil verification spec',
  };
}
