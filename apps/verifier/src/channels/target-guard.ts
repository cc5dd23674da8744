import { guardedLookup } from '@sentinelmesh/platform';

// The channels' guard is the platform's shared target guard (packages/platform/src/target-guard.ts).
export { BlockedTargetError, isPublicAddress } from '@sentinelmesh/platform';

/**
 * A `lookup` for sockets that refuses names resolving to non-public addresses; the socket then
 * connects to exactly the address that was checked.
 */
export const publicOnlyLookup = guardedLookup({ allowPrivate: false });
