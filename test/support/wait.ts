export { waitFor } from '@sentinelmesh/stack/wait';
