export * from './clock';
export * from './connection';
export * from './migrate';
export * from './partitions';
export type * from './schema';
