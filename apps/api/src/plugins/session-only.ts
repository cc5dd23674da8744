import type { onRequestHookHandler } from 'fastify';
import { apiErrors } from '../errors';
import { principalOf } from './auth';

/**
 * After requireRole: refuses API keys. Keys must not manage keys, members or invitations, or an
 * admin key could mint keys (or admins) that outlive it; only a signed-in person does that.
 */
export const sessionOnly: onRequestHookHandler = async (request) => {
  if (principalOf(request).apiKeyId) {
    throw apiErrors.apiKeyRefused('manage API keys, members or invitations');
  }
};
