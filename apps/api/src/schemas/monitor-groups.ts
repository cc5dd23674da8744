import { createMonitorGroupSchema, updateMonitorGroupSchema } from '@sentinelmesh/core';
import { z } from 'zod';
import { cursorQuery, isoTime, keyQuery, limitQuery, managedFields } from './common';

export const createMonitorGroupBody = createMonitorGroupSchema;
export const patchMonitorGroupBody = updateMonitorGroupSchema;

export const listMonitorGroupsQuery = z.object({ key: keyQuery, limit: limitQuery, cursor: cursorQuery });

export const monitorGroupSchema = z.object({
  id: z.string(),
  name: z.string(),
  alertAsOne: z.boolean().describe('while any member is down: one group incident and one down/up alert pair'),
  monitorIds: z.array(z.string()).describe('the members, by id'),
  status: z.enum(['up', 'down']).describe('down while any member is down or flapping'),
  incident: z
    .object({ id: z.string(), openedAt: isoTime, cause: z.string().nullable() })
    .nullable()
    .describe("the group's open incident (groups alerted as one)"),
  createdAt: isoTime,
  updatedAt: isoTime,
  ...managedFields,
});
