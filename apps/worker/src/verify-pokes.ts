// The pokes are shared with the API's probe gateway; they live in @sentinelmesh/platform.
export { addPokes, type VerifyPoke, verifyBatchJobs, verifyPoke } from '@sentinelmesh/platform';
