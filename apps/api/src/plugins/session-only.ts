import { DomainError } from '@sentinelmesh/core';
import type { onRequestHookHandler } from 'fastify';
import { principalOf } from './auth';

/**
 * After requireRole: refuses API keys. Keys must not manage keys, members or invitations, or an
 * admin key could mint keys (or admins) that outlive it; only a signed-in person does that.
 */
export const sessionOnly: onRequestHookHandler = async (request) => {
  if (principalOf(request).apiKeyId) {
    throw new DomainError(
      'forbidden',
      'API keys cannot manage API keys, members or invitations; sign in as an admin to do this',
    );
  }
};
