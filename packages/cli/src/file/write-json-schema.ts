import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { fileJsonSchema, JSON_SCHEMA_PATH } from './json-schema';

const target = fileURLToPath(new URL(`../../../../${JSON_SCHEMA_PATH}`, import.meta.url));
await writeFile(target, fileJsonSchema());
process.stdout.write(`wrote ${JSON_SCHEMA_PATH}\n`);
