import { sentinelFileSchema } from '@sentinelmesh/core';
import { z } from 'zod';

/** Where the published JSON Schema lives, from the repository's root. */
export const JSON_SCHEMA_PATH = 'schemas/sentinelmesh.schema.json';

/** The JSON Schema of sentinelmesh.yaml, generated from the core schemas, as the repository publishes it. */
export function fileJsonSchema(): string {
  const schema = z.toJSONSchema(sentinelFileSchema, {
    io: 'input',
    unrepresentable: 'any',
    target: 'draft-2020-12',
  });
  return `${JSON.stringify({ ...schema, title: 'sentinelmesh.yaml', $id: 'sentinelmesh.schema.json' }, null, 2)}\n`;
}
