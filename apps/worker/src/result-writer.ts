// The writer is shared with the API's probe gateway; it lives in @sentinelmesh/platform.
export { ResultWriter, type ResultWriterOptions } from '@sentinelmesh/platform';
