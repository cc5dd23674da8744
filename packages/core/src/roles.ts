import { z } from 'zod';

/** Roles in an organization, lowest to highest. */
export const roles = ['viewer', 'member', 'admin', 'owner'] as const;
export type Role = (typeof roles)[number];
export const roleSchema = z.enum(roles);

const rank = (role: Role) => roles.indexOf(role);

/** Whether `role` grants at least what `min` does. */
export const hasRole = (role: Role, min: Role): boolean => rank(role) >= rank(min);

/** The lower of two roles (an API key acts with the lower of its own and its creator's). */
export const lowerRole = (a: Role, b: Role): Role => (rank(a) <= rank(b) ? a : b);
