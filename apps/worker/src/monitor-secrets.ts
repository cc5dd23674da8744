// Shared with the API's probe gateway, which opens secrets for its probes the same way.
export {
  createSecretSource,
  type RevealedSpec,
  type SecretSource,
  scrubOutcome,
} from '@sentinelmesh/platform';
